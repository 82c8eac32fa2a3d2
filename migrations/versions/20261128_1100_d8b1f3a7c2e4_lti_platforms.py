"""LTI 1.3: platform registrations per organization, launch identities, resource links, used nonces

Four new tables, nothing changed in existing ones (plain CREATE TABLE on both engines).

Revision ID: d8b1f3a7c2e4
Revises: b7d1e5a3c9f2
Create Date: 2026-11-28 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'd8b1f3a7c2e4'
down_revision = 'b7d1e5a3c9f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'lti_platforms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('client_id', sa.String(length=255), nullable=False),
        sa.Column('deployment_ids', sa.JSON(), nullable=False),
        sa.Column('auth_login_url', sa.String(length=500), nullable=False),
        sa.Column('auth_token_url', sa.String(length=500), nullable=False),
        sa.Column('key_set_url', sa.String(length=500), nullable=False),
        sa.Column('lms_url', sa.String(length=500), nullable=True),
        sa.Column('allow_instructors', sa.Boolean(), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'],
                                name=op.f('fk_lti_platforms_organization_id_organizations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
        sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer_client_id')),
    )
    op.create_index(op.f('ix_lti_platforms_organization_id'), 'lti_platforms', ['organization_id'], unique=False)
    op.create_table(
        'lti_identities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'],
                                name=op.f('fk_lti_identities_platform_id_lti_platforms')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_identities_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_identities')),
        sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_lti_identities_issuer_subject')),
    )
    op.create_index(op.f('ix_lti_identities_platform_id'), 'lti_identities', ['platform_id'], unique=False)
    op.create_index(op.f('ix_lti_identities_user_id'), 'lti_identities', ['user_id'], unique=False)
    op.create_table(
        'lti_resource_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform_id', sa.Integer(), nullable=False),
        sa.Column('resource_link_id', sa.String(length=255), nullable=False),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_lti_resource_links_cohort_id_cohorts')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_lti_resource_links_created_by_id_users')),
        sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'],
                                name=op.f('fk_lti_resource_links_platform_id_lti_platforms')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_resource_links')),
        sa.UniqueConstraint('platform_id', 'resource_link_id', name=op.f('uq_lti_resource_links_platform_id_resource_link_id')),
    )
    op.create_index(op.f('ix_lti_resource_links_cohort_id'), 'lti_resource_links', ['cohort_id'], unique=False)
    op.create_index(op.f('ix_lti_resource_links_platform_id'), 'lti_resource_links', ['platform_id'], unique=False)
    op.create_table(
        'lti_nonces',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=255), nullable=False),
        sa.Column('nonce', sa.String(length=255), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_nonces')),
        sa.UniqueConstraint('issuer', 'nonce', name=op.f('uq_lti_nonces_issuer_nonce')),
    )
    op.create_index(op.f('ix_lti_nonces_used_at'), 'lti_nonces', ['used_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_lti_nonces_used_at'), table_name='lti_nonces')
    op.drop_table('lti_nonces')
    op.drop_index(op.f('ix_lti_resource_links_platform_id'), table_name='lti_resource_links')
    op.drop_index(op.f('ix_lti_resource_links_cohort_id'), table_name='lti_resource_links')
    op.drop_table('lti_resource_links')
    op.drop_index(op.f('ix_lti_identities_user_id'), table_name='lti_identities')
    op.drop_index(op.f('ix_lti_identities_platform_id'), table_name='lti_identities')
    op.drop_table('lti_identities')
    op.drop_index(op.f('ix_lti_platforms_organization_id'), table_name='lti_platforms')
    op.drop_table('lti_platforms')
