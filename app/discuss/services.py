"""Discussion threads and posts: opening, posting, editing, deleting, reading, moderating.

Plain functions with explicit arguments: no request, no current user. They flush and
leave the commit to the caller, and refuse bad input with `DiscussionRefused`, whose
message is shown to the person as it is.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload

from app import audit
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Cohort,
    DiscussionPrompt,
    Module,
    Post,
    PostReport,
    Thread,
    ThreadFollow,
    ThreadRead,
    User,
)

WORD = re.compile(r"[^\W_][\w'’-]*")
TITLE_MAX = 200
REASON_MAX = 1000


class DiscussionRefused(DomainError):
    pass


class PostChanged(DomainError):
    """An edit started from an older version of the post: another tab or device saved first. Carries the
    saved text, so the writer sees both versions and keeps what they want."""

    def __init__(self, saved: Post):
        super().__init__("This post changed after you opened it for editing (another tab or device saved "
                         "first). The saved version is shown above your text: keep what you want from both and "
                         "save again.")
        self.saved_body, self.saved_version = saved.body_md, saved.version


def word_count(text: str) -> int:
    return len(WORD.findall(text or ""))


def _insert_once(obj) -> bool:
    """Insert a row guarded by a unique constraint; a concurrent twin is not an error."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except IntegrityError:
        return False
    return True


# Threads --------------------------------------------------------------------

def open_prompt_threads(cohort: Cohort, module: Module) -> bool:
    """The week's prompts open their threads the first time anyone looks after the week opens.
    Returns whether a thread was opened (so that a view that opened none has nothing to commit)."""
    missing = db.session.scalars(sa.select(DiscussionPrompt).where(
        DiscussionPrompt.module_id == module.id, DiscussionPrompt.archived_at.is_(None),
        ~sa.exists().where(Thread.cohort_id == cohort.id, Thread.prompt_id == DiscussionPrompt.id))).all()
    for prompt in missing:
        _insert_once(Thread(cohort_id=cohort.id, week=module.week, prompt_id=prompt.id,
                            title=prompt.title, pinned=True))
    db.session.flush()
    return bool(missing)


@dataclass
class ThreadRow:
    thread: Thread
    posts: int
    unread: int


def list_threads(cohort: Cohort, week: int, user: User) -> list[ThreadRow]:
    """The week's threads, pinned first, then the most recently active, with post and unread counts."""
    threads = db.session.scalars(
        sa.select(Thread).where(Thread.cohort_id == cohort.id, Thread.week == week)
        .options(selectinload(Thread.author), selectinload(Thread.prompt))
        .order_by(Thread.pinned.desc(), sa.func.coalesce(Thread.last_post_at, Thread.created_at).desc(),
                  Thread.id.desc())
    ).all()
    if not threads:
        return []
    read = aliased(ThreadRead)
    counts = {tid: (total, unread) for tid, total, unread in db.session.execute(
        sa.select(Post.thread_id, sa.func.count(Post.id),
                  sa.func.sum(sa.case((sa.and_(Post.id > sa.func.coalesce(read.last_post_id, 0),
                                               Post.author_id != user.id), 1), else_=0)))
        .outerjoin(read, sa.and_(read.thread_id == Post.thread_id, read.user_id == user.id))
        .where(Post.thread_id.in_([t.id for t in threads]), Post.deleted_at.is_(None))
        .group_by(Post.thread_id)
    )}
    return [ThreadRow(t, *(int(x or 0) for x in counts.get(t.id, (0, 0)))) for t in threads]


def _check_body(body: str, max_chars: int) -> str:
    body = (body or "").strip()
    if not body:
        raise DiscussionRefused("Write something before posting: the post is empty.")
    if len(body) > max_chars:
        raise DiscussionRefused(f"A post can be at most {max_chars:,} characters; yours has {len(body):,}. "
                                "Shorten it or split it into two posts.")
    return body


def start_thread(cohort: Cohort, week: int, *, author: User, title: str, body: str, max_chars: int) -> Post:
    title = (title or "").strip()
    if not title:
        raise DiscussionRefused("Give the thread a title.")
    if len(title) > TITLE_MAX:
        raise DiscussionRefused(f"A title can be at most {TITLE_MAX} characters.")
    body = _check_body(body, max_chars)
    thread = Thread(cohort_id=cohort.id, week=week, author_id=author.id, title=title)
    db.session.add(thread)
    db.session.flush()
    return add_post(thread, author=author, body=body, max_chars=max_chars)


