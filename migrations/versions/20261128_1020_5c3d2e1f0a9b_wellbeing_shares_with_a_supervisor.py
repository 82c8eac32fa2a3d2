"""wellbeing: a check-in trend or journal entry a trainee shares with their supervisor, until withdrawn

Revision ID: 5c3d2e1f0a9b
Revises: 0a6b7c8d9e1f
Create Date: 2026-11-28 10:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '5c3d2e1f0a9b'
down_revision = '0a6b7c8d9e1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'wellbeing_shares',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('supervisor_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('trend', 'journal', name='sharekind', native_enum=False, length=20),
                  nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('journal_entry_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_wellbeing_shares_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['journal_entry_id'], ['journal_entries.id'],
                                name=op.f('fk_wellbeing_shares_journal_entry_id_journal_entries')),
        sa.ForeignKeyConstraint(['supervisor_id'], ['users.id'], name=op.f('fk_wellbeing_shares_supervisor_id_users')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_wellbeing_shares_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wellbeing_shares')),
    )
    op.create_index(op.f('ix_wellbeing_shares_journal_entry_id'), 'wellbeing_shares', ['journal_entry_id'],
                    unique=False)
    op.create_index(op.f('ix_wellbeing_shares_supervisor_id'), 'wellbeing_shares', ['supervisor_id'], unique=False)
    op.create_index(op.f('ix_wellbeing_shares_user_id'), 'wellbeing_shares', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_wellbeing_shares_user_id'), table_name='wellbeing_shares')
    op.drop_index(op.f('ix_wellbeing_shares_supervisor_id'), table_name='wellbeing_shares')
    op.drop_index(op.f('ix_wellbeing_shares_journal_entry_id'), table_name='wellbeing_shares')
    op.drop_table('wellbeing_shares')
