"""Build the engine's inputs from the database in a constant number of queries.

`load_records(cohort, user_ids)` returns a snapshot per trainee for a whole cohort
in five queries, so a cohort view evaluates fifty trainees in memory.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.db import utcnow
from app.eligibility.engine import CoursePlan, SupervisionEntry, TraineeRecords, WeekPlan
from app.extensions import db
from app.models import (
    Accommodation,
    Attendance,
    Cohort,
    ConductSignature,
    Course,
    Deferral,
    DiscussionPrompt,
    ExceptionKind,
    FinalSignoff,
    GrantedException,
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


def load_records(cohort: Cohort, user_ids: list[int], *, now: datetime | None = None) -> dict[int, TraineeRecords]:
    """Each trainee's facts in this cohort, and in earlier cohorts of the same program they deferred from."""
    records = {uid: TraineeRecords(now=now or utcnow()) for uid in user_ids}
    if not user_ids:
        return records
    mine = _cohorts_per_user(cohort, user_ids)
    cohort_ids = sorted({c for cs in mine.values() for c in cs})

    def keep(uid: int, cid: int) -> bool:
        return cid in mine[uid]

    for uid, cid, week, at in db.session.execute(
        sa.select(LectureView.user_id, LectureView.cohort_id, Module.week, LectureView.first_viewed_at)
        .join(Module, Module.id == LectureView.module_id)
        .where(LectureView.cohort_id.in_(cohort_ids), LectureView.user_id.in_(user_ids))
    ):
        if keep(uid, cid):
            records[uid].lectures_viewed.add(week)
            records[uid].lecture_read_at[week] = min(at, records[uid].lecture_read_at.get(week, at))
    for uid, cid, week, status in db.session.execute(
        sa.select(Attendance.user_id, LiveSession.cohort_id, LiveSession.week, Attendance.status)
        .join(LiveSession, LiveSession.id == Attendance.live_session_id)
        .where(LiveSession.cohort_id.in_(cohort_ids), Attendance.user_id.in_(user_ids))
        .order_by(Attendance.recorded_at)
    ):
        if keep(uid, cid):
            records[uid].attendance[week] = status.value
    for uid, cid, week in db.session.execute(
        sa.select(RecordingView.user_id, LiveSession.cohort_id, LiveSession.week)
        .join(LiveSession, LiveSession.id == RecordingView.live_session_id)
        .where(LiveSession.cohort_id.in_(cohort_ids), RecordingView.user_id.in_(user_ids))
    ):
        if keep(uid, cid):
            records[uid].recordings_watched.add(week)
    for uid, cid, week, score, at, late in db.session.execute(
        sa.select(QuizAttempt.user_id, QuizAttempt.cohort_id, Module.week, QuizAttempt.score_percent,
                  QuizAttempt.submitted_at, QuizAttempt.late)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id).join(Module, Module.id == Quiz.module_id)
        .where(QuizAttempt.cohort_id.in_(cohort_ids), QuizAttempt.user_id.in_(user_ids),
               QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    ):
        if not keep(uid, cid):
            continue
        r = records[uid]
        r.quiz_attempts[week] = r.quiz_attempts.get(week, 0) + 1
        if score is not None and not late:  # a late attempt is used up but does not count
            r.quiz_best[week] = max(score, r.quiz_best.get(week, score))
            r.quiz_latest[week] = score  # rows come oldest first, so the last one stays
            r.quiz_scores.setdefault(week, []).append((at, score))
    shared = bool(((cohort.course.rules or {}).get("supervision") or {}).get("count_sessions_from_other_programs"))
    for uid, day, kind, minutes, category in db.session.execute(
            approved_supervision(user_ids, None if shared else cohort_ids)):
        records[uid].supervision.append(SupervisionEntry(day, kind.value, minutes, category))
    for uid in db.session.scalars(sa.select(ConductSignature.user_id).where(
            ConductSignature.course_id == cohort.course_id, ConductSignature.user_id.in_(user_ids))):
        records[uid].conduct_signed = True
    for uid, cid in db.session.execute(sa.select(FinalSignoff.user_id, FinalSignoff.cohort_id).where(
            FinalSignoff.cohort_id.in_(cohort_ids), FinalSignoff.user_id.in_(user_ids))):
        if keep(uid, cid):
            records[uid].final_signoff = True
    for uid, cid, week, outcome, at in db.session.execute(
        sa.select(RolePlaySubmission.trainee_id, RolePlaySubmission.cohort_id, Module.week,
                  RolePlaySubmission.outcome, RolePlaySubmission.submitted_at)
        .join(Scenario, Scenario.id == RolePlaySubmission.scenario_id).join(Module, Module.id == Scenario.module_id)
        .where(RolePlaySubmission.cohort_id.in_(cohort_ids), RolePlaySubmission.trainee_id.in_(user_ids),
               Scenario.assessment == "summative")
        .order_by(RolePlaySubmission.attempt)
    ):
        if not keep(uid, cid):
            continue
        r = records[uid]
        r.roleplay_submitted_at.setdefault(week, at)
        # a pass on any attempt stands; otherwise the latest attempt's state
        if r.roleplay.get(week) != "pass":
            r.roleplay[week] = outcome.value if outcome is not None else "pending"
    _load_discussion(cohort, mine, records)
    _load_exceptions(cohort, mine, records)
    return records


