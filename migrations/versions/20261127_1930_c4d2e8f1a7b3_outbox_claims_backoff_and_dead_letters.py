"""outbox: per-message claims, backoff and dead letters

Revision ID: c4d2e8f1a7b3
Revises: 9e3f4a7c2b11
Create Date: 2026-11-27 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d2e8f1a7b3'
down_revision = '9e3f4a7c2b11'
branch_labels = None
depends_on = None


def upgrade():
    # plain ADD COLUMN (no table copy), so a populated SQLite database upgrades in place
    op.add_column('outbox_messages', sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('outbox_messages', sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
    op.add_column('outbox_messages', sa.Column('dead_at', sa.DateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_outbox_messages_dead_at'), 'outbox_messages', ['dead_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_outbox_messages_dead_at'), table_name='outbox_messages')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('dead_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('next_attempt_at')
