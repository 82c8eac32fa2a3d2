"""local_resources: each partner organization's state and crisis and mandated-reporting lines

A new table, one row per organization (none until its admins set one; its trainees see the
national lines meanwhile).

Revision ID: b7d1e5a3c9f2
Revises: e5b9c3a1d7f2
Create Date: 2026-11-28 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7d1e5a3c9f2'
down_revision = 'e5b9c3a1d7f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'local_resources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=2), nullable=False),
        sa.Column('mobile_crisis', sa.String(length=200), nullable=False),
        sa.Column('reporting_route', sa.Text(), nullable=False),
        sa.Column('reporting_hotline', sa.String(length=200), nullable=False),
        sa.Column('local_lines', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_local_resources_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_local_resources')),
        sa.UniqueConstraint('organization_id', name=op.f('uq_local_resources_organization_id')),
    )


def downgrade():
    op.drop_table('local_resources')
