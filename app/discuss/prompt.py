"""What leads a week's discussion page: the week's prompt, what answering it takes (the program's minimum
words and peer replies, from `[discussion]` in the course files), by when, and whether the reader answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.discuss.services import ThreadRow
from app.eligibility.engine import week_discussion_rules
from app.extensions import db
from app.models import Cohort, Post, User
from app.pacing import unlock_at


@dataclass
class PromptCard:
    row: ThreadRow
    min_words: int
    min_replies: int
    #: when posts stop counting: the program's discussion due date (with the trainee's extensions) or, without
    #: one, the end of the week
    due_at: datetime
    #: the reader's longest answer in the thread, in words; None when they have not answered
    answered_words: int | None


def own_answers(user: User, thread_ids: list[int]) -> dict[int, int]:
    """The user's longest top-level post in each thread, in words."""
    if not thread_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Post.thread_id, sa.func.max(Post.word_count))
        .where(Post.thread_id.in_(thread_ids), Post.author_id == user.id, Post.parent_id.is_(None),
               Post.deleted_at.is_(None))
        .group_by(Post.thread_id)).all())


def prompt_cards(cohort: Cohort, week: int, rows: list[ThreadRow], user: User,
                 due: dict[str, datetime] | None = None) -> list[PromptCard]:
    """One card per prompt thread of the week; `due` is the trainee's due dates from their records."""
    prompts = [r for r in rows if r.thread.is_prompt]
    if not prompts:
        return []
    rules = week_discussion_rules(week, cohort.course.rules or {})
    due_at = (due or {}).get(f"week-{week}-discussion") or unlock_at(cohort.start_date, cohort.timezone, week + 1)
    answers = own_answers(user, [r.thread.id for r in prompts])
    return [PromptCard(r, int(rules.get("initial_post_min_words", 0)), int(rules.get("peer_replies_min", 0)),
                       due_at, answers.get(r.thread.id)) for r in prompts]
