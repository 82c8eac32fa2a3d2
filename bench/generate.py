"""A deterministic data set at partner scale, written with bulk Core inserts.

`seed(tier)` empties the database, imports every program under courses/ (the ordinary importer) and
then writes organizations, staff, cohorts, trainees and their history with `insert()` and lists of
dicts, ids assigned here so that rows can refer to each other without a round trip. The same tier
and the same day give the same rows (dates are placed relative to today so that cohorts are running).

Tier M is the size the issue measured: 20 organizations, 100 cohorts of 50 trainees, ~52k posts with
one 2,000-post thread, ~122k quiz attempts, ~55k role-plays with ~67k grades, ~62k supervision logs,
4k certificates and 195k audit events. S is a tenth of it, L five times.
"""

from __future__ import annotations

import hashlib
import random
import time as _time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    ApiKey,
    Attendance,
    AttendanceStatus,
    AuditEvent,
    Certificate,
    CertificateStatus,
    Cohort,
    CohortInstructor,
    Course,
    CredentialType,
    DeliveryMode,
    DiscussionPrompt,
    Enrollment,
    EnrollmentStatus,
    GradeRole,
    LectureView,
    LiveSession,
    Module,
    Notification,
    NotificationKind,
    Organization,
    Outcome,
    Post,
    Quiz,
    QuizAttempt,
    Resolution,
    Role,
    RolePlaySubmission,
    RubricGrade,
    Scenario,
    SessionStatus,
    SubmissionStatus,
    SupervisionSession,
    SupervisionType,
    SupervisorAssignment,
    SupervisorCredential,
    Thread,
    User,
)
from app.pacing import cohort_today, session_start, week_number

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench password 123"  # noqa: S105 - every bench account's password; the data is synthetic
API_KEY = "tmk_bench_key_for_the_partner_api_000000"
TZ = "America/New_York"
CHUNK = 5000
SEED_MARK = "bench.seeded"


@dataclass(frozen=True)
class Tier:
    name: str
    orgs: int
    cohorts_per_org: int
    trainees_per_cohort: int
    hot_thread_posts: int
    audit_events: int


TIERS = {
    "S": Tier("S", orgs=4, cohorts_per_org=5, trainees_per_cohort=25, hot_thread_posts=200, audit_events=19_500),
    "M": Tier("M", orgs=20, cohorts_per_org=5, trainees_per_cohort=50, hot_thread_posts=2000, audit_events=195_000),
    "L": Tier("L", orgs=100, cohorts_per_org=5, trainees_per_cohort=50, hot_thread_posts=10_000,
              audit_events=975_000),
}

AUDIT_ACTIONS = ["user.login", "enrollment.created", "supervision.approved", "supervision.returned",
                 "roleplay.graded", "certificate.issued", "exception.granted", "seats.changed", "user.created",
                 "cohort.created", "post.hidden", "api_key.created", "course.imported", "user.role_changed"]


class Ids:
    """Sequential primary keys per table, so rows can name each other before they are written."""

    def __init__(self):
        self.next: dict[str, int] = {}

    def start(self, table: str, first: int) -> None:
        self.next[table] = first

    def __call__(self, table: str) -> int:
        n = self.next.get(table, 1)
        self.next[table] = n + 1
        return n


class Writer:
    """Buffers rows per table and writes them with executemany in chunks."""

    def __init__(self, conn):
        self.conn, self.rows, self.counts = conn, {}, {}

    def add(self, model, **row) -> None:
        table = model.__table__
        buf = self.rows.setdefault(table.name, (table, []))[1]
        buf.append(row)
        if len(buf) >= CHUNK:
            self.flush(table.name)

    def flush(self, name: str | None = None) -> None:
        for tname in ([name] if name else list(self.rows)):
            table, buf = self.rows[tname]
            if buf:
                self.conn.execute(table.insert(), buf)
                self.counts[tname] = self.counts.get(tname, 0) + len(buf)
                buf.clear()


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _import_courses() -> list[Course]:
    from app.curriculum.importer import sync_course
    from app.curriculum.loader import load_course

    for folder in sorted((ROOT / "courses").iterdir()):
        if (folder / "course.toml").is_file():
            sync_course(load_course(folder))
    db.session.commit()
    return list(db.session.scalars(sa.select(Course).order_by(Course.id)))


def _reset_sequences(conn) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c:
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - names from metadata
                                 f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))


def empty_database() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()


