"""notifications about sessions, grades, certificates and requests to talk, once per recipient and event

Revision ID: e5b9c3a1d7f2
Revises: a3c5e7f9b1d4
Create Date: 2026-11-28 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'e5b9c3a1d7f2'
down_revision = 'a3c5e7f9b1d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'event_notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('event_key', sa.String(length=160), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('message', sa.String(length=300), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_event_notices_actor_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_notices_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_event_notices')),
        sa.UniqueConstraint('user_id', 'event_key', name=op.f('uq_event_notices_user_id_event_key')),
    )
    op.create_index(op.f('ix_event_notices_user_id'), 'event_notices', ['user_id'], unique=False)
    op.create_index(op.f('ix_event_notices_created_at'), 'event_notices', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_event_notices_created_at'), table_name='event_notices')
    op.drop_index(op.f('ix_event_notices_user_id'), table_name='event_notices')
    op.drop_table('event_notices')
