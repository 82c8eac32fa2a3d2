"""Discussion: threads per cohort and week, posts and one level of replies,
reports, read markers, follows, notifications and their preferences."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.curriculum import DiscussionPrompt
    from app.models.users import User


class Thread(db.Model):
    """A conversation in one cohort's week. A prompt thread (`prompt_id` set) opens by itself,
    once per cohort: the unique constraint makes the lazy creation race-safe."""

    __tablename__ = "threads"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "prompt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    week: Mapped[int]
    prompt_id: Mapped[int | None] = mapped_column(sa.ForeignKey("discussion_prompts.id"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_post_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    prompt: Mapped[DiscussionPrompt | None] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def is_prompt(self) -> bool:
        return self.prompt_id is not None

    def __repr__(self) -> str:
        return f"<Thread {self.id} cohort={self.cohort_id} week={self.week} {self.title!r}>"


class Post(db.Model):
    """A post (no parent) or a reply to one (nesting stops at one level).
    Deleting keeps the row and its place: the text is emptied and `deleted_at` set."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: raised by every edit; an edit names the version it started from and is refused if another came first
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    parent: Mapped[Post | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Post]] = relationship(back_populates="parent", order_by="Post.id")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def __repr__(self) -> str:
        return f"<Post {self.id} thread={self.thread_id} parent={self.parent_id} by={self.author_id}>"


class PostReport(db.Model):
    """Someone flagged a post for the cohort's instructors; one report per person and post."""

    __tablename__ = "post_reports"
    __table_args__ = (sa.UniqueConstraint("post_id", "reporter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(sa.String(20))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])

    def __repr__(self) -> str:
        return f"<PostReport {self.id} post={self.post_id} resolved={self.resolution}>"


class ThreadRead(db.Model):
    """How far one user has read a thread: posts with a larger id are new to them."""

    __tablename__ = "thread_reads"
    __table_args__ = (sa.UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    last_post_id: Mapped[int] = mapped_column(default=0)


class ThreadFollow(db.Model):
    __tablename__ = "thread_follows"
    __table_args__ = (sa.UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationKind(enum.StrEnum):
    REPLY = "reply"
    MENTION = "mention"
    FOLLOWED = "followed"


class EmailMode(enum.StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind))
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id"), index=True)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set once the notification went out by email, alone or in a digest
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    post: Mapped[Post] = relationship()
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id} post={self.post_id}>"


class NotificationPreference(db.Model):
    """What a user wants to hear about. No row means the defaults below."""

    __tablename__ = "notification_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    replies: Mapped[bool] = mapped_column(default=True)
    mentions: Mapped[bool] = mapped_column(default=True)
    followed: Mapped[bool] = mapped_column(default=True)
    email_mode: Mapped[EmailMode] = mapped_column(enum_column(EmailMode), default=EmailMode.IMMEDIATE)

    def wants(self, kind: NotificationKind) -> bool:
        return {NotificationKind.REPLY: self.replies, NotificationKind.MENTION: self.mentions,
                NotificationKind.FOLLOWED: self.followed}[kind]

    def __repr__(self) -> str:
        return f"<NotificationPreference user={self.user_id} {self.email_mode}>"
