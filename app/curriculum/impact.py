"""What a change to a live course would strand: checked before `flask course import` writes anything.

A week that leaves the files while trainees have records in it, or an hour category that leaves while
sessions are logged under it, would silently change what those trainees have completed. The import
refuses such a change unless forced, and a forced import is audited with what it affected.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.curriculum.spec import CourseSpec
from app.extensions import db
from app.models import (
    Cohort,
    Course,
    Enrollment,
    LectureView,
    Module,
    Quiz,
    QuizAttempt,
    RolePlaySubmission,
    Scenario,
    SupervisionSession,
)
from app.models.orgs import CURRENT_STATUSES


def stranded(spec: CourseSpec) -> list[str]:
    """Plain-words lines, one per thing the new files would take away from enrolled trainees."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == spec.slug))
    if course is None:
        return []
    enrolled = (sa.select(Enrollment.user_id).join(Cohort, Cohort.id == Enrollment.cohort_id)
                .where(Cohort.course_id == course.id, Enrollment.status.in_(CURRENT_STATUSES)))
    kept = {m.slug for m in spec.modules}
    out = []
    for module in db.session.scalars(sa.select(Module).where(Module.course_id == course.id,
                                                             Module.archived_at.is_(None))):
        if module.slug in kept:
            continue
        people = set(db.session.scalars(sa.select(LectureView.user_id).where(
            LectureView.module_id == module.id, LectureView.user_id.in_(enrolled))))
        people |= set(db.session.scalars(sa.select(QuizAttempt.user_id).join(Quiz, Quiz.id == QuizAttempt.quiz_id)
                                         .where(Quiz.module_id == module.id, QuizAttempt.user_id.in_(enrolled))))
        people |= set(db.session.scalars(
            sa.select(RolePlaySubmission.trainee_id).join(Scenario, Scenario.id == RolePlaySubmission.scenario_id)
            .where(Scenario.module_id == module.id, RolePlaySubmission.trainee_id.in_(enrolled))))
        if people:
            out.append(f"week {module.week} ({module.slug}) leaves the files, but {len(people)} enrolled "
                       f"trainee(s) have records in it")
    new_categories = {c["key"] for c in (spec.rules.get("supervision") or {}).get("categories", [])}
    old_categories = {c["key"] for c in ((course.rules or {}).get("supervision") or {}).get("categories", [])}
    for key in sorted(old_categories - new_categories):
        n = db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionSession)
                              .join(Cohort, Cohort.id == SupervisionSession.cohort_id)
                              .where(Cohort.course_id == course.id, SupervisionSession.category == key))
        if n:
            out.append(f"hour category {key!r} leaves the files (renamed or removed), but {n} supervision "
                       f"session(s) are logged under it")
    return out
