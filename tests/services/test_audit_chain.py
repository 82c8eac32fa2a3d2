"""The audit log is a hash chain, and the database itself keeps it append-only.

Every entry's hash covers its fields and the hash of the entry before it, so `flask audit verify`
finds any entry changed, removed or inserted behind the app's back. The tampering here steps around
the triggers as someone with the table owner's rights could (dropping them on SQLite, replica mode on
PostgreSQL); the app's own path to the table is refused.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app.audit import record, verify_chain
from app.extensions import db as _db
from app.models import AuditEvent, Organization, Role
from app.models.audit import GENESIS, SQLITE_TRIGGERS, hash_of
from tests import factories


def postgres(db) -> bool:
    return db.engine.dialect.name == "postgresql"


@contextmanager
def triggers_stepped_around(db):
    """A connection on which the append-only triggers do not fire, as for an attacker who owns the table."""
    with db.engine.begin() as conn:
        if postgres(db):
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        else:
            for name in SQLITE_TRIGGERS:
                conn.execute(sa.text(f"DROP TRIGGER {name}"))
        yield conn
        if not postgres(db):
            for ddl in SQLITE_TRIGGERS.values():
                conn.execute(sa.text(ddl))


def entries(db) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)))


@pytest.fixture
def five(db):
    """Five entries written in three transactions, one of them holding three entries."""
    admin = factories.make_user(Role.ADMIN)
    org = factories.make_org()
    record("org.created", org, actor=admin, after={"name": org.name, "seats": [1, 2], "note": "Zoë\u202e"})
    db.session.commit()
    for i in range(3):
        record("org.renamed", org, actor=admin, before={"i": i}, after={"i": i + 1}, ip="2001:db8::1")
    db.session.commit()
    record("org.deactivated", org)
    db.session.commit()
    return entries(db)


def test_each_entry_is_chained_to_the_one_before(five, db):
    assert [e.id for e in five] == [1, 2, 3, 4, 5]
    assert five[0].prev_hash == GENESIS
    for before, after in zip(five, five[1:], strict=False):
        assert after.prev_hash == before.hash
    assert all(e.hash == hash_of(e, e.prev_hash) for e in five)
    assert len({e.hash for e in five}) == 5
    report = verify_chain(batch=2)  # across batches
    assert report.whole and report.entries == 5 and report.head_id == 5 and report.head_hash == five[-1].hash


def test_verify_says_the_chain_is_whole(five, runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"The audit chain is whole: 5 entries, the last is 5 with hash {five[-1].hash}." in result.output


def test_verify_on_an_empty_log(runner):
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "empty" in result.output


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'rewritten' WHERE id = 2",
    "UPDATE audit_events SET after = NULL",
    "DELETE FROM audit_events WHERE id = 2",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_raw_updates_and_deletes(five, db, statement):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.text(statement))
    assert [(e.id, e.action, e.hash) for e in entries(db)] == [(e.id, e.action, e.hash) for e in five]


def test_the_database_refuses_bulk_updates_and_deletes_through_the_orm(five, db):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.update(AuditEvent).values(ip=None))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.id > 3))
    db.session.rollback()
    assert verify_chain().entries == 5


def test_postgresql_refuses_truncate_even_by_cascade(five, db):
    if not postgres(db):
        pytest.skip("TRUNCATE is PostgreSQL's")
    db.session.rollback()  # TRUNCATE waits for every open transaction that read the table
    for statement in ("TRUNCATE audit_events", "TRUNCATE users CASCADE"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only: TRUNCATE refused"), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert verify_chain().entries == 5


def test_verify_finds_a_changed_entry(five, db, runner):
    with triggers_stepped_around(db) as conn:
        conn.execute(sa.text("UPDATE audit_events SET after = :after WHERE id = 3"), {"after": '{"i": 9}'})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "Audit chain broken at entry 3 (entry 3 in order)" in result.output
    assert "it was changed after it was written" in result.output


def test_verify_finds_a_changed_time(five, db):
    with triggers_stepped_around(db) as conn:
        conn.execute(sa.update(AuditEvent.__table__).where(AuditEvent.id == 4)
                     .values(created_at=five[3].created_at.replace(year=2020)))
    assert verify_chain().broken_id == 4


def test_verify_finds_a_removed_entry(five, db, runner):
    with triggers_stepped_around(db) as conn:
        conn.execute(sa.text("DELETE FROM audit_events WHERE id = 3"))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "broken at entry 4" in result.output and "the entry before it, 2, has hash" in result.output


def test_verify_finds_the_first_entry_removed(five, db):
    with triggers_stepped_around(db) as conn:
        conn.execute(sa.text("DELETE FROM audit_events WHERE id = 1"))
    report = verify_chain()
    assert report.broken_id == 2 and "earlier entries were removed" in report.problem


def test_verify_finds_an_entry_changed_and_re_hashed(five, db):
    """Re-hashing the changed entry moves the break to the next one, which still names the old hash."""
    forged = AuditEvent(**{c: getattr(five[2], c) for c in ("id", "created_at", "actor_id", "object_type",
                                                             "object_id", "before", "after", "ip")},
                        action="org.something_else")
    with triggers_stepped_around(db) as conn:
        conn.execute(sa.text("UPDATE audit_events SET action = :a, hash = :h WHERE id = 3"),
                     {"a": forged.action, "h": hash_of(forged, five[2].prev_hash)})
    report = verify_chain()
    assert report.broken_id == 4 and "entry 3 was changed and re-hashed" in report.problem


def test_verify_finds_an_entry_inserted_without_the_chain(five, db):
    with db.engine.begin() as conn:  # inserting is allowed: it is how entries are written
        conn.execute(sa.text("INSERT INTO audit_events (id, created_at, action, object_type) "
                             "VALUES (6, :t, 'forged', 'Thing')"), {"t": five[0].created_at})
    report = verify_chain()
    assert report.broken_id == 6
    record("after.forgery", five[0])  # the app keeps writing, chained after the unchained row
    db.session.commit()
    assert verify_chain().broken_id == 6


def test_concurrent_writers_keep_one_chain(app, db):
    """Real threads, each in its own transaction, write audit entries released at the same moment."""
    writers, per_writer = 6, 3
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []
    pg = postgres(db)
    org_id = factories.make_org().id
    db.session.commit()

    def write(n: int) -> None:
        with app.app_context():
            try:
                org = _db.session.get(Organization, org_id)
                if pg:  # already inside a transaction with other writes, as a request would be
                    _db.session.add(Organization(name=f"Racing {n}", slug=f"racing-{n}", seat_limit=1))
                    _db.session.flush()
                for i in range(per_writer):
                    record("race", org, after={"writer": n, "i": i})
                barrier.wait(timeout=20)
                _db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    chain = entries(db)
    assert len(chain) == writers * per_writer
    assert len({e.prev_hash for e in chain}) == len(chain)
    report = verify_chain()
    assert report.whole and report.entries == writers * per_writer, report
    for n in range(writers):  # each transaction's entries stay together, in the order it wrote them
        mine = [e for e in chain if e.after["writer"] == n]
        assert [e.after["i"] for e in mine] == list(range(per_writer))
        assert mine[-1].id - mine[0].id == per_writer - 1


def test_the_documented_app_role_appends_but_cannot_change_or_remove(five, db):
    """docs/postgres-app-role.sql, run as written: the app works under that role, and the role can neither
    change the audit log nor step around its triggers."""
    if not postgres(db):
        pytest.skip("roles and grants are PostgreSQL's")
    from pathlib import Path
    from uuid import uuid4

    from app import create_app
    from config import TestingConfig

    role = f"test_app_{uuid4().hex[:10]}"
    org_id = int(five[0].object_id)  # read now: inside the other app, this session would use its engine
    script = (Path(__file__).resolve().parents[2] / "docs" / "postgres-app-role.sql").read_text()
    body = "\n".join(line for line in script.splitlines() if not line.lstrip().startswith("--"))
    db.session.rollback()
    with db.engine.begin() as conn:
        for statement in filter(None, (s.strip() for s in body.replace("tm_app", role).split(";"))):
            conn.execute(sa.text(statement))
        conn.execute(sa.text(f"ALTER ROLE {role} PASSWORD 'role-test'"))
    try:
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = db.engine.url.set(username=role, password="role-test").render_as_string(
                hide_password=False)

        restricted = create_app(Config)
        with restricted.app_context():
            org = _db.session.get(Organization, org_id)
            org.name = "Renamed under the app's role"  # an ordinary table: read and write
            record("org.renamed", org, after={"name": org.name})
            _db.session.commit()
            assert verify_chain().entries == 6
            for statement in ("UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events",
                              "TRUNCATE audit_events", "ALTER TABLE audit_events DISABLE TRIGGER ALL",
                              "DROP TRIGGER audit_events_append_only ON audit_events",
                              "SET session_replication_role = replica"):
                refused = pytest.raises(sa.exc.DBAPIError, match="permission denied|must be owner")
                with refused, _db.engine.begin() as conn:
                    conn.execute(sa.text(statement))
            _db.session.remove()
            _db.engine.dispose()
    finally:
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
    assert verify_chain().whole
