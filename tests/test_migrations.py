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


AUDIT_CHAIN_REVISION = "d693540f4d94"  # the audit log's hash chain and append-only triggers


def test_the_audit_chain_migration_chains_existing_entries_and_locks_the_table(empty_database):
    """Entries written before the chain existed are chained in id order, `verify` finds the log whole,
    and from then on the database itself refuses to change or remove an entry."""
    from app.audit import verify_chain

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = empty_database

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="7d2e5f8a1c33")
        meta = sa.MetaData()
        meta.reflect(db.engine)
        t = meta.tables
        with db.engine.begin() as conn:
            conn.execute(t["users"].insert(), _fill(t["users"], id=1, email="u1@example.org", role="admin"))
            for i in range(1, 2502):  # more than two of the migration's batches
                conn.execute(t["audit_events"].insert(), _fill(
                    t["audit_events"], id=i, action=f"a{i}", object_type="Thing", object_id=str(i),
                    actor_id=1 if i % 2 else None, after={"n": i, "name": "Zoë"} if i % 3 else None,
                    ip="203.0.113.9"))
        upgrade()
        report = verify_chain()
        assert report.whole and report.entries == 2501 and report.head_id == 2501, report
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT prev_hash FROM audit_events WHERE id = 1")).scalar() == "0" * 64
        for statement in ("UPDATE audit_events SET action = 'x' WHERE id = 7", "DELETE FROM audit_events WHERE id = 7"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
                conn.execute(sa.text(statement))
        from app.audit import record
        from app.models import User

        record("after.migration", db.session.get(User, 1))
        db.session.commit()
        assert verify_chain().entries == 2502
        db.session.remove()
        downgrade(revision="7d2e5f8a1c33")
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM audit_events")).scalar() == 2502
            conn.execute(sa.text("DELETE FROM audit_events WHERE id = 2502"))  # no trigger any more
        upgrade()
        assert verify_chain().whole
        db.session.remove()
        db.engine.dispose()


def _revisions_in_order(app) -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def _fill_row(table: sa.Table) -> dict:
    """One row for a table new at this revision: id 1, every required foreign key pointing at row 1 of its
    table (seeded earlier: tables are taken in dependency order), a plain value elsewhere."""
    row = _fill(table)
    for col in table.columns:
        if col.primary_key and col.name not in row:
            row[col.name] = 1 if isinstance(col.type, sa.Integer) else f"{table.name}-{col.name}"
        if col.foreign_keys and not col.nullable:
            row[col.name] = 1
        length = getattr(col.type, "length", None)
        if isinstance(row.get(col.name), str) and length:
            row[col.name] = row[col.name][-length:]
    return row


def _snapshot(conn, tables: dict[str, sa.Table]) -> dict[str, dict]:
    """Per table: its columns and its rows, as the database returns them."""
    out = {}
    for name, table in tables.items():
        cols = [c.name for c in table.columns]
        rows = conn.execute(sa.select(*table.columns).order_by(*table.primary_key.columns)).all()
        out[name] = {"cols": cols, "rows": [dict(zip(cols, r, strict=True)) for r in rows]}
    return out


def test_every_revision_upgrades_a_database_holding_rows_in_every_table(empty_database):
    """Step by step from the first revision to the head: before each upgrade every table holds a row, and
    after it every row is still there with every value of every column the step did not add or drop."""
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = empty_database

    app = create_app(Config)
    with app.app_context():
        revisions = _revisions_in_order(app)
        assert len(revisions) > 20
        seeded: set[str] = set()
        before: dict[str, dict] = {}
        for revision in revisions:
            upgrade(revision=revision)
            meta = sa.MetaData()
            meta.reflect(db.engine)
            tables = {t.name: t for t in meta.sorted_tables if t.name != "alembic_version"}
            with db.engine.connect() as conn:
                after = _snapshot(conn, tables)
            for name, was in before.items():
                assert name in after, f"{revision} dropped table {name} and its rows"
                kept = [c for c in was["cols"] if c in after[name]["cols"]]
                old = [{c: r[c] for c in kept} for r in was["rows"]]
                new = [{c: r[c] for c in kept} for r in after[name]["rows"]]
                assert new == old, f"{revision} changed rows of {name}"
            with db.engine.begin() as conn:
                for name, table in tables.items():
                    if name not in seeded and not after[name]["rows"]:  # (a step may have filled it itself)
                        conn.execute(table.insert(), _fill_row(table))
                    seeded.add(name)
            with db.engine.connect() as conn:
                before = _snapshot(conn, tables)
            assert all(snap["rows"] for snap in before.values()), "a table was left empty"
        db.engine.dispose()