def seed(tier_name: str, *, today: date | None = None, echo=print) -> dict[str, int]:
    """Empty the database and write the tier. Returns the row count per table."""
    tier = TIERS[tier_name]
    rng = random.Random(f"bench-{tier.name}")  # noqa: S311 - synthetic data, not secrets
    today = today or cohort_today(TZ)
    started = _time.perf_counter()
    empty_database()
    courses = _import_courses()
    main_course = next(c for c in courses if c.slug == "therapeutic-mentoring")
    plans = {c.id: _course_plan(c) for c in courses}

    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(PASSWORD)
    ids = Ids()
    for table in db.metadata.sorted_tables:
        if "id" in table.c:
            ids.start(table.name, 1 + (db.session.scalar(sa.select(sa.func.max(table.c.id))) or 0))
    db.session.remove()

    created = _at(today - timedelta(days=400))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # the rows are consistent by construction: skip the per-row foreign-key triggers (needs a
            # superuser; without one the seed is only slower) and the wait for the WAL flush
            conn.execute(sa.text("SET LOCAL synchronous_commit = off"))
            try:
                with conn.begin_nested():
                    conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            except sa.exc.DBAPIError:
                pass
        w = Writer(conn)

        def user(role: Role, email: str, name: str, org_id: int | None) -> int:
            uid = ids("users")
            w.add(User, id=uid, email=email, name=name, password_hash=password_hash, role=role,
                  organization_id=org_id, is_active=True, session_version=1, timezone=TZ, calendar_feed_version=1,
                  created_at=created)
            return uid

        admins = [user(Role.ADMIN, f"admin{i}@bench.example", f"Admin {i}", None) for i in range(2)]
        n_cohorts = tier.orgs * tier.cohorts_per_org
        instructors = [user(Role.INSTRUCTOR, f"instructor{i}@bench.example", f"Instructor {i}", None)
                       for i in range(max(2, n_cohorts // 4))]
        cohort_no = 0
        trainee_no = 0
        summary: dict[str, int] = {}
        first_running: dict | None = None
        for o in range(tier.orgs):
            org_id = ids("organizations")
            w.add(Organization, id=org_id, name=f"Partner Organization {o:03d}", slug=f"partner-{o:03d}",
                  seat_limit=tier.cohorts_per_org * tier.trainees_per_cohort + 20, is_active=True, created_at=created)
            w.flush("organizations")
            org_admins = [user(Role.ORG_ADMIN, f"orgadmin{o}.{i}@bench.example", f"Org Admin {o}.{i}", org_id)
                          for i in range(2)]
            supervisors = [user(Role.SUPERVISOR, f"supervisor{o}.{i}@bench.example", f"Supervisor {o}.{i}", org_id)
                           for i in range(5)]
            w.flush("users")
            for s in supervisors:
                w.add(SupervisorCredential, id=ids("supervisor_credentials"), user_id=s,
                      credential_type=CredentialType.LICSW, license_number=f"LIC-{s:06d}", state="MA",
                      expires_on=today + timedelta(days=400), verified_at=created, verified_by_id=admins[0],
                      updated_at=created)
            w.add(ApiKey, id=ids("api_keys"), organization_id=org_id, name="HR system", prefix=API_KEY[:10],
                  key_hash=hashlib.sha256(f"{API_KEY}{o if o else ''}".encode()).hexdigest(),
                  created_by_id=org_admins[0], created_at=created)
            for c in range(tier.cohorts_per_org):
                course = main_course if cohort_no % 5 else courses[cohort_no // 5 % len(courses)]
                plan = plans[course.id]
                running = cohort_no % 5 == 0
                weeks_ago = 3 + (cohort_no // 5) % 9 if running else len(plan["weeks"]) + 2 + cohort_no % 20
                start = today - timedelta(weeks=weeks_ago)
                cohort_id = ids("cohorts")
                w.add(Cohort, id=cohort_id, organization_id=org_id, course_id=course.id,
                      name=f"{course.title[:40]} {o:03d}-{c}", start_date=start, timezone=TZ, created_at=created)
                w.flush("cohorts")
                lead, second = instructors[cohort_no % len(instructors)], instructors[(cohort_no + 1) % len(instructors)]
                w.add(CohortInstructor, id=ids("cohort_instructors"), cohort_id=cohort_id, user_id=lead, is_lead=True)
                w.add(CohortInstructor, id=ids("cohort_instructors"), cohort_id=cohort_id, user_id=second,
                      is_lead=False)
                current = min(week_number(start, today), len(plan["weeks"]))
                sessions = {}
                for wk in plan["weeks"]:
                    sid = ids("live_sessions")
                    sessions[wk] = sid
                    w.add(LiveSession, id=sid, cohort_id=cohort_id, week=wk, duration_minutes=90,
                          starts_at=session_start(start, TZ, wk, weekday_offset=2, local_time=time(18, 0)),
                          join_url="https://meet.example.org/bench", recording_url="", updated_at=created)
                trainees = []
                for _ in range(tier.trainees_per_cohort):
                    uid = user(Role.TRAINEE, f"trainee{trainee_no}@bench.example", f"Trainee {trainee_no}", org_id)
                    trainee_no += 1
                    trainees.append(uid)
                w.flush("users")
                for t, uid in enumerate(trainees):
                    w.add(Enrollment, id=ids("enrollments"), cohort_id=cohort_id, user_id=uid,
                          status=EnrollmentStatus.ACTIVE, created_at=_at(start - timedelta(days=7)))
                    w.add(SupervisorAssignment, id=ids("supervisor_assignments"), trainee_id=uid,
                          supervisor_id=supervisors[t % len(supervisors)], assigned_at=_at(start))
                cohort = {"id": cohort_id, "start": start, "current": current, "plan": plan, "course": course,
                          "trainees": trainees, "sessions": sessions, "lead": lead, "second": second,
                          "supervisors": supervisors, "org_id": org_id, "running": running}
                _history(w, ids, rng, cohort, today, hot=first_running is None and running,
                         hot_posts=tier.hot_thread_posts)
                if running and first_running is None:
                    first_running = cohort
                cohort_no += 1
            w.flush()
        _audit(w, ids, rng, tier.audit_events, admins + instructors, today)
        w.add(AuditEvent, id=ids("audit_events"), created_at=_at(today), actor_id=None, action=SEED_MARK,
              object_type="Bench", object_id=tier.name, before=None, ip=None, after={"tier": tier.name,
                                                                             "today": today.isoformat()})
        w.flush()
        _reset_sequences(conn)
        summary = dict(w.counts)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))
    echo(f"seeded tier {tier.name} in {_time.perf_counter() - started:.1f} s: "
         + ", ".join(f"{k} {v}" for k, v in sorted(summary.items())))
    return summary


def _course_plan(course: Course) -> dict:
    modules = {m.week: m for m in db.session.scalars(sa.select(Module).where(
        Module.course_id == course.id, Module.archived_at.is_(None)))}
    quizzes = {q.module_id: q for q in db.session.scalars(sa.select(Quiz).where(Quiz.course_id == course.id))}
    prompts = {p.module_id: p for p in db.session.scalars(sa.select(DiscussionPrompt).where(
        DiscussionPrompt.course_id == course.id))}
    scenarios = {}
    for s in db.session.scalars(sa.select(Scenario).where(Scenario.course_id == course.id).order_by(Scenario.id)):
        scenarios.setdefault(s.module_id, []).append(s)
    criteria = []
    from app.models import Rubric

    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.course_id == course.id))
    if rubric is not None:
        criteria = [c.key for c in rubric.criteria]
    weeks = {}
    for wk, m in sorted(modules.items()):
        q = quizzes.get(m.id)
        weeks[wk] = {
            "module": m.id,
            "quiz": q.id if q else None,
            "questions": [{"question": x.key, "options": [o["key"] for o in x.options]} for x in q.questions] if q
            else [],
            "prompt": prompts.get(m.id),
            "scenarios": [(s.id, s.assessment == "summative") for s in scenarios.get(m.id, [])],
        }
    return {"weeks": weeks, "criteria": criteria}


def _history(w: Writer, ids: Ids, rng: random.Random, c: dict, today: date, *, hot: bool, hot_posts: int) -> None:
    """Everything the cohort's trainees did in the weeks that have passed."""
    plan, start, current, trainees = c["plan"], c["start"], c["current"], c["trainees"]
    done_weeks = [wk for wk in plan["weeks"] if wk <= current]
    finished = not c["running"]
    lead = c["lead"]
    for wk in done_weeks:
        wp = plan["weeks"][wk]
        day = start + timedelta(weeks=wk - 1, days=2)
        for uid in trainees:
            if finished or rng.random() < 0.9:
                w.add(LectureView, id=ids("lecture_views"), cohort_id=c["id"], module_id=wp["module"], user_id=uid,
                      first_viewed_at=_at(day))
            if wk < current or finished:
                status = AttendanceStatus.PRESENT if finished or rng.random() < 0.88 else AttendanceStatus.ABSENT
                w.add(Attendance, id=ids("attendance"), live_session_id=c["sessions"][wk], user_id=uid, status=status,
                      recorded_by_id=lead, recorded_at=_at(day, 20))
            if wp["quiz"]:
                tries = 1 + (rng.random() < 0.75) + (rng.random() < 0.5)
                for n in range(1, tries + 1):
                    last = n == tries
                    score = rng.randint(85, 100) if last else rng.randint(40, 79)
                    answers = {q["question"]: [q["options"][0]] for q in wp["questions"]}
                    w.add(QuizAttempt, id=ids("quiz_attempts"), quiz_id=wp["quiz"],
                          cohort_id=c["id"], user_id=uid, number=n, started_at=_at(day, 9, n),
                          submitted_at=_at(day, 9, n + 10), layout=wp["questions"], answers=answers,
                          score_percent=score, passed=score >= 80, due_at=None, late=False)
            for scenario_id, _summative in wp["scenarios"]:
                attempts = 1 + (rng.random() < 0.15)
                for a in range(1, attempts + 1):
                    sub_id = ids("roleplay_submissions")
                    last = a == attempts
                    graded = finished or wk < current - 1 or rng.random() < 0.5
                    outcome = (Outcome.PASS if last else Outcome.REVISE) if graded else None
                    double = graded and rng.random() < 0.22
                    w.add(RolePlaySubmission, id=sub_id, scenario_id=scenario_id, cohort_id=c["id"], trainee_id=uid,
                          attempt=a, script="standard",
                          transcript_md="**Mentor:** What brings you here today?\n\n**Youth:** My mom made me.\n\n"
                                        * 6,
                          reflection_md="I used an open question and a reflection. " * 5,
                          submitted_at=_at(day + timedelta(days=1), 10, a),
                          status=SubmissionStatus.FINAL if graded else SubmissionStatus.AWAITING_GRADE,
                          double_mark_reason="sample" if double else None, outcome=outcome,
                          resolution=(Resolution.AGREED if double else Resolution.SINGLE) if graded else None,
                          released_at=_at(day + timedelta(days=3)) if graded else None, version=1)
                    if graded:
                        levels = {k: (3 if outcome is Outcome.PASS else 1) for k in plan["criteria"]}
                        mean = 3.0 if outcome is Outcome.PASS else 1.0
                        for role, grader in ((GradeRole.FIRST, lead), (GradeRole.SECOND, c["second"]))[
                                : 2 if double else 1]:
                            w.add(RubricGrade, id=ids("rubric_grades"), submission_id=sub_id, grader_id=grader,
                                  role=role, levels=levels, comments={}, overall_comment="Clear reflections.",
                                  passed=outcome is Outcome.PASS, mean=mean, created_at=_at(day + timedelta(days=2)))
    _discussion(w, ids, rng, c, done_weeks, hot=hot, hot_posts=hot_posts)
    _supervision(w, ids, rng, c, today)
    if finished:
        _certificates(w, ids, c, today)


def _discussion(w: Writer, ids: Ids, rng: random.Random, c: dict, weeks: list[int], *, hot: bool,
                hot_posts: int) -> None:
    trainees = c["trainees"]
    for wk in weeks:
        prompt = c["plan"]["weeks"][wk]["prompt"]
        if prompt is None:
            continue
        thread_id = ids("threads")
        day = c["start"] + timedelta(weeks=wk - 1, days=1)
        w.add(Thread, id=thread_id, cohort_id=c["id"], week=wk, prompt_id=prompt.id, author_id=None,
              title=prompt.title, pinned=True, locked=False, created_at=_at(day), last_post_at=_at(day, 20))
        is_hot = hot and wk == max(weeks)
        if is_hot:  # the busy thread: hot_posts posts, a fifth of them top-level, the rest replies to those
            tops = []
            for i in range(hot_posts):
                author = trainees[i % len(trainees)]
                pid = ids("posts")
                parent = None if i % 5 == 0 or not tops else tops[rng.randrange(max(0, len(tops) - 20), len(tops))]
                if parent is None:
                    tops.append(pid)
                _post(w, pid, thread_id, author, parent, _at(day, 8) + timedelta(minutes=i))
            continue
        posts = []
        for uid in trainees:
            if rng.random() < 0.75:
                pid = ids("posts")
                _post(w, pid, thread_id, uid, None, _at(day, 12))
                posts.append((pid, uid))
        for uid in trainees:
            if posts and rng.random() < 0.2:
                parent, parent_author = posts[rng.randrange(len(posts))]
                pid = ids("posts")
                _post(w, pid, thread_id, uid, parent, _at(day, 15))
                if parent_author != uid:
                    w.add(Notification, id=ids("notifications"), user_id=parent_author, kind=NotificationKind.REPLY,
                          post_id=pid, actor_id=uid, created_at=_at(day, 15), read_at=_at(day, 18))


_BODY = ("I noticed that **reflective listening** slowed the conversation down in a good way. "
         "When the young person said they were *fine*, I reflected what I saw instead of asking again.\n\n"
         "- an open question first\n- then a reflection\n- then a summary\n")


def _post(w: Writer, pid: int, thread_id: int, author: int, parent: int | None, at: datetime) -> None:
    w.add(Post, id=pid, thread_id=thread_id, parent_id=parent, author_id=author, body_md=_BODY,
          word_count=len(_BODY.split()), created_at=at)


def _supervision(w: Writer, ids: Ids, rng: random.Random, c: dict, today: date) -> None:
    start, trainees, supervisors = c["start"], c["trainees"], c["supervisors"]
    weeks = min((today - start).days // 7, 13)
    for t, uid in enumerate(trainees):
        supervisor = supervisors[t % len(supervisors)]
        for k in range(weeks):
            day = start + timedelta(weeks=k, days=1 + t % 4)
            if day >= today:
                break
            recent = (today - day).days <= 10
            status = SessionStatus.SUBMITTED if recent else SessionStatus.APPROVED
            kind = SupervisionType.LIVE_OBSERVATION if k == 9 else (
                SupervisionType.GROUP if k % 3 == 2 else SupervisionType.INDIVIDUAL)
            w.add(SupervisionSession, id=ids("supervision_sessions"), trainee_id=uid, supervisor_id=supervisor,
                  cohort_id=c["id"], category=None, session_date=day, start_time=time(9 + k % 8, 0),
                  duration_minutes=60 if kind is not SupervisionType.LIVE_OBSERVATION else 45,
                  supervision_type=kind, delivery_mode=DeliveryMode.VIDEO, topics=["case_review", "skill_practice"],
                  summary="Reviewed a session with a young person; practised reflections.", action_items="",
                  status=status, attested_at=_at(day, 12), submitted_at=_at(day, 12),
                  signed_at=None if recent else _at(day + timedelta(days=2)),
                  signature_hash=None if recent else hashlib.sha256(f"{uid}-{k}".encode()).hexdigest(),
                  credential_snapshot=None if recent else {"type": "LICSW", "license_number": f"LIC-{supervisor:06d}",
                                                           "state": "MA", "expires_on": "2030-01-01",
                                                           "verified_at": None},
                  revision=0, created_at=_at(day, 12))


def _certificates(w: Writer, ids: Ids, c: dict, today: date) -> None:
    course = c["course"]
    end = c["start"] + timedelta(weeks=len(c["plan"]["weeks"]))
    issued = max(end + timedelta(days=3), c["start"])
    issued = min(issued, today)
    for uid in c["trainees"]:
        cid = ids("certificates")
        w.add(Certificate, id=cid, uuid=str(uuid.UUID(int=cid)), serial=f"TMC-{issued.year}-{cid:06d}", user_id=uid,
              cohort_id=c["id"], course_id=course.id, course_version=course.version,
              active_key=f"{uid}:{course.id}:{course.version}", issued_at=_at(issued),
              valid_until=issued + timedelta(days=730), status=CertificateStatus.ACTIVE,
              snapshot={"holder": f"Trainee {uid}", "course": course.title, "course_version": course.version,
                        "credential_title": course.title, "disclaimer": "Not a license.", "cohort": "Cohort",
                        "cohort_start": c["start"].isoformat(), "cohort_end": end.isoformat(),
                        "issued": issued.isoformat(), "valid_until": (issued + timedelta(days=730)).isoformat(),
                        "hours": {"lecture": 24, "role_play": 18, "discussion": 12, "supervision_total": 12,
                                  "supervision_individual": 6, "supervision_group": 4, "supervision_observation": 2},
                        "competencies": ["Engagement"], "signatories": ["Program Director"]})


def _audit(w: Writer, ids: Ids, rng: random.Random, n: int, actors: list[int], today: date) -> None:
    base = _at(today - timedelta(days=365))
    step = timedelta(days=365) / max(n, 1)
    for i in range(n):
        action = AUDIT_ACTIONS[rng.randrange(len(AUDIT_ACTIONS))]
        w.add(AuditEvent, id=ids("audit_events"), created_at=base + step * i, actor_id=actors[i % len(actors)],
              action=action, object_type=action.split(".")[0].title(), object_id=str(rng.randrange(1, 5000)),
              before=None, after={"n": i}, ip="127.0.0.1")
