"""wellbeing: same-day requests to talk to someone, acknowledged, escalated once to the program director

Revision ID: 0a6b7c8d9e1f
Revises: f1a2b3c4d5e6
Create Date: 2026-11-28 10:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0a6b7c8d9e1f'
down_revision = 'f1a2b3c4d5e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'support_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trainee_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('recipient_kind', sa.Enum('wellbeing_contact', 'supervisor', name='supportrecipient',
                                            native_enum=False, length=20), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('escalate_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
        sa.Column('reply', sa.Text(), nullable=False),
        sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'],
                                name=op.f('fk_support_requests_acknowledged_by_id_users')),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_support_requests_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_support_requests_recipient_id_users')),
        sa.ForeignKeyConstraint(['trainee_id'], ['users.id'], name=op.f('fk_support_requests_trainee_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_support_requests')),
    )
    op.create_index(op.f('ix_support_requests_cohort_id'), 'support_requests', ['cohort_id'], unique=False)
    op.create_index(op.f('ix_support_requests_escalate_at'), 'support_requests', ['escalate_at'], unique=False)
    op.create_index(op.f('ix_support_requests_recipient_id'), 'support_requests', ['recipient_id'], unique=False)
    op.create_index(op.f('ix_support_requests_trainee_id'), 'support_requests', ['trainee_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_support_requests_trainee_id'), table_name='support_requests')
    op.drop_index(op.f('ix_support_requests_recipient_id'), table_name='support_requests')
    op.drop_index(op.f('ix_support_requests_escalate_at'), table_name='support_requests')
    op.drop_index(op.f('ix_support_requests_cohort_id'), table_name='support_requests')
    op.drop_table('support_requests')
