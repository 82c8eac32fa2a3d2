"""mail: a suppression list of hard-bounced addresses, and extra headers per message

Revision ID: b8d4f2a6c9e1
Revises: a7c3e1f9b5d2
Create Date: 2026-11-27 22:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b8d4f2a6c9e1'
down_revision = 'a7c3e1f9b5d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mail_suppressions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=254), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_suppressions')),
        sa.UniqueConstraint('address', name=op.f('uq_mail_suppressions_address')),
    )
    op.add_column('outbox_messages', sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('headers')
    op.drop_table('mail_suppressions')
