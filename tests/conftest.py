"""Shared fixtures: one app per test session on the chosen database, a clean
database for every test, clients logged in per role, and the real course.

The database comes from TEST_DATABASE_URL (PostgreSQL in CI's second run);
by default a SQLite file in a temporary folder, so a live server thread in the
browser tests sees the same data as the test itself.
"""

from __future__ import annotations

import contextvars
import os
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db as _db
from config import TestingConfig, _database_url
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
COURSE_DIR = ROOT / "courses" / "therapeutic-mentoring"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives real Chromium through Playwright")
    config.addinivalue_line("markers", "runs_last: checks what the other tests of its file did; runs after them")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The suite runs in a random order (pytest-randomly); a `runs_last` test still runs after the rest."""
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return _database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Flask reuses an already-pushed app context for a request, which would share
    `g` (and the signed-in user) and the database session between the test and
    the requests it makes. Afterwards the test's own session starts a fresh
    transaction, so it sees what the request committed.
    """

    def open(self, *args, **kwargs):
        def isolated():
            _cv_app.set(None)
            return FlaskClient.open(self, *args, **kwargs)

        response = contextvars.copy_context().run(isolated)
        if _cv_app.get(None) is not None:
            session = _db.session()
            if not (session.new or session.dirty or session.deleted):
                session.rollback()
        return response


@pytest.fixture(autouse=True)
def _limiter_follows_the_test_app(request):
    """Flask-Limiter keeps `enabled` on its one shared object, so building a production-config app (as
    test_config does) would switch limits on for every later test. Each test starts from the test app's
    setting, and any test that built another app is undone afterwards."""
    from app.extensions import limiter

    if "app" in request.fixturenames:
        limiter.enabled = request.getfixturevalue("app").config["RATELIMIT_ENABLED"]
    yield


@pytest.fixture(autouse=True)
def _config_restored(request):
    """Whatever a test changes in the shared app's configuration (a live server's address as the public
    base URL, say) is put back after it, so no test depends on the order the suite runs in."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    saved = dict(app.config)
    yield
    app.config.clear()
    app.config.update(saved)


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        ISSUER_KEY_DIR = str(tmp_path_factory.mktemp("issuer-keys"))
        JOBS_URL = f"sqlite:///{tmp_path_factory.mktemp('jobs') / 'jobs.db'}"

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _empty_all_tables() -> None:
    """Empty every table, the append-only audit log included: its triggers refuse that, so this test-only
    cleanup steps around them (PostgreSQL: replica mode, which fires no ordinary trigger, for this
    transaction only; SQLite: the triggers are dropped and re-created in the same transaction)."""
    from app.models.audit import SQLITE_TRIGGERS

    tables = _db.metadata.sorted_tables
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for name in SQLITE_TRIGGERS:
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {name}"))
            for table in reversed(tables):
                conn.execute(table.delete())
            for ddl in SQLITE_TRIGGERS.values():
                conn.execute(sa.text(ddl))


@pytest.fixture
def db(app):
    """The database, emptied after the test. Code under test may commit freely."""
    with app.app_context():
        yield _db
        _db.session.remove()
        _empty_all_tables()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def course(db):
    """The real therapeutic-mentoring course, imported."""
    from app.curriculum.importer import sync_course
    from app.curriculum.loader import load_course

    sync_course(load_course(COURSE_DIR))
    db.session.commit()
    from app.models import Course

    return db.session.scalar(sa.select(Course))


def csrf_token(client, path: str = "/__csrf__") -> str:
    """The CSRF token from a page's layout (by default a 404 page, which every visitor can get)."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_META.search(page)
    assert match, f"no CSRF token on {path}: {page[:300]}"
    return match.group(1)


def login(client, user, password: str = factories.PASSWORD):
    token = csrf_token(client)
    return client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})


@pytest.fixture
def people(db):
    """Two organizations and one user per role, plus a user of the other organization."""
    return factories.make_people()


