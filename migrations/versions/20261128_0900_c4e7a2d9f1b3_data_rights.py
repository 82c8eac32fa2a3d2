"""users: when a person asked for erasure, and when their personal data was erased

Plain ADD COLUMN on both engines (no table copy): both columns are nullable and empty for every
existing account.

Revision ID: c4e7a2d9f1b3
Revises: 5c3d2e1f0a9b
Create Date: 2026-11-28 09:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e7a2d9f1b3'
down_revision = '5c3d2e1f0a9b'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('users', sa.Column('erasure_requested_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('erasure_requested_at')
