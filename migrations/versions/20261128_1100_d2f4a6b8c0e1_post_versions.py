"""posts.version: a counter each edit raises, so two tabs editing one post cannot overwrite each other

Plain ADD COLUMN on both engines (no table copy); every existing post starts at version 1.

Revision ID: d2f4a6b8c0e1
Revises: c4e7a2d9f1b3
Create Date: 2026-11-28 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'd2f4a6b8c0e1'
down_revision = 'c4e7a2d9f1b3'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('posts', sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_column('version')
