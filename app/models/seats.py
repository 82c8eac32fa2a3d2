"""An organization's seat history: every grant or removal, with who, when and why."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.users import User


class SeatChange(db.Model):
    """One change to `Organization.seat_limit`. Rows are only ever added."""

    __tablename__ = "seat_changes"
    __table_args__ = (
        sa.CheckConstraint("delta <> 0", name="delta_not_zero"),
        sa.CheckConstraint("seat_limit_after >= 0", name="seat_limit_after_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    #: seats granted (positive) or removed (negative)
    delta: Mapped[int]
    seat_limit_after: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(500))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<SeatChange org={self.organization_id} {self.delta:+d}>"
