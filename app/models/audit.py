"""The append-only, hash-chained audit trail. Nothing in the app updates or deletes these rows.

Each entry carries `hash`: sha256 over a canonical JSON of its own fields and `prev_hash`, the
hash of the entry before it (ids ascending; the first entry follows `GENESIS`). Changing,
removing or inserting an entry anywhere breaks the chain from there on, which
`flask audit verify` (`app.audit.verify_chain`) reports. The chain is extended in one place,
a `before_flush` hook, under a lock held until the transaction ends, so concurrent writers
never fork it; a unique index on `prev_hash` makes a fork impossible even so.

The database refuses UPDATE and DELETE on the table (and TRUNCATE on PostgreSQL) with the
triggers below, created with the table (`create_all`) and by the migration that added them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.users import User

GENESIS = "0" * 64
#: the PostgreSQL advisory lock every audit writer holds until its transaction ends
CHAIN_LOCK_KEY = 0x61756469745F6C67  # "audit_lg"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(80), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_id: Mapped[str | None] = mapped_column(sa.String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    # Set by the flush hook below, never by callers. Nullable only because SQLite cannot add a NOT NULL
    # column to a populated table without copying it; `flask audit verify` reports an entry without one.
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True, unique=True)
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _append_only(_mapper, _connection, target: AuditEvent) -> None:
    raise RuntimeError(f"The audit log is append-only: {target!r} cannot be changed or deleted.")


# The chain ----------------------------------------------------------------------------------------

def _plain_json(value: Any) -> Any:
    """The value as it reads back from a JSON column (tuples become lists, keys strings)."""
    return None if value is None else json.loads(json.dumps(value))


def canonical_entry(*, id: int, created_at: datetime, actor_id: int | None, action: str, object_type: str,
                    object_id: str | None, before: Any, after: Any, ip: str | None) -> bytes:
    """The bytes an entry's hash covers (besides the previous hash): version 1 of the format."""
    if created_at.tzinfo is None:  # SQLite hands back naive UTC when read without the column type
        created_at = created_at.replace(tzinfo=UTC)
    fields = {
        "v": 1, "id": id, "created_at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id, "action": action, "object_type": object_type, "object_id": object_id,
        "before": _plain_json(before), "after": _plain_json(after), "ip": ip,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()


def hash_of(event: AuditEvent, prev_hash: str) -> str:
    return entry_hash(prev_hash, canonical_entry(
        id=event.id, created_at=event.created_at, actor_id=event.actor_id, action=event.action,
        object_type=event.object_type, object_id=event.object_id, before=event.before, after=event.after,
        ip=event.ip))


def _lock_chain(conn: sa.Connection) -> None:
    """Hold the chain until this transaction ends, so no other writer reads the same head."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # pysqlite opens a transaction only at the first write, so a read before it could be stale by the
        # time this transaction writes. Take the database's write lock first (waits up to busy_timeout).
        raw = conn.connection.dbapi_connection
        if not raw.in_transaction:
            raw.execute("BEGIN IMMEDIATE")


def _next_ids(conn: sa.Connection, last_id: int, count: int) -> list[int]:
    if conn.dialect.name != "postgresql":
        return list(range(last_id + 1, last_id + 1 + count))
    take = sa.text("SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) FROM generate_series(1, :n)")
    ids = sorted(conn.scalars(take, {"n": count}))
    if ids[0] <= last_id:  # rows were inserted with explicit ids (a restore, a test): catch the sequence up
        conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), :id)"), {"id": last_id})
        ids = sorted(conn.scalars(take, {"n": count}))
    return ids


@sa.event.listens_for(Session, "before_flush")
def _extend_chain(session: Session, _flush_context, _instances) -> None:
    new = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not new:
        return
    new.sort(key=lambda obj: sa.inspect(obj).insert_order)
    conn = session.connection(bind_arguments={"mapper": sa.inspect(AuditEvent)})
    _lock_chain(conn)
    table = AuditEvent.__table__
    head = conn.execute(sa.select(table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1)).first()
    last_id, prev = (0, GENESIS) if head is None else (head.id, head.hash)
    if prev is None:  # a row written around this hook (verify reports it); stay unique and carry on
        prev = hashlib.sha256(f"unchained:{last_id}".encode()).hexdigest()
    # Ids are taken here, under the lock, so id order is chain order (the hash covers the id).
    for obj, new_id in zip(new, _next_ids(conn, last_id, len(new)), strict=True):
        obj.id = new_id
        if obj.created_at is None:
            obj.created_at = utcnow()
        obj.prev_hash = prev
        obj.hash = prev = hash_of(obj, prev)


# The database's own refusal ----------------------------------------------------------------------

# sa.DDL formats its text with %, hence the doubled %% below.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: %% refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Audit entries are never changed or removed; see flask audit verify.';
END
$$
"""
PG_TRIGGER = ("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events "
              "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")
SQLITE_TRIGGERS = {
    "audit_events_no_update": "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                              "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END",
    "audit_events_no_delete": "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                              "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END",
}

sa.event.listen(AuditEvent.__table__, "after_create", sa.DDL(PG_FUNCTION).execute_if(dialect="postgresql"))
sa.event.listen(AuditEvent.__table__, "after_create", sa.DDL(PG_TRIGGER).execute_if(dialect="postgresql"))
for _ddl in SQLITE_TRIGGERS.values():
    sa.event.listen(AuditEvent.__table__, "after_create", sa.DDL(_ddl).execute_if(dialect="sqlite"))
sa.event.listen(AuditEvent.__table__, "after_drop",
                sa.DDL("DROP FUNCTION IF EXISTS audit_events_append_only()").execute_if(dialect="postgresql"))
