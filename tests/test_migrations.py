"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db
from config import TestingConfig


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A brand-new database of the same kind as the suite's."""
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"migr_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrated_schema_equals_the_models(empty_database):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = empty_database

    app = create_app(Config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(ctx, db.metadata)
        assert diff == [], diff
        downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()


def _fill(table: sa.Table, **given) -> dict:
    """A row for `table` as it stands at some revision: the given values, and a plain value for every
    other required column."""
    from datetime import UTC, date, datetime, time

    row = dict(given)
    for col in table.columns:
        if col.name in row or col.nullable or col.primary_key or col.server_default is not None:
            continue
        t = col.type
        if isinstance(t, sa.Enum):
            row[col.name] = t.enums[0]
        elif isinstance(t, sa.Boolean):
            row[col.name] = True
        elif isinstance(t, sa.DateTime):
            row[col.name] = datetime(2026, 9, 7, 12, tzinfo=UTC)
        elif isinstance(t, sa.Date):
            row[col.name] = date(2026, 9, 7)
        elif isinstance(t, sa.Time):
            row[col.name] = time(9, 0)
        elif isinstance(t, sa.JSON):
            row[col.name] = {}
        elif isinstance(t, sa.Integer | sa.Float | sa.Numeric):
            row[col.name] = 1
        else:
            row[col.name] = f"{table.name}-{col.name}"
    return row


PROGRAMS_REVISION = "d13eff1b3a5b"  # the last revision before supervision hours belonged to a program


def test_migrations_keep_and_attribute_existing_data(empty_database):
    """Upgrade a populated database from before programs and fair completion, then down and up again."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = empty_database

    app = create_app(Config)
    with app.app_context():
        upgrade(revision=PROGRAMS_REVISION)
        meta = sa.MetaData()
        meta.reflect(db.engine)
        t = meta.tables
        with db.engine.begin() as conn:
            conn.execute(t["organizations"].insert(), _fill(t["organizations"], id=1, slug="org", name="Org"))
            conn.execute(t["courses"].insert(), _fill(t["courses"], id=1, slug="course", rules={"weeks": 12}))
            for cid, start in ((1, "2026-09-07"), (2, "2027-01-04")):
                conn.execute(t["cohorts"].insert(), _fill(t["cohorts"], id=cid, course_id=1, organization_id=1,
                                                          start_date=date.fromisoformat(start)))
            for uid, role in ((1, "trainee"), (2, "supervisor")):
                conn.execute(t["users"].insert(), _fill(t["users"], id=uid, email=f"u{uid}@example.org", role=role,
                                                        organization_id=1))
            conn.execute(t["enrollments"].insert(), _fill(t["enrollments"], id=1, cohort_id=2, user_id=1))
            conn.execute(t["enrollments"].insert(), _fill(t["enrollments"], id=2, cohort_id=1, user_id=1))
            conn.execute(t["supervision_sessions"].insert(), _fill(
                t["supervision_sessions"], id=1, trainee_id=1, supervisor_id=2, duration_minutes=60,
                supervision_type="individual", delivery_mode="video", status="approved", revision=0))
        upgrade()
        with db.engine.connect() as conn:
            # attributed to the trainee's earliest program, where its hours counted before
            assert conn.execute(sa.text("SELECT cohort_id, category FROM supervision_sessions")).all() == [(1, None)]
            assert conn.execute(sa.text("SELECT count(*) FROM enrollments")).scalar() == 2
        downgrade(revision=PROGRAMS_REVISION)
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, duration_minutes FROM supervision_sessions")).all() == [(1, 60)]
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT cohort_id FROM supervision_sessions")).scalar() == 1
        db.engine.dispose()