def add_post(thread: Thread, *, author: User, body: str, max_chars: int, parent: Post | None = None) -> Post:
    """A post in the thread, or a reply to one (a reply to a reply joins its top-level post)."""
    if thread.locked:
        raise DiscussionRefused("This thread is locked by an instructor: no new posts or replies.")
    if parent is not None:
        if parent.thread_id != thread.id:
            raise DiscussionRefused("That post belongs to another thread.")
        if parent.parent is not None:
            parent = parent.parent
        if parent.is_hidden:
            raise DiscussionRefused("This post was hidden by a moderator, so it cannot take replies.")
    body = _check_body(body, max_chars)
    now = utcnow()
    post = Post(thread_id=thread.id, parent_id=parent.id if parent else None, author_id=author.id,
                body_md=body, word_count=word_count(body), created_at=now)
    db.session.add(post)
    thread.last_post_at = now
    db.session.flush()
    follow(thread, author)
    return post


def edit_deadline(post: Post, window_minutes: int) -> datetime:
    return post.created_at + timedelta(minutes=window_minutes)


def can_still_edit(post: Post, window_minutes: int, now: datetime | None = None) -> bool:
    return not post.is_deleted and not post.is_hidden and (now or utcnow()) <= edit_deadline(post, window_minutes)


def edit_post(post: Post, *, editor: User, body: str, window_minutes: int, max_chars: int,
              now: datetime | None = None, version: int | None = None) -> Post:
    """Save the author's new text. `version` is the one the editor started from (the form carries it):
    the update applies only while the row still has it, so of two concurrent edits one wins and the other
    is refused with both texts, never silently overwritten."""
    if post.author_id != editor.id:
        raise DiscussionRefused("Only the author can edit a post.")
    if post.is_deleted:
        raise DiscussionRefused("This post was deleted.")
    if post.is_hidden:
        raise DiscussionRefused("This post was hidden by a moderator and can no longer be edited.")
    if not can_still_edit(post, window_minutes, now):
        raise DiscussionRefused(f"Posts can be edited for {window_minutes} minutes after posting, and that "
                                "time has passed. Your text is below: copy it into a new post if you need to.")
    if post.thread.locked:
        raise DiscussionRefused("This thread is locked by an instructor: posts can no longer be edited.")
    body = _check_body(body, max_chars)
    started_from = post.version if version is None else version
    if body == post.body_md and started_from == post.version:
        return post
    saved = db.session.execute(
        sa.update(Post).where(Post.id == post.id, Post.version == started_from)
        .values(body_md=body, word_count=word_count(body), edited_at=now or utcnow(), version=Post.version + 1)
        .execution_options(synchronize_session=False))
    db.session.refresh(post)
    if saved.rowcount != 1:
        raise PostChanged(post)
    return post


def delete_post(post: Post, *, actor: User) -> None:
    """The text goes; the place in the thread (and any replies) stays."""
    if post.author_id != actor.id:
        raise DiscussionRefused("Only the author can delete a post.")
    if post.is_deleted:
        return
    post.body_md, post.word_count, post.deleted_at = "", 0, utcnow()
    db.session.flush()


# Reading --------------------------------------------------------------------

@dataclass
class ThreadPage:
    posts: list[Post]
    page: int
    pages: int
    total: int

    @property
    def newest_id(self) -> int:
        """The largest post id shown (its posts and their replies): reading the page reads up to it."""
        return max((r.id for p in self.posts for r in (p, *p.replies)), default=0)


