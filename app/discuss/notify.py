"""Discussion notifications: replies to one's posts, @mentions, followed threads.

In-app rows always (for the kinds a person wants), email immediately or in a
daily digest through the outbox. Links come from a `link_for(post)` callable the
caller builds, so this module never needs a request.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import notices
from app.db import utcnow
from app.extensions import db
from app.mailer import queue_mail
from app.models import (
    Cohort,
    CohortInstructor,
    EmailMode,
    Enrollment,
    Notification,
    NotificationKind,
    NotificationPreference,
    Post,
    Thread,
    ThreadFollow,
    User,
)
from app.models.orgs import CURRENT_STATUSES

LinkFor = Callable[[Post], str]

KIND_TEXT = {
    NotificationKind.REPLY: "replied to your post",
    NotificationKind.MENTION: "mentioned you",
    NotificationKind.FOLLOWED: "posted in a thread you follow",
}


def cohort_members(cohort: Cohort) -> list[User]:
    """Everyone who can be mentioned: current trainees and the cohort's instructors."""
    return list(db.session.scalars(sa.select(User).where(User.is_active.is_(True), sa.or_(
        User.id.in_(sa.select(Enrollment.user_id).where(Enrollment.cohort_id == cohort.id,
                                                        Enrollment.status.in_(CURRENT_STATUSES))),
        User.id.in_(sa.select(CohortInstructor.user_id).where(CohortInstructor.cohort_id == cohort.id)),
    )).order_by(User.name)))


def mentioned(text: str, members: Iterable[User]) -> list[User]:
    """Members named as `@Full Name`, or `@First` when only one member has that first name."""
    members = list(members)
    firsts: dict[str, list[User]] = defaultdict(list)
    for m in members:
        firsts[m.first_name.lower()].append(m)
    found = []
    for m in members:
        names = [m.name] + ([m.first_name] if len(firsts[m.first_name.lower()]) == 1 else [])
        if any(re.search(r"(?<![\w@])@" + re.escape(n) + r"(?![\w])", text, re.I) for n in names if n):
            found.append(m)
    return found


def preferences(user: User) -> NotificationPreference:
    """The user's row, or unsaved defaults."""
    return db.session.scalar(sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id)) \
        or NotificationPreference(user_id=user.id, replies=True, mentions=True, followed=True,
                                  email_mode=EmailMode.IMMEDIATE)


def save_preferences(user: User, *, replies: bool, mentions: bool, followed: bool, email_mode: EmailMode) -> None:
    prefs = preferences(user)
    prefs.replies, prefs.mentions, prefs.followed, prefs.email_mode = replies, mentions, followed, email_mode
    db.session.add(prefs)
    db.session.flush()


def _email(note: Notification, user: User, post: Post, link: str) -> tuple[str, str]:
    excerpt = post.body_md if len(post.body_md) <= 400 else post.body_md[:400] + "…"
    subject = f"{note.actor.name} {KIND_TEXT[note.kind]}: {post.thread.title}"[:200]
    body = (f"Hello {user.first_name},\n\n{note.actor.name} {KIND_TEXT[note.kind]} in "
            f"“{post.thread.title}”:\n\n{excerpt}\n\nRead and reply: {link}\n\n"
            "You can choose what you hear about, and switch to a daily digest, on your notification settings page.")
    return subject, body


