"""Staying well in the work: a trainee's private check-ins and journal.

Nothing here is read by the eligibility engine, staff views, exports or the partner API: these rows
belong to the trainee, and only aggregates of five or more trainees ever leave them (app/wellbeing).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


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
