"""An organization's local resources card: its state and the crisis and reporting lines its trainees use."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class LocalResources(db.Model):
    """One per organization, set by its admins; trainees of an organization without one see the national lines."""

    __tablename__ = "local_resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), unique=True)
    #: a US state or territory, as its two-letter postal code
    state: Mapped[str] = mapped_column(sa.String(2), default="")
    mobile_crisis: Mapped[str] = mapped_column(sa.String(200), default="")
    reporting_route: Mapped[str] = mapped_column(sa.Text, default="")
    reporting_hotline: Mapped[str] = mapped_column(sa.String(200), default="")
    #: further local lines, one per line of text
    local_lines: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<LocalResources org={self.organization_id} {self.state}>"