def notify_post(post: Post, *, members: list[User], mail_backend: str, link_for: LinkFor) -> list[Notification]:
    """Tell the parent's author, the people mentioned and the thread's followers; one note per person."""
    thread = post.thread
    member_ids = {m.id for m in members}
    targets: dict[int, NotificationKind] = {}
    if post.parent is not None and post.parent.author_id in member_ids:
        targets[post.parent.author_id] = NotificationKind.REPLY
    for m in mentioned(post.body_md, members):
        targets.setdefault(m.id, NotificationKind.MENTION)
    for uid in db.session.scalars(sa.select(ThreadFollow.user_id).where(ThreadFollow.thread_id == thread.id)):
        if uid in member_ids:
            targets.setdefault(uid, NotificationKind.FOLLOWED)
    targets.pop(post.author_id, None)
    if not targets:
        return []
    users = {u.id: u for u in members}
    prefs = {p.user_id: p for p in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(targets)))}
    now = utcnow()
    notes = []
    for uid, kind in targets.items():
        pref = prefs.get(uid)
        if pref is not None and not pref.wants(kind):
            continue
        note = Notification(user_id=uid, kind=kind, post_id=post.id, actor_id=post.author_id, created_at=now)
        note.actor, note.post = post.author, post
        db.session.add(note)
        notes.append(note)
        if (pref.email_mode if pref else EmailMode.IMMEDIATE) is EmailMode.IMMEDIATE:
            subject, body = _email(note, users[uid], post, link_for(post))
            queue_mail(to=users[uid].email, subject=subject, body=body, backend=mail_backend)
            note.emailed_at = now
    db.session.flush()
    return notes


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_thread_read(user: User, thread: Thread) -> None:
    db.session.execute(sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None),
        Notification.post_id.in_(sa.select(Post.id).where(Post.thread_id == thread.id))
    ).values(read_at=utcnow()).execution_options(synchronize_session=False))


def send_digests(*, mail_backend: str, link_for: LinkFor, now: datetime | None = None) -> int:
    """One email per daily-digest user listing what they have not read and not been sent. Returns mails queued.

    Running it twice sends nothing new: every notification it covers is stamped `emailed_at`. Each digest
    carries a one-click List-Unsubscribe link (needs a request context for its URL, as `link_for` does)."""
    from app.discuss.unsubscribe import headers_for  # the unsubscribe page saves preferences through this module

    now = now or utcnow()
    daily = sa.select(NotificationPreference.user_id).where(NotificationPreference.email_mode == EmailMode.DAILY)
    pending = db.session.scalars(
        sa.select(Notification).where(Notification.emailed_at.is_(None), Notification.user_id.in_(daily))
        .options(selectinload(Notification.actor), selectinload(Notification.post).selectinload(Post.thread))
        .order_by(Notification.user_id, Notification.id)).all()
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in pending:
        by_user[note.user_id].append(note)
        note.emailed_at = now
    events = notices.digest_lines(daily, now)
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(set(by_user) | set(events))))}
    sent = 0
    for uid, user in users.items():
        lines = [f"- {n.actor.name} {KIND_TEXT[n.kind]} in “{n.post.thread.title}”: {link_for(n.post)}"
                 for n in by_user.get(uid, []) if n.read_at is None] + events.get(uid, [])
        if not lines or not user.is_active:
            continue
        body = (f"Hello {user.first_name},\n\nHere is what happened since your last digest:\n\n"
                + "\n".join(lines) + "\n\nYou can change how often you hear from us on your notification "
                "settings page.")
        queue_mail(to=user.email, subject=f"Your digest: {len(lines)} new "
                   f"notification{'s' if len(lines) != 1 else ''}", body=body, backend=mail_backend,
                   headers=headers_for(user))
        sent += 1
    db.session.flush()
    return sent


def publish(thread: Thread, cohort: Cohort, *, author: User, body: str, max_chars: int, mail_backend: str,
            link_for: LinkFor, parent: Post | None = None) -> Post:
    """Post (or reply) and tell whoever should hear about it."""
    from app.discuss.services import add_post

    post = add_post(thread, author=author, body=body, max_chars=max_chars, parent=parent)
    notify_post(post, members=cohort_members(cohort), mail_backend=mail_backend, link_for=link_for)
    return post


def publish_thread(cohort: Cohort, week: int, *, author: User, title: str, body: str, max_chars: int,
                   mail_backend: str, link_for: LinkFor) -> Post:
    from app.discuss.services import start_thread

    post = start_thread(cohort, week, author=author, title=title, body=body, max_chars=max_chars)
    notify_post(post, members=cohort_members(cohort), mail_backend=mail_backend, link_for=link_for)
    return post
