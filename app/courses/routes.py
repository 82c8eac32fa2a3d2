"""The course catalogue and the read-only outline."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app import policy
from app.extensions import db
from app.guards import guard, not_found_unless
from app.models import Course, Module, Question, Quiz

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
                           question_counts=question_counts)
