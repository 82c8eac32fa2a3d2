"""The audit log as CSV, streamed row by row, with spreadsheet formula injection defused."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import sqlalchemy as sa

from app.csvsafe import escape_cell
from app.extensions import db
from app.models import AuditEvent

HEADER = ["id", "time_utc", "actor_email", "actor_name", "action", "object_type", "object_id", "ip",
          "before", "after"]


def _json(value: dict | None) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def audit_csv(stmt: sa.Select, *, context: Callable[[], AbstractContextManager], batch: int = 500) -> Iterator[str]:
    """Yield the CSV in chunks of `batch` events, newest first, fetched by id ranges.

    Each batch runs inside `context()` (a fresh app context) that is closed before the
    chunk is yielded, so a slow client holds no database connection between chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield _take(buffer)
    last_id = None
    while True:
        with context():
            page = stmt.order_by(None).order_by(AuditEvent.id.desc()).limit(batch)
            if last_id is not None:
                page = page.where(AuditEvent.id < last_id)
            events = list(db.session.scalars(page))
            for event in events:
                actor = event.actor
                writer.writerow([escape_cell(v) for v in (
                    event.id, event.created_at.isoformat(), actor.email if actor else "",
                    actor.name if actor else "", event.action, event.object_type, event.object_id, event.ip,
                    _json(event.before), _json(event.after))])
        if events:
            last_id = events[-1].id
            yield _take(buffer)
        if len(events) < batch:
            return


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
