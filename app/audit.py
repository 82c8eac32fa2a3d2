"""Append to the audit trail, and check its hash chain. There is deliberately no update or delete here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent
from app.models.audit import GENESIS, hash_of


def record(action: str, obj: Any, *, actor: Any = None, before: dict | None = None,
           after: dict | None = None, ip: str | None = None) -> AuditEvent:
    """Add an entry to the session; its place in the chain and its hash are set when it is flushed."""
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


@dataclass(frozen=True)
class ChainReport:
    entries: int  # how many entries were checked (up to and including a broken one)
    head_id: int | None = None  # the last entry of a whole chain
    head_hash: str | None = None
    broken_id: int | None = None  # the first entry whose link or contents do not hold
    problem: str | None = None

    @property
    def whole(self) -> bool:
        return self.broken_id is None


def _short(value: str | None) -> str:
    return "none" if value is None else value[:16]


def verify_chain(*, batch: int = 1000) -> ChainReport:
    """Walk every entry in id order and report the first broken link.

    An entry is broken when it does not point at the hash of the entry before it (one was removed,
    inserted, or changed and re-hashed) or its fields no longer hash to its recorded hash (it was changed).
    Removing the newest entries leaves a shorter whole chain: compare the head with one noted earlier."""
    prev_id, prev_hash, count = None, GENESIS, 0
    while True:
        stmt = sa.select(AuditEvent.__table__).order_by(AuditEvent.id).limit(batch)
        if prev_id is not None:
            stmt = stmt.where(AuditEvent.id > prev_id)
        rows = db.session.execute(stmt).all()
        for event in rows:
            count += 1
            if event.prev_hash != prev_hash:
                if prev_id is None:
                    problem = (f"the first entry should follow the chain's start ({_short(GENESIS)}…) but follows "
                               f"{_short(event.prev_hash)}…: earlier entries were removed")
                else:
                    problem = (f"it follows {_short(event.prev_hash)}… but the entry before it, {prev_id}, has hash "
                               f"{_short(prev_hash)}…: entry {prev_id} was changed and re-hashed, or entries "
                               f"between them were removed or inserted")
                return ChainReport(count, broken_id=event.id, problem=problem)
            expected = hash_of(event, event.prev_hash)
            if event.hash != expected:
                problem = (f"its recorded hash is {_short(event.hash)}… but its fields (time, actor, action, object, "
                           f"before, after, ip) hash to {_short(expected)}…: it was changed after it was written")
                return ChainReport(count, broken_id=event.id, problem=problem)
            prev_id, prev_hash = event.id, event.hash
        if len(rows) < batch:
            return ChainReport(count, head_id=prev_id, head_hash=None if prev_id is None else prev_hash)
