"""Build the engine's inputs from the database in a constant number of queries.

`load_records(cohort, user_ids)` returns a snapshot per trainee for a whole cohort
in five queries, so a cohort view evaluates fifty trainees in memory.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.eligibility.engine import CoursePlan, SupervisionEntry, TraineeRecords, WeekPlan
from app.extensions import db
from app.models import (
    Attendance,
    Cohort,
    ConductSignature,
    Course,
    DiscussionPrompt,
    FinalSignoff,
    LectureView,
    LiveSession,
    Module,
    Post,
    Quiz,
    QuizAttempt,
    RecordingView,
    RolePlaySubmission,
    Scenario,
    SessionStatus,
    SupervisionSession,
    Thread,
)
from app.pacing import unlock_at


def load_plan(course: Course) -> CoursePlan:
    has_prompt = sa.exists().where(DiscussionPrompt.module_id == Module.id,
                                   DiscussionPrompt.archived_at.is_(None)).label("has_prompt")
    rows = db.session.execute(
        sa.select(Module.week, Module.title, Quiz.pass_percent, Quiz.max_attempts, has_prompt)
        .outerjoin(Quiz, sa.and_(Quiz.module_id == Module.id, Quiz.archived_at.is_(None)))
        .where(Module.course_id == course.id, Module.archived_at.is_(None))
        .order_by(Module.week)
    ).all()
    weeks = tuple(WeekPlan(week=w, title=t, quiz_pass_percent=p, quiz_max_attempts=m or 0, has_prompt=bool(d))
                  for w, t, p, m, d in rows)
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
    for uid, week, score, late in db.session.execute(
        sa.select(QuizAttempt.user_id, Module.week, QuizAttempt.score_percent, QuizAttempt.late)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id).join(Module, Module.id == Quiz.module_id)
        .where(QuizAttempt.cohort_id == cohort.id, QuizAttempt.user_id.in_(user_ids),
               QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    ):
        r = records[uid]
        r.quiz_attempts[week] = r.quiz_attempts.get(week, 0) + 1
        if score is not None and not late:  # a late attempt is used up but does not count
            r.quiz_best[week] = max(score, r.quiz_best.get(week, score))
            r.quiz_latest[week] = score  # rows come oldest first, so the last one stays
    shared = bool(((cohort.course.rules or {}).get("supervision") or {}).get("count_sessions_from_other_programs"))
    for uid, day, kind, minutes, category in db.session.execute(
            approved_supervision(user_ids, None if shared else cohort.id)):
        records[uid].supervision.append(SupervisionEntry(day, kind.value, minutes, category))
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
    _load_discussion(cohort, user_ids, records)
    return records


def approved_supervision(user_ids: list[int], cohort_id: int | None) -> sa.Select:
    """Approved sessions still in force (an approved amendment supersedes its original), logged for
    the cohort's program, or for any program when `cohort_id` is None."""
    stmt = (sa.select(SupervisionSession.trainee_id, SupervisionSession.session_date,
                      SupervisionSession.supervision_type, SupervisionSession.duration_minutes,
                      SupervisionSession.category)
            .where(SupervisionSession.trainee_id.in_(user_ids),
                   SupervisionSession.status == SessionStatus.APPROVED,
                   SupervisionSession.superseded_at.is_(None))
            .order_by(SupervisionSession.session_date))
    return stmt if cohort_id is None else stmt.where(SupervisionSession.cohort_id == cohort_id)


def _load_discussion(cohort: Cohort, user_ids: list[int], records: dict[int, TraineeRecords]) -> None:
    """Posts in the cohort's prompt threads that count: not deleted or hidden, posted by the week's end."""
    parent = aliased(Post)
    for uid, week, parent_author, words, created in db.session.execute(
        sa.select(Post.author_id, Thread.week, parent.author_id, Post.word_count, Post.created_at)
        .join(Thread, Thread.id == Post.thread_id).outerjoin(parent, parent.id == Post.parent_id)
        .where(Thread.cohort_id == cohort.id, Thread.prompt_id.is_not(None), Post.author_id.in_(user_ids),
               Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    ):
        if created >= unlock_at(cohort.start_date, cohort.timezone, week + 1):
            continue
        r = records[uid]
        if parent_author is None:
            r.discussion_words[week] = max(words, r.discussion_words.get(week, 0))
        elif parent_author != uid:
            r.discussion_replies[week] = r.discussion_replies.get(week, 0) + 1


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
