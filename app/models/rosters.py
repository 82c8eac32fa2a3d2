"""A roster upload kept between its preview and its confirmation.

The parsed rows live here, on the server, so confirming never trusts rows sent
back by the browser: they are validated again against the database at confirm time.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class RosterImport(db.Model):
    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    #: rows without a cohort column go to this cohort
    default_cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: [{"line", "email", "first_name", "last_name", "supervisor_email", "cohort"}], as read from the file
    rows: Mapped[list] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RosterImport {self.id} org={self.organization_id} rows={len(self.rows or [])}>"
