"""What a page view costs: no writes on GET, and a number of SQL statements that does not grow with data.

The first test crawls every GET route of `app.url_map` as each persona (URL parameters filled from the
seeded people, as the route matrix does) with a statement listener: a GET never writes.

The second test counts each page's statements at two sizes: the small seed, and the same seed with more
trainees, posts, quiz attempts, role-plays, supervision logs, certificates and audit events. The counts
must be equal (a page whose cost grows with history is an N+1 or an unbounded list), and at most
`MAX_STATEMENTS`, except the pages in `CEILINGS` that do not reach it yet: their recorded count is a
ceiling that may only go down.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Role
from app.privacy import registry
from tests import factories
from tests.web.test_route_matrix import LOGIN, MATRIX, PERSONAS, _url_args

WRITES = ("INSERT", "UPDATE", "DELETE")
NOISE = ("SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN")
MAX_STATEMENTS = 10

#: GETs that write today, each with the reason; the crawl fails on any other write
KNOWN_WRITES: dict[str, str] = {
    "discuss.thread": "reading a thread moves the reader's read marker and marks its notifications read",
    "supervision.statement": "each downloaded hours statement is recorded so that its reference can be verified",
}

#: (endpoint, persona) -> statements per view as measured when this test was written, for the pages that do not
#: reach MAX_STATEMENTS yet (mostly the eligibility engine's loaders and the layout's fixed cost; issue 17).
#: Each is a ceiling: lower it when a page gets cheaper, never raise it.
#: the "Your data" page: one count per exported table of the privacy registry, plus the user and the session
PRIVACY_PAGE = len(registry.exported_tables()) + 2

CEILINGS: dict[tuple[str, str], int] = {
    ("admin.cohort", "admin"): 22,
    ("certificates.cohort_certification", "instructor"): 22,
    ("certificates.cohort_certification", "org_admin"): 21,
    ("certificates.cohort_certification", "admin"): 21,
    # + the trainee's organization, for "share with your organization" (issue 14)
    ("certificates.mine", "trainee"): 24,
    # the cohort's load factors (supervision against plan, overdue work) run the engine for the cohort (issue 22)
    # "Your data" counts what is held in each registered table, one statement per table (issue 16); the
    # erasure page shows the same counts before the admin confirms. It grows with the registry, never with data.
    **{("privacy.mine", p): PRIVACY_PAGE for p in ("trainee", "instructor", "supervisor", "org_admin", "admin",
                                                 "other_org")},
    ("privacy.erase", "admin"): PRIVACY_PAGE + 1,
    ("wellbeing.cohort_signals", "org_admin"): 23,
    ("wellbeing.cohort_signals", "admin"): 23,
    # + sessions with each supervisor's credential, role-play minutes and the competencies (issue 14)
    ("certificates.transcript_pdf", "trainee"): 23,
    ("discuss.thread", "trainee"): 11,
    ("discuss.thread", "instructor"): 11,
    # + the week's prompt text and the reader's own answer, to lead the page with answering it (issue 18)
    ("discuss.week", "trainee"): 28,
    ("discuss.week", "instructor"): 14,
    ("discuss.week", "admin"): 13,
    ("exceptions.trainee", "instructor"): 36,
    ("exceptions.trainee", "admin"): 36,
    ("learn.attempt_result", "trainee"): 11,
    ("learn.attempt_result", "instructor"): 13,
    ("learn.attempt_result", "admin"): 12,
    ("learn.attendance", "instructor"): 11,
    ("learn.quiz", "trainee"): 11,
    ("learn.week", "trainee"): 25,
    ("learn.week", "instructor"): 11,
    ("learn.week_progress", "instructor"): 24,
    ("learn.week_progress", "org_admin"): 23,
    ("learn.week_progress", "admin"): 23,
    ("main.dashboard", "trainee"): 25,
    # what needs the instructor: role-plays to grade, open reports, attendance not taken (three counts, issue 18)
    ("main.dashboard", "instructor"): 11,
    ("partners.cohort", "org_admin"): 23,
    ("partners.cohort", "admin"): 23,
    ("partners.export_cohort", "org_admin"): 20,
    ("partners.export_cohort", "admin"): 20,
    ("partners.trainee", "org_admin"): 20,
    ("partners.trainee", "admin"): 20,
    ("roleplay.grade", "instructor"): 12,
    ("roleplay.gradebook_page", "instructor"): 11,
    # + whether the week is a crisis week, for "I need to talk to someone" (issue 22)
    ("roleplay.scenario", "trainee"): 14,
    ("roleplay.scenario", "instructor"): 11,
    ("roleplay.submission", "instructor"): 12,
    ("roleplay.submission", "admin"): 11,
}

GET_ENDPOINTS = sorted(e for e, (method, _) in MATRIX.items() if method == "GET")


class Statements:
    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def _record(self, conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(NOISE):
            self.seen.append(statement)

    def __enter__(self):
        self.seen = []
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def writes(self) -> list[str]:
        return [s for s in self.seen if s.lstrip().upper().startswith(WRITES)]


def _url(app, people, endpoint: str) -> str:
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = {k: v for k, v in _url_args(people, endpoint).items() if k in rule.arguments}
    with app.test_request_context():
        return url_for(endpoint, **args)


def _clients(login_as):
    return {persona: login_as(persona) for persona in PERSONAS}


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_a_get_never_writes(app, db, people, login_as, endpoint):
    url = _url(app, people, endpoint)
    clients = _clients(login_as)
    wrote = {}
    for persona, client in clients.items():
        with Statements(db.engine) as statements:
            client.get(url).get_data()
        if statements.writes and endpoint not in KNOWN_WRITES:
            wrote[persona] = statements.writes
    assert wrote == {}, f"GET {url} wrote"


def grow(people, *, trainees: int) -> None:
    """More of everything around the seeded people: the same pages, a longer history."""
    from app.db import utcnow
    from app.extensions import db
    from app.models import SessionStatus

    cohort, thread, quiz = people["cohort"], people["thread"], people["quiz"]
    scenario = db.session.get(type(people["submission"].scenario), people["submission"].scenario_id)
    supervisor, trainee = people["supervisor"], people["trainee"]
    others = []
    for i in range(trainees):
        t = factories.make_user(Role.TRAINEE, organization_id=people["org_a"].id, name=f"Grown Trainee {i}")
        factories.make_enrollment(cohort, t)
        factories.make_assignment(t, supervisor)
        others.append(t)
    for i, t in enumerate(others):
        top = factories.make_post(thread, t)
        factories.make_post(thread, trainee, parent=top)
        factories.make_attempt(quiz, cohort, t, submitted=True, score_percent=90, passed=True)
        factories.make_submission(scenario, cohort, t)
        factories.make_supervision(t, supervisor, session_date=utcnow().date() - timedelta(days=2 + i))
        factories.make_supervision(t, supervisor, status=SessionStatus.APPROVED,
                                   session_date=utcnow().date() - timedelta(days=20 + i))
        factories.make_certificate(t, cohort)
        factories.make_audit(actor_id=people["admin"].id, action=f"grown.action{i}", object_type=f"Grown{i}")
    for i in range(3):
        factories.make_attempt(quiz, cohort, trainee, submitted=True, score_percent=50, passed=False)
        factories.make_supervision(trainee, supervisor, status=SessionStatus.APPROVED,
                                   session_date=utcnow().date() - timedelta(days=40 + i))
    db.session.commit()


def _counts(app, db, people, clients, endpoint) -> dict[str, int]:
    method, expected = MATRIX[endpoint]
    url = _url(app, people, endpoint)
    counts = {}
    for persona, answer in zip(PERSONAS, expected, strict=True):
        if answer == LOGIN or answer >= 400:
            continue
        client = clients[persona]
        client.get(url).get_data()  # warm: first-request caches are not what this test is about
        with Statements(db.engine) as statements:
            client.get(url).get_data()
        counts[persona] = len(statements.seen)
    return counts


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_statement_count_does_not_grow_with_data(app, db, people, login_as, endpoint):
    clients = _clients(login_as)
    grow(people, trainees=1)  # one of everything, so that no list is empty at the small size
    small = _counts(app, db, people, clients, endpoint)
    grow(people, trainees=6)
    large = _counts(app, db, people, clients, endpoint)
    assert large == small, f"{endpoint}: statements per view grew with the data: {small} -> {large}"
    over = {p: n for p, n in small.items() if n > CEILINGS.get((endpoint, p), MAX_STATEMENTS)}
    assert over == {}, f"{endpoint}: more than {MAX_STATEMENTS} statements (or its recorded ceiling): {small}"


@pytest.mark.xfail(strict=True, reason="issue 17, left to do: a week's prompt thread is still opened by the first "
                                       "GET of the week's discussion page; it belongs to an event (the week opening)")
def test_the_first_look_at_a_week_discussion_writes_nothing(running_cohort, app, db):
    from tests.conftest import login

    client = app.test_client()
    login(client, running_cohort["trainee"])
    with Statements(db.engine) as statements:
        client.get(f"/cohorts/{running_cohort['cohort'].id}/weeks/2/discussion").get_data()
    assert statements.writes == []
