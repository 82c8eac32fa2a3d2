"""wellbeing: a trainee's private weekly check-ins and reflective journal

Revision ID: f1a2b3c4d5e6
Revises: d693540f4d94
Create Date: 2026-11-28 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'f1a2b3c4d5e6'
down_revision = 'd693540f4d94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'wellbeing_checkins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('week', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('wants_to_talk', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_wellbeing_checkins_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_wellbeing_checkins_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wellbeing_checkins')),
        sa.UniqueConstraint('user_id', 'cohort_id', 'week', name=op.f('uq_wellbeing_checkins_user_id_cohort_id_week')),
    )
    op.create_index(op.f('ix_wellbeing_checkins_cohort_id'), 'wellbeing_checkins', ['cohort_id'], unique=False)
    op.create_index(op.f('ix_wellbeing_checkins_user_id'), 'wellbeing_checkins', ['user_id'], unique=False)
    op.create_table(
        'journal_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_journal_entries_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries')),
    )
    op.create_index(op.f('ix_journal_entries_user_id'), 'journal_entries', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_journal_entries_user_id'), table_name='journal_entries')
    op.drop_table('journal_entries')
    op.drop_index(op.f('ix_wellbeing_checkins_user_id'), table_name='wellbeing_checkins')
    op.drop_index(op.f('ix_wellbeing_checkins_cohort_id'), table_name='wellbeing_checkins')
    op.drop_table('wellbeing_checkins')
