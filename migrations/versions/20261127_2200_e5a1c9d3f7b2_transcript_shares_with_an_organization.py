"""a trainee may share a transcript with their organization's systems (the partner API)

Revision ID: e5a1c9d3f7b2
Revises: 7d2e5f8a1c33
Create Date: 2026-11-27 22:00:00

Existing shares are links for a named person, so they keep organization_id empty.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e5a1c9d3f7b2'
down_revision = '7d2e5f8a1c33'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # in place, with its foreign key: no batch copy of a populated table
        op.execute("ALTER TABLE transcript_shares ADD COLUMN organization_id INTEGER "
                   "CONSTRAINT fk_transcript_shares_organization_id_organizations REFERENCES organizations (id)")
    else:
        op.add_column('transcript_shares', sa.Column('organization_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_transcript_shares_organization_id_organizations'), 'transcript_shares',
                              'organizations', ['organization_id'], ['id'])
    op.create_index(op.f('ix_transcript_shares_organization_id'), 'transcript_shares', ['organization_id'],
                    unique=False)


def downgrade():
    # Shares with an organization would become links without a token anyone holds: withdraw them.
    op.execute(sa.text("UPDATE transcript_shares SET revoked_at = CURRENT_TIMESTAMP "
                       "WHERE organization_id IS NOT NULL AND revoked_at IS NULL"))
    op.drop_index(op.f('ix_transcript_shares_organization_id'), table_name='transcript_shares')
    with op.batch_alter_table('transcript_shares', schema=None) as batch_op:
        batch_op.drop_column('organization_id')