def thread_page(thread: Thread, page: int, per_page: int) -> ThreadPage:
    """One page of top-level posts with their replies and authors, in a fixed number of queries."""
    page, pages, total = _page_bounds(thread, page, per_page)
    posts = db.session.scalars(
        sa.select(Post).where(Post.thread_id == thread.id, Post.parent_id.is_(None))
        .options(joinedload(Post.author), selectinload(Post.replies).joinedload(Post.author))
        .order_by(Post.id).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return ThreadPage(list(posts), page, pages, total)


def _page_bounds(thread: Thread, page: int, per_page: int) -> tuple[int, int, int]:
    total = db.session.scalar(sa.select(sa.func.count(Post.id)).where(
        Post.thread_id == thread.id, Post.parent_id.is_(None))) or 0
    pages = max(1, math.ceil(total / per_page))
    return min(max(page, 1), pages), pages, total


def page_of(post: Post, per_page: int) -> int:
    top = post.parent or post
    before = db.session.scalar(sa.select(sa.func.count(Post.id)).where(
        Post.thread_id == top.thread_id, Post.parent_id.is_(None), Post.id < top.id)) or 0
    return before // per_page + 1


def last_read(thread: Thread, user: User) -> int:
    return db.session.scalar(sa.select(ThreadRead.last_post_id).where(
        ThreadRead.thread_id == thread.id, ThreadRead.user_id == user.id)) or 0


def mark_read(thread: Thread, user: User, up_to: int, previous: int) -> None:
    if up_to <= previous:
        return
    updated = db.session.execute(sa.update(ThreadRead).where(
        ThreadRead.thread_id == thread.id, ThreadRead.user_id == user.id, ThreadRead.last_post_id < up_to)
        .values(last_post_id=up_to)).rowcount
    if not updated:
        _insert_once(ThreadRead(thread_id=thread.id, user_id=user.id, last_post_id=up_to))
    db.session.flush()


def reader_state(thread: Thread, user: User) -> tuple[int, bool]:
    """How far the user has read the thread and whether they follow it, in one statement."""
    read = sa.select(ThreadRead.last_post_id).where(ThreadRead.thread_id == thread.id, ThreadRead.user_id == user.id)
    follows = sa.select(ThreadFollow.id).where(ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == user.id)
    seen, following = db.session.execute(sa.select(read.scalar_subquery(), follows.exists())).one()
    return seen or 0, bool(following)


def is_following(thread: Thread, user: User) -> bool:
    return db.session.scalar(sa.select(ThreadFollow.id).where(
        ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == user.id)) is not None


def follow(thread: Thread, user: User) -> None:
    if not is_following(thread, user):
        _insert_once(ThreadFollow(thread_id=thread.id, user_id=user.id))


def toggle_follow(thread: Thread, user: User) -> bool:
    """Returns whether the user now follows the thread."""
    if is_following(thread, user):
        db.session.execute(sa.delete(ThreadFollow).where(
            ThreadFollow.thread_id == thread.id, ThreadFollow.user_id == user.id))
        return False
    follow(thread, user)
    return True


# Reports and moderation -----------------------------------------------------

def report_post(post: Post, *, reporter: User, reason: str) -> PostReport:
    reason = (reason or "").strip()
    if not reason:
        raise DiscussionRefused("Say briefly why you are reporting this post, so the instructors can act on it.")
    if len(reason) > REASON_MAX:
        raise DiscussionRefused(f"Keep the reason under {REASON_MAX} characters.")
    if post.author_id == reporter.id:
        raise DiscussionRefused("You cannot report your own post; you can edit or delete it instead.")
    if post.is_deleted:
        raise DiscussionRefused("This post was deleted, so there is nothing to report.")
    report = PostReport(post_id=post.id, reporter_id=reporter.id, reason=reason)
    if not _insert_once(report):
        raise DiscussionRefused("You have already reported this post. The instructors will look at it.")
    db.session.flush()
    return report


def open_reports(cohort: Cohort) -> list[PostReport]:
    return list(db.session.scalars(
        sa.select(PostReport).join(Post, Post.id == PostReport.post_id).join(Thread, Thread.id == Post.thread_id)
        .where(Thread.cohort_id == cohort.id, PostReport.resolved_at.is_(None))
        .options(selectinload(PostReport.reporter),
                 selectinload(PostReport.post).selectinload(Post.author),
                 selectinload(PostReport.post).selectinload(Post.thread))
        .order_by(PostReport.created_at, PostReport.id)
    ))


def open_report_count(cohort: Cohort) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(PostReport.id)).join(Post, Post.id == PostReport.post_id)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Thread.cohort_id == cohort.id, PostReport.resolved_at.is_(None))) or 0


def _resolve_reports(post: Post, *, actor: User, resolution: str) -> int:
    return db.session.execute(sa.update(PostReport).where(
        PostReport.post_id == post.id, PostReport.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=actor.id, resolution=resolution)).rowcount


THREAD_ACTIONS = {"pin": ("pinned", True), "unpin": ("pinned", False),
                  "lock": ("locked", True), "unlock": ("locked", False)}
POST_ACTIONS = ("hide", "unhide", "dismiss")


def moderate_thread(thread: Thread, action: str, *, actor: User) -> str:
    if action not in THREAD_ACTIONS:
        raise DiscussionRefused("Choose pin, unpin, lock or unlock.")
    flag, value = THREAD_ACTIONS[action]
    before = getattr(thread, flag)
    setattr(thread, flag, value)
    audit.record(f"discussion.thread_{action}", thread, actor=actor, before={flag: before}, after={flag: value})
    db.session.flush()
    return {"pin": "Thread pinned to the top.", "unpin": "Thread unpinned.",
            "lock": "Thread locked: no new posts or replies.", "unlock": "Thread unlocked."}[action]


def moderate_post(post: Post, action: str, *, actor: User) -> str:
    """Hide (resolves the post's reports), unhide, or dismiss its reports."""
    if action not in POST_ACTIONS:
        raise DiscussionRefused("Choose hide, unhide or dismiss.")
    before = {"hidden": post.is_hidden}
    if action == "hide":
        if not post.is_hidden:
            post.hidden_at, post.hidden_by_id = utcnow(), actor.id
        resolved = _resolve_reports(post, actor=actor, resolution="hidden")
        message = "Post hidden. Its author and the cohort see that a moderator hid it."
    elif action == "unhide":
        post.hidden_at, post.hidden_by_id = None, None
        resolved = 0
        message = "Post shown again."
    else:
        resolved = _resolve_reports(post, actor=actor, resolution="dismissed")
        message = "Reports dismissed; the post stays visible."
    audit.record(f"discussion.post_{action}", post, actor=actor, before=before,
                 after={"hidden": post.is_hidden, "reports_resolved": resolved})
    db.session.flush()
    return message