def _cohorts_per_user(cohort: Cohort, user_ids: list[int]) -> dict[int, set[int]]:
    """This cohort, plus the cohorts of the same program each trainee deferred from (following chains)."""
    mine = {uid: {cohort.id} for uid in user_ids}
    rows = db.session.execute(sa.select(Deferral.user_id, Deferral.from_cohort_id, Deferral.to_cohort_id)
                              .where(Deferral.user_id.in_(user_ids))).all()
    changed = True
    while changed:
        changed = False
        for uid, src, dst in rows:
            if dst in mine[uid] and src not in mine[uid]:
                mine[uid].add(src)
                changed = True
    return mine


def approved_supervision(user_ids: list[int], cohort_ids: list[int] | None) -> sa.Select:
    """Approved sessions still in force (an approved amendment supersedes its original), logged for
    these cohorts' program, or for any program when `cohort_ids` is None."""
    stmt = (sa.select(SupervisionSession.trainee_id, SupervisionSession.session_date,
                      SupervisionSession.supervision_type, SupervisionSession.duration_minutes,
                      SupervisionSession.category)
            .where(SupervisionSession.trainee_id.in_(user_ids),
                   SupervisionSession.status == SessionStatus.APPROVED,
                   SupervisionSession.superseded_at.is_(None))
            .order_by(SupervisionSession.session_date))
    return stmt if cohort_ids is None else stmt.where(SupervisionSession.cohort_id.in_(cohort_ids))


def _load_discussion(cohort: Cohort, mine: dict[int, set[int]], records: dict[int, TraineeRecords]) -> None:
    """Posts in the prompt threads that count (not deleted or hidden). With a discussion due date in the
    course files, the engine applies it (and the late rule); without one, posts count by the week's end."""
    timed = bool(((cohort.course.rules or {}).get("deadlines") or {}).get("discussion"))
    parent = aliased(Post)
    cohort_ids = sorted({c for cs in mine.values() for c in cs})
    for uid, cid, week, parent_author, words, created in db.session.execute(
        sa.select(Post.author_id, Thread.cohort_id, Thread.week, parent.author_id, Post.word_count, Post.created_at)
        .join(Thread, Thread.id == Post.thread_id).outerjoin(parent, parent.id == Post.parent_id)
        .where(Thread.cohort_id.in_(cohort_ids), Thread.prompt_id.is_not(None), Post.author_id.in_(list(mine)),
               Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    ):
        if cid not in mine[uid]:
            continue
        r = records[uid]
        if timed:
            if parent_author is None:
                r.discussion_posts.setdefault(week, []).append((created, words))
            elif parent_author != uid:
                r.discussion_reply_times.setdefault(week, []).append(created)
            continue
        if created >= unlock_at(cohort.start_date, cohort.timezone, week + 1):
            continue
        if parent_author is None:
            r.discussion_words[week] = max(words, r.discussion_words.get(week, 0))
        elif parent_author != uid:
            r.discussion_replies[week] = r.discussion_replies.get(week, 0) + 1
    for r in records.values():
        for week, posts in r.discussion_posts.items():
            r.discussion_words[week] = max(n for _, n in posts)
        for week, times in r.discussion_reply_times.items():
            r.discussion_replies[week] = len(times)


def _load_exceptions(cohort: Cohort, mine: dict[int, set[int]], records: dict[int, TraineeRecords]) -> None:
    """Due dates per trainee (the program's, moved by accommodations and extensions) and granted exceptions."""
    rules = cohort.course.rules or {}
    deadlines = {k: v for k, v in (rules.get("deadlines") or {}).items() if v}
    extra = dict(db.session.execute(sa.select(Accommodation.user_id, Accommodation.extra_days)
                                    .where(Accommodation.user_id.in_(list(mine)))).all())
    cohort_ids = sorted({c for cs in mine.values() for c in cs})
    granted = db.session.scalars(sa.select(GrantedException).where(
        GrantedException.cohort_id.in_(cohort_ids), GrantedException.user_id.in_(list(mine)),
        GrantedException.revoked_at.is_(None))).all()
    weeks = range(1, int(rules.get("weeks") or 0) + 1)
    for uid, r in records.items():
        for kind, d in deadlines.items():
            for week in weeks:
                r.due[f"week-{week}-{kind}"] = due_at(cohort, week, d["due_days"] + extra.get(uid, 0))
    for g in granted:
        if g.cohort_id not in mine[g.user_id]:
            continue
        r = records[g.user_id]
        note = g.kind.label
        if g.kind is ExceptionKind.EXTENSION and g.item in r.due:
            r.due[g.item] += timedelta(days=g.days or 0)
            note = f"Extended by {g.days} day{'s' if g.days != 1 else ''}"
        elif g.kind is ExceptionKind.EXTRA_ATTEMPT:
            r.extra_attempts[g.item] = r.extra_attempts.get(g.item, 0) + 1
        elif g.kind is ExceptionKind.LATE_APPROVAL:
            r.late_approved.add(g.item)
        elif g.kind is ExceptionKind.WAIVER:
            r.waived.add(g.item)
        elif g.kind is ExceptionKind.EXCUSED:
            week = int(g.item.split("-")[1])
            note = f"Excused; alternative: {g.alternative}" + (" (done)" if g.completed_at else " (to do)")
            if g.completed_at is not None:
                r.excused_done[week] = g.alternative
        r.exception_notes.setdefault(g.item, []).append(note)


def due_at(cohort: Cohort, week: int, days: int) -> datetime:
    """Due `days` days after week `week` opens: the start of that day in the cohort's zone (so the day
    before is the last full day)."""
    return unlock_at(cohort.start_date, cohort.timezone, week) + timedelta(days=days)


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
