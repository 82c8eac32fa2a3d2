"""timed quizzes: each attempt's deadline, and whether it was submitted late

Revision ID: 7d2e5f8a1c33
Revises: 2ba3f9100f60
Create Date: 2026-11-27 19:30:00

Existing attempts were untimed: no deadline, not late.
"""
from alembic import op
import sqlalchemy as sa


revision = '7d2e5f8a1c33'
down_revision = '2ba3f9100f60'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN on both databases (no batch copy of a populated table on SQLite).
    op.add_column('quiz_attempts', sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('quiz_attempts', sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_column('late')
        batch_op.drop_column('due_at')
