"""wellbeing: peer-support circles inside a cohort, their members, and each circle's private thread

New tables only.

Revision ID: a3c5e7f9b1d4
Revises: d2f4a6b8c0e1
Create Date: 2026-11-28 11:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3c5e7f9b1d4'
down_revision = 'd2f4a6b8c0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'peer_circles',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('facilitator_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_peer_circles_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_peer_circles_created_by_id_users')),
        sa.ForeignKeyConstraint(['facilitator_id'], ['users.id'], name=op.f('fk_peer_circles_facilitator_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_peer_circles')),
    )
    op.create_index(op.f('ix_peer_circles_cohort_id'), 'peer_circles', ['cohort_id'])
    op.create_index(op.f('ix_peer_circles_created_by_id'), 'peer_circles', ['created_by_id'])
    op.create_index(op.f('ix_peer_circles_facilitator_id'), 'peer_circles', ['facilitator_id'])
    op.create_table(
        'circle_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('circle_id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['circle_id'], ['peer_circles.id'], name=op.f('fk_circle_members_circle_id_peer_circles')),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_circle_members_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_circle_members_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_members')),
        sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_circle_members_cohort_id_user_id')),
    )
    op.create_index(op.f('ix_circle_members_circle_id'), 'circle_members', ['circle_id'])
    op.create_index(op.f('ix_circle_members_user_id'), 'circle_members', ['user_id'])
    op.create_table(
        'circle_posts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('circle_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('body_md', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hidden_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_circle_posts_author_id_users')),
        sa.ForeignKeyConstraint(['circle_id'], ['peer_circles.id'], name=op.f('fk_circle_posts_circle_id_peer_circles')),
        sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_circle_posts_hidden_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_circle_posts')),
    )
    op.create_index(op.f('ix_circle_posts_author_id'), 'circle_posts', ['author_id'])
    op.create_index(op.f('ix_circle_posts_circle_id'), 'circle_posts', ['circle_id'])


def downgrade():
    op.drop_table('circle_posts')
    op.drop_table('circle_members')
    op.drop_table('peer_circles')
