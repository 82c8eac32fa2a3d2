"""What an instructor should do next, counted across their cohorts, each with the page to do it on: role-plays
waiting to be graded, discussion reports to moderate, live sessions whose attendance nobody took. Three
queries whatever the number of cohorts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import url_for

from app.db import utcnow
from app.extensions import db
from app.models import Attendance, Cohort, LiveSession, Post, PostReport, RolePlaySubmission, Thread, User
from app.roleplay.grading import OPEN_STATUSES

#: a session whose attendance was not taken stays on the list this long after it ended
ATTENDANCE_DAYS = 14


@dataclass
class Action:
    text: str
    url: str


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def instructor_actions(user: User, cohorts: list[Cohort], *, now: datetime | None = None) -> list[Action]:
    now = now or utcnow()
    ids = [c.id for c in cohorts]
    if not ids:
        return []
    names = {c.id: c.name for c in cohorts}
    actions = []
    to_grade = db.session.scalar(sa.select(sa.func.count(RolePlaySubmission.id)).where(
        RolePlaySubmission.cohort_id.in_(ids), RolePlaySubmission.status.in_(OPEN_STATUSES),
        RolePlaySubmission.trainee_id != user.id)) or 0
    if to_grade:
        actions.append(Action(_plural(to_grade, "role-play waits", "role-plays wait") + " to be graded",
                              url_for("roleplay.queue")))
    for cohort_id, n in db.session.execute(
            sa.select(Thread.cohort_id, sa.func.count(PostReport.id))
            .join(Post, Post.id == PostReport.post_id).join(Thread, Thread.id == Post.thread_id)
            .where(Thread.cohort_id.in_(ids), PostReport.resolved_at.is_(None))
            .group_by(Thread.cohort_id).order_by(Thread.cohort_id)):
        actions.append(Action(f"{_plural(n, 'discussion report', 'discussion reports')} to look at in "
                                 f"{names[cohort_id]}", url_for("discuss.queue", cohort_id=cohort_id)))
    for s in db.session.scalars(
            sa.select(LiveSession).where(
                LiveSession.cohort_id.in_(ids), LiveSession.starts_at <= now,
                LiveSession.starts_at >= now - timedelta(days=ATTENDANCE_DAYS),
                ~sa.exists().where(Attendance.live_session_id == LiveSession.id))
            .order_by(LiveSession.starts_at)):
        actions.append(Action(f"Take attendance for {names[s.cohort_id]}, week {s.week}'s live session",
                              url_for("learn.attendance", cohort_id=s.cohort_id, week=s.week)))
    return actions
