"""Build the engine's inputs from the database in a constant number of queries.

`load_records(cohort, user_ids)` returns a snapshot per trainee for a whole cohort
in five queries, so a cohort view evaluates fifty trainees in memory.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from app.eligibility.engine import CoursePlan, SupervisionEntry, TraineeRecords, WeekPlan
from app.extensions import db
from app.models import (
    Attendance,
    Cohort,
    ConductSignature,
    Course,
    FinalSignoff,
    LectureView,
    LiveSession,
    Module,
    Quiz,
    QuizAttempt,
    RecordingView,
    RolePlaySubmission,
    Scenario,
    SessionStatus,
    SupervisionSession,
)


def load_plan(course: Course) -> CoursePlan:
    rows = db.session.execute(
        sa.select(Module.week, Module.title, Quiz.pass_percent, Quiz.max_attempts)
        .outerjoin(Quiz, sa.and_(Quiz.module_id == Module.id, Quiz.archived_at.is_(None)))
        .where(Module.course_id == course.id, Module.archived_at.is_(None))
        .order_by(Module.week)
    ).all()
    weeks = tuple(WeekPlan(week=w, title=t, quiz_pass_percent=p, quiz_max_attempts=m or 0) for w, t, p, m in rows)
    return CoursePlan(weeks=weeks, rules=course.rules or {})


def load_records(cohort: Cohort, user_ids: list[int]) -> dict[int, TraineeRecords]:
    records = {uid: TraineeRecords() for uid in user_ids}
    if not user_ids:
        return records
    for uid, week in db.session.execute(
        sa.select(LectureView.user_id, Module.week).join(Module, Module.id == LectureView.module_id)
        .where(LectureView.cohort_id == cohort.id, LectureView.user_id.in_(user_ids))
    ):
        records[uid].lectures_viewed.add(week)
    for uid, week, status in db.session.execute(
        sa.select(Attendance.user_id, LiveSession.week, Attendance.status)
        .join(LiveSession, LiveSession.id == Attendance.live_session_id)
        .where(LiveSession.cohort_id == cohort.id, Attendance.user_id.in_(user_ids))
    ):
        records[uid].attendance[week] = status.value
    for uid, week in db.session.execute(
        sa.select(RecordingView.user_id, LiveSession.week)
        .join(LiveSession, LiveSession.id == RecordingView.live_session_id)
        .where(LiveSession.cohort_id == cohort.id, RecordingView.user_id.in_(user_ids))
    ):
        records[uid].recordings_watched.add(week)
    for uid, week, best, count in db.session.execute(
        sa.select(QuizAttempt.user_id, Module.week, sa.func.max(QuizAttempt.score_percent),
                  sa.func.count(QuizAttempt.submitted_at))
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id).join(Module, Module.id == Quiz.module_id)
        .where(QuizAttempt.cohort_id == cohort.id, QuizAttempt.user_id.in_(user_ids))
        .group_by(QuizAttempt.user_id, Module.week)
    ):
        if count:
            records[uid].quiz_attempts[week] = count
        if best is not None:
            records[uid].quiz_best[week] = best
    for uid, day, kind, minutes in db.session.execute(approved_supervision(user_ids)):
        records[uid].supervision.append(SupervisionEntry(day, kind.value, minutes))
    for uid in db.session.scalars(sa.select(ConductSignature.user_id).where(
            ConductSignature.course_id == cohort.course_id, ConductSignature.user_id.in_(user_ids))):
        records[uid].conduct_signed = True
    for uid in db.session.scalars(sa.select(FinalSignoff.user_id).where(
            FinalSignoff.cohort_id == cohort.id, FinalSignoff.user_id.in_(user_ids))):
        records[uid].final_signoff = True
    for uid, week, outcome in db.session.execute(
        sa.select(RolePlaySubmission.trainee_id, Module.week, RolePlaySubmission.outcome)
        .join(Scenario, Scenario.id == RolePlaySubmission.scenario_id).join(Module, Module.id == Scenario.module_id)
        .where(RolePlaySubmission.cohort_id == cohort.id, RolePlaySubmission.trainee_id.in_(user_ids),
               Scenario.assessment == "summative")
        .order_by(RolePlaySubmission.attempt)
    ):
        # a pass on any attempt stands; otherwise the latest attempt's state
        if records[uid].roleplay.get(week) != "pass":
            records[uid].roleplay[week] = outcome.value if outcome is not None else "pending"
    return records


def approved_supervision(user_ids: list[int]) -> sa.Select:
    """Approved sessions still in force (an approved amendment supersedes its original)."""
    return (sa.select(SupervisionSession.trainee_id, SupervisionSession.session_date,
                      SupervisionSession.supervision_type, SupervisionSession.duration_minutes)
            .where(SupervisionSession.trainee_id.in_(user_ids),
                   SupervisionSession.status == SessionStatus.APPROVED,
                   SupervisionSession.superseded_at.is_(None))
            .order_by(SupervisionSession.session_date))


def attempts_started(cohort: Cohort, user_ids: list[int]) -> dict[int, set[int]]:
    """Weeks in which each trainee has at least one attempt, submitted or not."""
    started: dict[int, set[int]] = defaultdict(set)
    for uid, week in db.session.execute(
        sa.select(QuizAttempt.user_id, Module.week).distinct()
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id).join(Module, Module.id == Quiz.module_id)
        .where(QuizAttempt.cohort_id == cohort.id, QuizAttempt.user_id.in_(user_ids))
    ):
        started[uid].add(week)
    return started
