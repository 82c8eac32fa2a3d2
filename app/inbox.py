"""One list of everything a person was told: discussion notifications and event notices, newest first, a page
at a time, with one unread count for the navigation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.db import utcnow
from app.extensions import db
from app.models import EventNotice, Notification, Post, User

PER_PAGE = 30


@dataclass
class Item:
    created_at: datetime
    read_at: datetime | None
    discussion: Notification | None = None
    event: EventNotice | None = None


@dataclass
class InboxPage:
    items: list[Item]
    page: int
    has_next: bool


def unread_count(user: User) -> int:
    """Unread notifications of both kinds, in one statement."""
    discussion = sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).scalar_subquery()
    events = sa.select(sa.func.count(EventNotice.id)).where(
        EventNotice.user_id == user.id, EventNotice.read_at.is_(None)).scalar_subquery()
    return db.session.scalar(sa.select(discussion + events)) or 0


def page_of(user: User, page: int = 1) -> InboxPage:
    """Page `page` (from 1) of the user's notifications, newest first: one query for the order, one per kind."""
    page = max(1, page)
    both = sa.union_all(
        sa.select(sa.literal("d").label("src"), Notification.id.label("id"), Notification.created_at.label("at"))
        .where(Notification.user_id == user.id),
        sa.select(sa.literal("e").label("src"), EventNotice.id.label("id"), EventNotice.created_at.label("at"))
        .where(EventNotice.user_id == user.id)).subquery()
    rows = db.session.execute(sa.select(both.c.src, both.c.id).order_by(both.c.at.desc(), both.c.id.desc())
                              .limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE)).all()
    has_next, rows = len(rows) > PER_PAGE, rows[:PER_PAGE]
    d_ids = [i for src, i in rows if src == "d"]
    e_ids = [i for src, i in rows if src == "e"]
    notes = {n.id: n for n in db.session.scalars(
        sa.select(Notification).where(Notification.id.in_(d_ids))
        .options(joinedload(Notification.actor), joinedload(Notification.post).joinedload(Post.thread)))
    } if d_ids else {}
    events = {n.id: n for n in db.session.scalars(
        sa.select(EventNotice).where(EventNotice.id.in_(e_ids)).options(joinedload(EventNotice.actor)))
    } if e_ids else {}
    items = []
    for src, i in rows:
        if src == "d":
            items.append(Item(notes[i].created_at, notes[i].read_at, discussion=notes[i]))
        else:
            items.append(Item(events[i].created_at, events[i].read_at, event=events[i]))
    return InboxPage(items, page, has_next)


def mark_all_read(user: User) -> int:
    now = utcnow()
    done = 0
    for model in (Notification, EventNotice):
        done += db.session.execute(sa.update(model).where(model.user_id == user.id, model.read_at.is_(None))
                                   .values(read_at=now).execution_options(synchronize_session=False)).rowcount
    return done
