"""audit log: a hash chain over every entry, and triggers that refuse UPDATE, DELETE and TRUNCATE

Revision ID: d693540f4d94
Revises: a17e0b5c9d21
Create Date: 2026-11-28 10:00:00

Existing entries are chained in id order here, so `flask audit verify` finds the whole log
intact after the upgrade. The hashing below is a frozen copy of version 1 of the format in
app/models/audit.py (a migration must not change meaning when the app's code does).

Plain ADD COLUMN and CREATE INDEX on both databases: a populated SQLite table is never copied.
"""
import hashlib
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa


revision = 'd693540f4d94'
down_revision = 'a17e0b5c9d21'
branch_labels = None
depends_on = None

GENESIS = "0" * 64

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
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

audit = sa.table(
    'audit_events',
    sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('actor_id', sa.Integer), sa.column('action', sa.String), sa.column('object_type', sa.String),
    sa.column('object_id', sa.String), sa.column('before', sa.JSON), sa.column('after', sa.JSON),
    sa.column('ip', sa.String), sa.column('prev_hash', sa.String), sa.column('hash', sa.String),
)


def _plain_json(value):
    return None if value is None else json.loads(json.dumps(value))


def _hash(prev_hash, row):
    created_at = row.created_at
    if created_at.tzinfo is None:  # SQLite: stored as naive UTC
        created_at = created_at.replace(tzinfo=timezone.utc)
    fields = {
        "v": 1, "id": row.id, "created_at": created_at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "actor_id": row.actor_id, "action": row.action, "object_type": row.object_type,
        "object_id": row.object_id, "before": _plain_json(row.before), "after": _plain_json(row.after),
        "ip": row.ip,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()


def _backfill(conn, batch=1000):
    prev_id, prev_hash = None, GENESIS
    while True:
        stmt = sa.select(audit).order_by(audit.c.id).limit(batch)
        if prev_id is not None:
            stmt = stmt.where(audit.c.id > prev_id)
        rows = conn.execute(stmt).all()
        updates = []
        for row in rows:
            digest = _hash(prev_hash, row)
            updates.append({"row_id": row.id, "prev": prev_hash, "digest": digest})
            prev_id, prev_hash = row.id, digest
        if updates:
            conn.execute(audit.update().where(audit.c.id == sa.bindparam("row_id"))
                         .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest")), updates)
        if len(rows) < batch:
            return


def upgrade():
    op.add_column('audit_events', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_events', sa.Column('hash', sa.String(length=64), nullable=True))
    conn = op.get_bind()
    _backfill(conn)
    op.create_index(op.f('ix_audit_events_prev_hash'), 'audit_events', ['prev_hash'], unique=True)
    if conn.dialect.name == 'postgresql':
        op.execute(sa.text(PG_FUNCTION))
        op.execute(sa.text(PG_TRIGGER))
    else:
        for ddl in SQLITE_TRIGGERS.values():
            op.execute(sa.text(ddl))


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events')
        op.execute('DROP FUNCTION IF EXISTS audit_events_append_only()')
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f'DROP TRIGGER IF EXISTS {name}')
    op.drop_index(op.f('ix_audit_events_prev_hash'), table_name='audit_events')
    # plain DROP COLUMN (SQLite 3.35+), no table copy
    op.drop_column('audit_events', 'hash')
    op.drop_column('audit_events', 'prev_hash')
