"""Staying well in the work: a trainee's private check-ins and journal, and requests to talk to someone today.

Nothing here is read by the eligibility engine, staff views, exports or the partner API: these rows
belong to the trainee, and only aggregates of five or more trainees ever leave them (app/wellbeing).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.orgs import Cohort
    from app.models.users import User


class WellbeingCheckin(db.Model):
    """One trainee's answers for one week of one cohort (answered again, it is updated)."""

    __tablename__ = "wellbeing_checkins"
    __table_args__ = (sa.UniqueConstraint("user_id", "cohort_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    week: Mapped[int] = mapped_column()
    #: {question key: 1..5}, the questions of app/wellbeing/checkin.py
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: "would it help to talk to someone today?"
    wants_to_talk: Mapped[bool] = mapped_column(default=False)
    #: a private line for the trainee's own memory; never aggregated
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<WellbeingCheckin user={self.user_id} cohort={self.cohort_id} week={self.week}>"


class JournalEntry(db.Model):
    """A private reflective journal entry."""

    __tablename__ = "journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<JournalEntry {self.id} user={self.user_id}>"


class SupportRecipient(enum.StrEnum):
    #: the program's wellbeing contact: the cohort's lead instructor
    CONTACT = "wellbeing_contact"
    #: one of the trainee's own supervisors
    SUPERVISOR = "supervisor"


class SupportRequest(db.Model):
    """"I need to talk to someone": a same-day request to a person the trainee chose, who acknowledges it.
    Unacknowledged at `escalate_at`, it is passed to the program director once (`escalated_at`)."""

    __tablename__ = "support_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    recipient_kind: Mapped[SupportRecipient] = mapped_column(enum_column(SupportRecipient))
    #: what the trainee chose to say (optional); shown in the app to the recipient (and the program director
    #: once escalated), never in mail, never to the organization admin
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when it goes to the program director if nobody has acknowledged it (the program's escalate_after_hours)
    escalate_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: a short note back to the trainee from whoever acknowledged it ("I'll call you at 3")
    reply: Mapped[str] = mapped_column(sa.Text, default="")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    cohort: Mapped[Cohort] = relationship()

    def __repr__(self) -> str:
        return f"<SupportRequest {self.id} trainee={self.trainee_id} to={self.recipient_id}>"


class ShareKind(enum.StrEnum):
    #: the trainee's check-in trend in one cohort: the answers week by week (never the notes)
    TREND = "trend"
    #: one journal entry
    JOURNAL = "journal"


class WellbeingShare(db.Model):
    """Something a trainee chose to show one of their supervisors for their next session, until withdrawn.
    The supervisor sees it as it is now (a later check-in or an edit shows), while it is shared and while
    they are still the trainee's supervisor."""

    __tablename__ = "wellbeing_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[ShareKind] = mapped_column(enum_column(ShareKind))
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"))
    journal_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("journal_entries.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trainee: Mapped[User] = relationship(foreign_keys=[user_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    cohort: Mapped[Cohort | None] = relationship()
    entry: Mapped[JournalEntry | None] = relationship()

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def __repr__(self) -> str:
        return f"<WellbeingShare {self.id} {self.kind} user={self.user_id} to={self.supervisor_id}>"


class PeerCircle(db.Model):
    """A small peer-support circle inside one cohort, with a private thread for its members and its
    facilitator (one of the cohort's instructors, or none in a circle trainees formed themselves)."""

    __tablename__ = "peer_circles"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    facilitator: Mapped[User | None] = relationship(foreign_keys=[facilitator_id])
    members: Mapped[list[CircleMember]] = relationship(back_populates="circle", order_by="CircleMember.id")

    def __repr__(self) -> str:
        return f"<PeerCircle {self.id} cohort={self.cohort_id}>"


class CircleMember(db.Model):
    """A trainee's place in a circle: one circle per trainee per cohort (a database rule)."""

    __tablename__ = "circle_members"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("peer_circles.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    circle: Mapped[PeerCircle] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class CirclePost(db.Model):
    """A post in a circle's private thread; hidden (not deleted) by the facilitator or the lead instructor."""

    __tablename__ = "circle_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(sa.ForeignKey("peer_circles.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