@pytest.fixture
def login_as(app, people):
    def _login(who: str):
        c = app.test_client()
        if who != "anonymous":
            response = login(c, people[who])
            assert response.status_code == 302, f"{who} could not sign in"
        return c

    return _login


@pytest.fixture
def running_cohort(course, db):
    """The real course, a cohort in its fourth week with live sessions, an instructor and two trainees."""
    from datetime import timedelta

    from app.learn.services import schedule_live_sessions
    from app.models import Role
    from app.pacing import cohort_today

    org = factories.make_org()
    instructor = factories.make_user(Role.INSTRUCTOR, name="Ines Instructor")
    cohort = factories.make_cohort(course, org, instructors=(instructor,),
                                   start=cohort_today("America/New_York") - timedelta(weeks=3))
    trainee = factories.make_user(Role.TRAINEE, organization_id=org.id, name="Tara Trainee")
    peer = factories.make_user(Role.TRAINEE, organization_id=org.id, name="Pat Peer")
    for person in (trainee, peer):
        factories.make_enrollment(cohort, person)
    schedule_live_sessions(cohort)
    db.session.commit()
    return {"cohort": cohort, "course": course, "org": org, "instructor": instructor, "trainee": trainee,
            "peer": peer}


@pytest.fixture
def discussing_cohort(running_cohort, db):
    """The running cohort with the thread of its current week's (week 4's) discussion prompt."""
    rc = dict(running_cohort)
    rc["thread"] = factories.make_prompt_thread(rc["cohort"], 4)
    db.session.commit()
    return rc


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _count(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def supervised(running_cohort, db):
    """A trainee of the running cohort with an assigned, verified supervisor and an org admin."""
    from app.models import Role

    rc = running_cohort
    supervisor = factories.make_user(Role.SUPERVISOR, organization_id=rc["org"].id, name="Sam Supervisor")
    factories.make_credential(supervisor)
    factories.make_assignment(rc["trainee"], supervisor)
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=rc["org"].id, name="Olga Orgadmin")
    db.session.commit()
    return {**rc, "supervisor": supervisor, "org_admin": org_admin}


@pytest.fixture
def nearly_complete(course, db):
    """A trainee in a cohort that started 13 weeks ago with every requirement met except the
    code of conduct and the final sign-off (both still to do)."""
    from datetime import date, timedelta

    from app.learn.services import schedule_live_sessions
    from app.models import (
        Attendance,
        AttendanceStatus,
        GradeRole,
        LectureView,
        LiveSession,
        Outcome,
        Role,
        Rubric,
        RubricCriterion,
        RubricGrade,
        SubmissionStatus,
        SupervisionType,
    )
    from app.pacing import cohort_today, unlock_at

    org = factories.make_org()
    lead = factories.make_user(Role.INSTRUCTOR, name="Lena Lead")
    start = cohort_today("America/New_York") - timedelta(weeks=13)
    cohort = factories.make_cohort(course, org, instructors=(lead,), start=start)
    trainee = factories.make_user(Role.TRAINEE, organization_id=org.id, name="Cora Complete")
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    factories.make_enrollment(cohort, trainee)
    peer = factories.make_user(Role.TRAINEE, organization_id=org.id, name="Piper Peer")
    factories.make_enrollment(cohort, peer)
    supervisor = factories.make_user(Role.SUPERVISOR, organization_id=org.id)
    license_ = factories.make_credential(supervisor)
    factories.make_assignment(trainee, supervisor)
    # graded at the program's demonstrated level on every criterion but the last
    criteria = db.session.scalars(sa.select(RubricCriterion.key).join(Rubric).where(Rubric.course_id == course.id)
                                  .order_by(RubricCriterion.position)).all()
    levels = {key: 3 for key in criteria} | {criteria[-1]: 2}
    schedule_live_sessions(cohort)
    for module in course.modules:
        on_time = unlock_at(start, cohort.timezone, module.week) + timedelta(days=2)  # well before it is due
        factories.take_part(factories.make_prompt_thread(cohort, module.week), trainee, [peer], at=on_time)
        db.session.add(LectureView(cohort_id=cohort.id, module_id=module.id, user_id=trainee.id,
                                   first_viewed_at=on_time))
        quiz = module.quizzes[0]
        factories.make_attempt(quiz, cohort, trainee, submitted=True, score_percent=100, passed=True,
                               started_at=on_time, submitted_at=on_time)
        for scenario in module.scenarios:
            if scenario.is_summative:
                sub = factories.make_submission(scenario, cohort, trainee, status=SubmissionStatus.FINAL,
                                                outcome=Outcome.PASS, submitted_at=on_time, released_at=on_time)
                db.session.add(RubricGrade(submission_id=sub.id, grader_id=lead.id, role=GradeRole.FIRST,
                                           levels=levels, passed=True, mean=3.0, created_at=on_time))
    for session in db.session.scalars(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id)):
        db.session.add(Attendance(live_session_id=session.id, user_id=trainee.id, status=AttendanceStatus.PRESENT,
                                  recorded_by_id=lead.id))
    for week in range(8):
        factories.make_supervision(trainee, supervisor, session_date=start + timedelta(weeks=week, days=1),
                                   duration_minutes=90, status=factories.SessionStatus.APPROVED,
                                   credential_snapshot=license_.snapshot())
    factories.make_supervision(trainee, supervisor, session_date=start + timedelta(weeks=9, days=1),
                               duration_minutes=45, supervision_type=SupervisionType.LIVE_OBSERVATION,
                               status=factories.SessionStatus.APPROVED, credential_snapshot=license_.snapshot())
    db.session.commit()
    assert date.today() > start
    return {"cohort": cohort, "course": course, "trainee": trainee, "lead": lead, "org_admin": org_admin,
            "supervisor": supervisor}


