"""Loading threads and posts for a request: 404 outside the cohort, 403 for those who may not read."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app import policy
from app.extensions import db
from app.guards import authorize, not_found_unless
from app.learn.loading import WeekContext, load_cohort, load_week
from app.learn.services import week_is_open
from app.models import Cohort, Post, Thread


@dataclass
class ThreadContext:
    thread: Thread
    cohort: Cohort
    enrolled: bool
    can_post: bool
    can_moderate: bool


def load_discussion(cohort_id: int, week: int) -> WeekContext:
    ctx = load_week(cohort_id, week)
    authorize(policy.can_read_discussion(current_user, ctx.cohort, is_enrolled=ctx.enrolled))
    return ctx


def load_thread(thread_id: int) -> ThreadContext:
    thread = db.session.get(Thread, thread_id, options=[joinedload(Thread.prompt)]) or abort(404)
    cohort, enrolled = load_cohort(thread.cohort_id)
    authorize(policy.can_read_discussion(current_user, cohort, is_enrolled=enrolled))
    # A trainee cannot reach a locked week's threads by guessing ids.
    not_found_unless(policy.can_teach(current_user, cohort) or week_is_open(cohort, thread.week))
    return ThreadContext(thread, cohort, enrolled,
                         can_post=policy.can_post(current_user, cohort, is_enrolled=enrolled),
                         can_moderate=policy.can_moderate(current_user, cohort))


def load_post(post_id: int) -> tuple[Post, ThreadContext]:
    post = db.session.get(Post, post_id) or abort(404)
    return post, load_thread(post.thread_id)
