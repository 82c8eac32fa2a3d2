"""The course catalogue and the read-only outline."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app import policy
from app.extensions import db
from app.guards import guard, not_found_unless
from app.models import Cohort, CohortInstructor, Course, Enrollment, Module, Question, Quiz
from app.models.orgs import CURRENT_STATUSES

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")


@bp.get("/")
@guard(policy.can_view_course)
def index():
    courses = db.session.scalars(
        sa.select(Course).where(Course.archived_at.is_(None)).order_by(Course.title)
    ).all()
    return render_template("courses/index.html", courses=courses)


@bp.get("/<slug>")
@guard(policy.can_view_course)
def outline(slug: str):
    course = db.session.scalar(
        sa.select(Course).where(Course.slug == slug).options(
            selectinload(Course.modules).selectinload(Module.scenarios),
            selectinload(Course.modules).selectinload(Module.quizzes),
            selectinload(Course.modules).selectinload(Module.discussion_prompts),
        )
    )
    if course is None:
        abort(404)
    not_found_unless(policy.can_view_course(current_user, course))
    question_counts = dict(db.session.execute(
        sa.select(Question.quiz_id, sa.func.count()).join(Quiz)
        .where(Quiz.course_id == course.id, Question.archived_at.is_(None))
        .group_by(Question.quiz_id)
    ).all())
    modules = [m for m in course.modules if m.archived_at is None]
    return render_template("courses/outline.html", course=course, modules=modules,
                           question_counts=question_counts, cohort_id=_own_cohort_id(course))


def _own_cohort_id(course: Course) -> int | None:
    """The viewer's cohort of this course (the latest to start, if several), whose week pages the outline's
    week titles open; None for someone who is in none (an administrator), whose outline has no links."""
    mine = sa.or_(
        Cohort.id.in_(sa.select(Enrollment.cohort_id).where(Enrollment.user_id == current_user.id,
                                                            Enrollment.status.in_(CURRENT_STATUSES))),
        Cohort.id.in_(sa.select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == current_user.id)))
    return db.session.scalar(sa.select(Cohort.id).where(Cohort.course_id == course.id, mine)
                             .order_by(Cohort.start_date.desc(), Cohort.id.desc()).limit(1))
