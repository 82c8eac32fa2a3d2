"""job runs: what each background job did, when, where, and what failed

Revision ID: a7c3e1f9b5d2
Revises: e5a1c9d3f7b2
Create Date: 2026-11-27 22:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c3e1f9b5d2'
down_revision = 'e5a1c9d3f7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_runs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job', sa.String(length=60), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('node', sa.String(length=120), nullable=False),
        sa.Column('trigger', sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    )
    op.create_index('ix_job_runs_job_started', 'job_runs', ['job', 'started_at'], unique=False)
    op.create_index(op.f('ix_job_runs_status'), 'job_runs', ['status'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_job_runs_status'), table_name='job_runs')
    op.drop_index('ix_job_runs_job_started', table_name='job_runs')
    op.drop_table('job_runs')
