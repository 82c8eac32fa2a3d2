"""supervision sessions belong to a cohort (program) and may carry an hour category

Revision ID: 5b7c1e9a2d40
Revises: d13eff1b3a5b
Create Date: 2026-11-27 19:20:00

Existing sessions are attributed to the trainee's earliest enrollment, which is the
program their hours counted toward before this change.
"""
from alembic import op
import sqlalchemy as sa


revision = '5b7c1e9a2d40'
down_revision = 'd13eff1b3a5b'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its foreign key in place; a batch copy of a populated table is
        # what this avoids (it fails with foreign keys enforced).
        op.execute("ALTER TABLE supervision_sessions ADD COLUMN cohort_id INTEGER "
                   "CONSTRAINT fk_supervision_sessions_cohort_id_cohorts REFERENCES cohorts (id)")
    else:
        op.add_column('supervision_sessions', sa.Column('cohort_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_supervision_sessions_cohort_id_cohorts'), 'supervision_sessions',
                              'cohorts', ['cohort_id'], ['id'])
    op.add_column('supervision_sessions', sa.Column('category', sa.String(length=80), nullable=True))
    op.create_index(op.f('ix_supervision_sessions_cohort_id'), 'supervision_sessions', ['cohort_id'], unique=False)
    op.execute(sa.text(
        "UPDATE supervision_sessions SET cohort_id = ("
        " SELECT e.cohort_id FROM enrollments e JOIN cohorts c ON c.id = e.cohort_id"
        " WHERE e.user_id = supervision_sessions.trainee_id ORDER BY c.start_date, e.id LIMIT 1)"))


def downgrade():
    # The attribution is derived (earliest enrollment) and is rebuilt by upgrade; category
    # choices are lost, which is said here so that nobody downgrades by accident.
    op.drop_index(op.f('ix_supervision_sessions_cohort_id'), table_name='supervision_sessions')
    with op.batch_alter_table('supervision_sessions', schema=None) as batch_op:
        batch_op.drop_column('category')
        batch_op.drop_column('cohort_id')