def issuer_settings(app):
    from app.certificates.services import IssuerSettings

    return IssuerSettings.from_config(app.config)


@pytest.fixture
def roleplay_cohort(running_cohort, db, app, tmp_path, monkeypatch):
    """`running_cohort` with every week open, two more (non-lead) instructors and uploads in a temp folder."""
    from app.models import CohortInstructor, Role, WeekUnlock

    rc = dict(running_cohort)
    cohort = rc["cohort"]
    for week in range(4, 13):
        db.session.add(WeekUnlock(cohort_id=cohort.id, week=week, unlocked_by_id=rc["instructor"].id))
    rc["lead"] = rc["instructor"]
    for key, name in (("grader_a", "Gil Grader"), ("grader_b", "Hana Second")):
        rc[key] = factories.make_user(Role.INSTRUCTOR, name=name)
        db.session.add(CohortInstructor(cohort_id=cohort.id, user_id=rc[key].id, is_lead=False))
    db.session.commit()
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path / "uploads"))
    rc["upload_dir"] = tmp_path / "uploads"
    return rc


def set_course_rules(db, course, section: str, **changes):
    """Change one table of the course's rules for one test (a new dict, so SQLAlchemy sees the change)."""
    rules = dict(course.rules)
    rules[section] = {**rules.get(section, {}), **changes}
    course.rules = rules
    db.session.commit()


def set_role_play_rules(db, course, **changes):
    """Change the course's [role_play] rules for one test."""
    set_course_rules(db, course, "role_play", **changes)


def race(app, actions) -> list[str]:
    """Run each action at the same moment in its own thread and app context, as concurrent requests would.

    Each outcome is "ok", the message of a DomainError, or "locked" (SQLite may tell a loser that the
    database is locked); each thread commits on success and rolls back otherwise."""
    import threading

    from app.errors import DomainError

    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action):
        with app.app_context():
            try:
                prepared = action()
                barrier.wait(timeout=10)
                prepared()
                _db.session.commit()
                outcomes.append("ok")
            except DomainError as exc:
                _db.session.rollback()
                outcomes.append(str(exc))
            except sa.exc.OperationalError:
                _db.session.rollback()
                outcomes.append("locked")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes
