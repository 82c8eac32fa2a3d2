"""The in-process runner: the Flask test client, no network, no server.

For each page it reports the SQL statements of one request (a `before_cursor_execute` listener),
the rows those statements fetched, the response's bytes, and its median time as a ratio to the
trivial authenticated page of the same app (`/__bench__/floor`): 1.0 is as fast as the floor,
0.25 is four times slower. Rounds are interleaved (every page once per round, the floor between
them) so that drift on a shared machine touches every page alike, and bounded by `--rounds` and
`--seconds`.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field

import sqlalchemy as sa

from bench.app import FLOOR_PATH
from bench.generate import PASSWORD
from bench.pages import Page

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
WRITES = ("INSERT", "UPDATE", "DELETE")


class _CountingCursor:
    """Wraps a DBAPI cursor to count the rows a result fetches."""

    def __init__(self, cursor, probe):
        self._cursor, self._probe = cursor, probe

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def fetchall(self):
        rows = self._cursor.fetchall()
        self._probe.rows += len(rows)
        return rows

    def fetchmany(self, *args):
        rows = self._cursor.fetchmany(*args)
        self._probe.rows += len(rows)
        return rows

    def fetchone(self):
        row = self._cursor.fetchone()
        self._probe.rows += row is not None
        return row


class Probe:
    """Counts statements, rows fetched and writes on an engine while active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []
        self.rows = 0

    @property
    def writes(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith(WRITES)]

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "BEGIN")):
            self.statements.append(statement)
        if context is not None and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            context.cursor = _CountingCursor(cursor, self)

    def __enter__(self):
        self.statements, self.rows = [], 0
        sa.event.listen(self.engine, "before_cursor_execute", self._before)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._before)


@dataclass
class Result:
    page: Page
    status: int = 0
    statements: int = 0
    rows: int = 0
    writes: int = 0
    size: int = 0
    times: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def login(app, email: str | None):
    client = app.test_client()
    if email is None:
        return client
    page = client.get("/login").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")
    return client


def _timed(client, url: str, headers: dict) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    data = response.get_data()
    return time.perf_counter() - started, (response, data)


def run(app, cast, *, rounds: int = 7, seconds: float = 120.0, warmup: int = 1, echo=print) -> tuple[list[Result],
                                                                                                     Result]:
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    clients = {role: login(app, email) for role, email in cast.emails.items()}
    clients["anonymous"] = clients["api"] = app.test_client()
    floor = Result(Page("trainee", "floor (trivial authenticated page)", FLOOR_PATH))
    results = [Result(p) for p in cast.pages]
    # one measured request per page for the counts, after a warm-up request (caches, templates)
    for r in [floor, *results]:
        client = clients[r.page.role]
        for _ in range(warmup):
            client.get(r.page.url, headers=r.page.headers).get_data()
        with Probe(engine) as probe:
            response = client.get(r.page.url, headers=r.page.headers)
            body = response.get_data()
        r.status, r.size = response.status_code, len(body)
        r.statements, r.rows, r.writes = len(probe.statements), probe.rows, len(probe.writes)
    deadline = time.monotonic() + seconds
    done = 0
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        for r in results:
            floor.times.append(_timed(clients["trainee"], FLOOR_PATH, {})[0])
            r.times.append(_timed(clients[r.page.role], r.page.url, r.page.headers)[0])
        done += 1
    echo(f"{done} interleaved rounds")
    return results, floor


def table(results: list[Result], floor: Result) -> str:
    head = (f"{'role':<11} {'page':<24} {'status':>6} {'SQL':>4} {'rows':>7} {'writes':>6} {'bytes':>8} "
            f"{'median ms':>9} {'x floor':>7}")
    lines = [head, "-" * len(head)]
    f = floor.median
    lines.append(f"{'(floor)':<11} {'trivial authed page':<24} {floor.status:>6} {floor.statements:>4} "
                 f"{floor.rows:>7} {floor.writes:>6} {floor.size:>8} {f * 1000:>9.2f} {1.0:>7.3f}")
    for r in results:
        lines.append(f"{r.page.role:<11} {r.page.name:<24} {r.status:>6} {r.statements:>4} {r.rows:>7} "
                     f"{r.writes:>6} {r.size:>8} {r.median * 1000:>9.2f} {f / r.median:>7.3f}")
    return "\n".join(lines)
