"""fair completion: exceptions granted to a trainee, accommodations, and deferrals to a later cohort

Revision ID: 9e3f4a7c2b11
Revises: 5b7c1e9a2d40
Create Date: 2026-11-27 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '9e3f4a7c2b11'
down_revision = '5b7c1e9a2d40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('granted_exceptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('extension', 'extra_attempt', 'excused', 'late_approval', 'waiver', name='exceptionkind', native_enum=False, length=20), nullable=False),
    sa.Column('item', sa.String(length=80), nullable=False),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('alternative', sa.Text(), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_granted_exceptions_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_granted_exceptions_granted_by_id_users')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_granted_exceptions_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_granted_exceptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_granted_exceptions'))
    )
    op.create_index(op.f('ix_granted_exceptions_cohort_id'), 'granted_exceptions', ['cohort_id'], unique=False)
    op.create_index(op.f('ix_granted_exceptions_user_id'), 'granted_exceptions', ['user_id'], unique=False)
    op.create_index('uq_granted_exceptions_active', 'granted_exceptions', ['cohort_id', 'user_id', 'kind', 'item'],
                    unique=True, sqlite_where=sa.text('revoked_at IS NULL'),
                    postgresql_where=sa.text('revoked_at IS NULL'))
    op.create_table('accommodations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('quiz_time_factor', sa.Float(), nullable=False),
    sa.Column('extra_days', sa.Integer(), nullable=False),
    sa.Column('alternative_format', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['users.id'], name=op.f('fk_accommodations_set_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_accommodations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accommodations')),
    sa.UniqueConstraint('user_id', name=op.f('uq_accommodations_user_id'))
    )
    op.create_table('deferrals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('from_cohort_id', sa.Integer(), nullable=False),
    sa.Column('to_cohort_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_deferrals_actor_id_users')),
    sa.ForeignKeyConstraint(['from_cohort_id'], ['cohorts.id'], name=op.f('fk_deferrals_from_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['to_cohort_id'], ['cohorts.id'], name=op.f('fk_deferrals_to_cohort_id_cohorts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deferrals_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deferrals'))
    )
    op.create_index(op.f('ix_deferrals_to_cohort_id'), 'deferrals', ['to_cohort_id'], unique=False)
    op.create_index(op.f('ix_deferrals_user_id'), 'deferrals', ['user_id'], unique=False)


def downgrade():
    # Dropping these tables loses granted exceptions and accommodations: export them first.
    op.drop_index(op.f('ix_deferrals_user_id'), table_name='deferrals')
    op.drop_index(op.f('ix_deferrals_to_cohort_id'), table_name='deferrals')
    op.drop_table('deferrals')
    op.drop_table('accommodations')
    op.drop_index('uq_granted_exceptions_active', table_name='granted_exceptions')
    op.drop_index(op.f('ix_granted_exceptions_user_id'), table_name='granted_exceptions')
    op.drop_index(op.f('ix_granted_exceptions_cohort_id'), table_name='granted_exceptions')
    op.drop_table('granted_exceptions')
