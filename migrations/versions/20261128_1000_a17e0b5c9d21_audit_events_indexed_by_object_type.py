"""audit log: an index on object_type, for its filter and the list of types the filter offers

Revision ID: a17e0b5c9d21
Revises: b8d4f2a6c9e1
Create Date: 2026-11-28 10:00:00

The audit page offers a filter by object type and lists the types that occur; without an index
both read every event. CREATE INDEX only: no table is copied on SQLite.
"""
from alembic import op


revision = 'a17e0b5c9d21'
down_revision = 'b8d4f2a6c9e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_object_type', 'audit_events', ['object_type'], unique=False)


def downgrade():
    op.drop_index('ix_audit_events_object_type', table_name='audit_events')
