"""Append to the audit trail. There is deliberately no update or delete here."""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AuditEvent


def record(action: str, obj: Any, *, actor: Any = None, before: dict | None = None,
           after: dict | None = None, ip: str | None = None) -> AuditEvent:
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "id", "")) or None,
        before=before,
        after=after,
        ip=ip,
    )
    db.session.add(event)
    return event
