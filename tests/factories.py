"""Factories for every model: `make_*(**overrides)` adds, flushes and returns."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.models import (
    ApiKey,
    AuditEvent,
    AuthToken,
    CalibrationExemplar,
    Certificate,
    Cohort,
    CohortInstructor,
    Course,
    CredentialType,
    DeliveryMode,
    DiscussionPrompt,
    Enrollment,
    LiveSession,
    Module,
    Organization,
    OutboxMessage,
    Post,
    Question,
    Quiz,
    QuizAttempt,
    Role,
    RolePlaySubmission,
    RosterImport,
    Rubric,
    RubricCriterion,
    Scenario,
    SessionStatus,
    SupervisionSession,
    SupervisionType,
    SupervisorAssignment,
    SupervisorCredential,
    Thread,
    TokenPurpose,
    User,
)

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
_hashes: dict[str, str] = {}  # scrypt is slow on purpose; hash each test password once


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def make_org(**kw) -> Organization:
    n = next(_seq)
    return _add(Organization(**{"name": f"Org {n}", "slug": f"org-{n}", "seat_limit": 20, **kw}))


def make_user(role: Role = Role.TRAINEE, *, password: str = PASSWORD, **kw) -> User:
    n = next(_seq)
    user = User(**{"email": f"user{n}@example.org", "name": f"Test {role.label} {n}", "role": role, **kw})
    if password not in _hashes:
        user.set_password(password)
        _hashes[password] = user.password_hash
    user.password_hash = _hashes[password]
    return _add(user)


def make_course(**kw) -> Course:
    n = next(_seq)
    return _add(Course(**{"slug": f"course-{n}", "title": f"Course {n}", "version": "1", **kw}))


def make_module(course: Course, week: int = 1, **kw) -> Module:
    n = next(_seq)
    return _add(Module(**{"course_id": course.id, "slug": f"module-{n}", "week": week,
                          "title": f"Week {week}", **kw}))


def make_scenario(module: Module, **kw) -> Scenario:
    n = next(_seq)
    return _add(Scenario(**{"course_id": module.course_id, "module_id": module.id, "slug": f"scenario-{n}",
                            "title": f"Scenario {n}", "assessment": "formative", **kw}))


def make_discussion_prompt(module: Module, **kw) -> DiscussionPrompt:
    n = next(_seq)
    return _add(DiscussionPrompt(**{"course_id": module.course_id, "module_id": module.id,
                                    "slug": f"prompt-{n}", "title": f"Prompt {n}", "prompt_md": "Discuss.",
                                    **kw}))


def make_quiz(module: Module, **kw) -> Quiz:
    n = next(_seq)
    return _add(Quiz(**{"course_id": module.course_id, "module_id": module.id, "slug": f"quiz-{n}",
                        "title": f"Quiz {n}", "pass_percent": 80, "max_attempts": 3, **kw}))


def make_question(quiz: Quiz, **kw) -> Question:
    n = next(_seq)
    options = [{"key": "o1", "text": "Yes", "correct": True, "feedback": "Right."},
               {"key": "o2", "text": "No", "correct": False, "feedback": "Not quite."}]
    return _add(Question(**{"quiz_id": quiz.id, "key": f"q{n}", "position": n, "kind": "single",
                            "prompt_md": "Pick one", "options": options, **kw}))


def make_rubric(course: Course, **kw) -> Rubric:
    n = next(_seq)
    return _add(Rubric(**{"course_id": course.id, "slug": f"rubric-{n}", "title": "Rubric", **kw}))


def make_criterion(rubric: Rubric, **kw) -> RubricCriterion:
    n = next(_seq)
    return _add(RubricCriterion(**{"rubric_id": rubric.id, "key": f"crit-{n}", "position": n,
                                   "title": f"Criterion {n}", "anchors": ["a", "b", "c", "d"], **kw}))


def make_cohort(course: Course, org: Organization | None = None, *, start: date | None = None,
                instructors: tuple[User, ...] = (), **kw) -> Cohort:
    n = next(_seq)
    cohort = _add(Cohort(**{"name": f"Cohort {n}", "course_id": course.id,
                            "organization_id": org.id if org else None,
                            "start_date": start or date.today() - timedelta(weeks=3), **kw}))
    for i, person in enumerate(instructors):
        _add(CohortInstructor(cohort_id=cohort.id, user_id=person.id, is_lead=i == 0))
    return cohort


def make_live_session(cohort: Cohort, week: int = 1, **kw) -> LiveSession:
    start = datetime.combine(cohort.start_date, time(18, 0), tzinfo=UTC) + timedelta(weeks=week - 1)
    return _add(LiveSession(**{"cohort_id": cohort.id, "week": week, "starts_at": start,
                               "duration_minutes": 90, **kw}))


def make_attempt(quiz: Quiz, cohort: Cohort, user: User, *, submitted: bool = False, **kw) -> QuizAttempt:
    n = 1 + db.session.query(QuizAttempt).filter_by(quiz_id=quiz.id, cohort_id=cohort.id, user_id=user.id).count()
    layout = [{"question": q.key, "options": [o["key"] for o in q.options]} for q in quiz.questions]
    values = {"quiz_id": quiz.id, "cohort_id": cohort.id, "user_id": user.id, "number": n, "layout": layout}
    if submitted:
        values.update(submitted_at=utcnow(), answers={}, score_percent=0, passed=False)
    return _add(QuizAttempt(**{**values, **kw}))


def make_credential(supervisor: User, *, verified: bool = True, **kw) -> SupervisorCredential:
    return _add(SupervisorCredential(**{
        "user_id": supervisor.id, "credential_type": CredentialType.LICSW, "license_number": "LIC-12345",
        "state": "MA", "expires_on": date.today() + timedelta(days=365),
        "verified_at": utcnow() if verified else None, **kw}))


def make_supervision(trainee: User, supervisor: User, *, status: SessionStatus = SessionStatus.SUBMITTED,
                     **kw) -> SupervisionSession:
    n = next(_seq)
    if "cohort_id" not in kw:  # the trainee's first program, as when they log it with one enrollment
        kw["cohort_id"] = db.session.scalar(sa.select(Enrollment.cohort_id).join(Cohort).where(
            Enrollment.user_id == trainee.id).order_by(Cohort.start_date, Cohort.id))
    values = {"trainee_id": trainee.id, "supervisor_id": supervisor.id,
              "session_date": date.today() - timedelta(days=1), "start_time": time(9, n % 60),
              "duration_minutes": 60, "supervision_type": SupervisionType.INDIVIDUAL,
              "delivery_mode": DeliveryMode.VIDEO, "topics": ["case_review"], "summary": "Worked on OARS.",
              "status": status, "submitted_at": utcnow() if status is not SessionStatus.DRAFT else None}
    return _add(SupervisionSession(**{**values, **kw}))


def make_certificate(user: User, cohort: Cohort, **kw) -> Certificate:
    import uuid

    n = next(_seq)
    values = {"uuid": str(uuid.uuid4()), "serial": f"TMC-2026-{n:06d}", "user_id": user.id, "cohort_id": cohort.id,
              "course_id": cohort.course_id, "course_version": "1", "active_key": f"{user.id}:{cohort.course_id}:1",
              "valid_until": date.today() + timedelta(days=730),
              "snapshot": {"holder": user.name, "course": "Course", "course_version": "1", "credential_title": "Cert",
                           "disclaimer": "Not a license.", "cohort": cohort.name, "cohort_start": "2026-01-01",
                           "cohort_end": "2026-03-25", "issued": "2026-03-30", "valid_until": "2028-03-30",
                           "hours": {"lecture": 24, "role_play": 18, "discussion": 12, "supervision_total": 12,
                                     "supervision_individual": 6, "supervision_group": 4, "supervision_observation": 2},
                           "competencies": ["Engagement"], "signatories": ["Program Director"]}}
    return _add(Certificate(**{**values, **kw}))
def make_thread(cohort: Cohort, week: int = 1, *, prompt: DiscussionPrompt | None = None, **kw) -> Thread:
    n = next(_seq)
    title = prompt.title if prompt else f"Thread {n}"
    return _add(Thread(**{"cohort_id": cohort.id, "week": week, "prompt_id": prompt.id if prompt else None,
                          "title": title, **kw}))


def make_prompt_thread(cohort: Cohort, week: int) -> Thread:
    """The cohort's thread for the week's imported prompt."""
    import sqlalchemy as sa

    prompt = db.session.scalar(sa.select(DiscussionPrompt).join(Module, Module.id == DiscussionPrompt.module_id)
                               .where(Module.course_id == cohort.course_id, Module.week == week))
    return make_thread(cohort, week, prompt=prompt, pinned=True)


def make_post(thread: Thread, author: User, *, words: int = 20, parent: Post | None = None, **kw) -> Post:
    body = kw.pop("body_md", None) or " ".join(["word"] * words)
    return _add(Post(**{"thread_id": thread.id, "author_id": author.id, "body_md": body,
                        "word_count": len(body.split()), "parent_id": parent.id if parent else None, **kw}))


def take_part(thread: Thread, trainee: User, peers: list[User], *, words: int = 150, replies: int = 2,
              at: datetime | None = None) -> Post:
    """A trainee's initial post of `words` words and `replies` replies to posts by peers,
    written `at` (by default the second day of the thread's week, so they count)."""
    if at is None:
        cohort = db.session.get(Cohort, thread.cohort_id)
        at = datetime.combine(cohort.start_date + timedelta(weeks=thread.week - 1, days=1), time(12, 0), tzinfo=UTC)
    own = make_post(thread, trainee, words=words, created_at=at)
    for i in range(replies):
        peer_post = make_post(thread, peers[i % len(peers)], words=5, created_at=at)
        make_post(thread, trainee, parent=peer_post, words=10, created_at=at)
    return own


def make_enrollment(cohort: Cohort, user: User, **kw) -> Enrollment:
    return _add(Enrollment(cohort_id=cohort.id, user_id=user.id, **kw))


def make_roster_import(org: Organization, cohort: Cohort | None = None, *, rows: list[dict] | None = None,
                       **kw) -> RosterImport:
    rows = rows if rows is not None else [{"line": 2, "email": f"new{next(_seq)}@example.org", "first_name": "New",
                                           "last_name": "Trainee", "supervisor_email": "", "cohort": ""}]
    return _add(RosterImport(**{"organization_id": org.id, "default_cohort_id": cohort.id if cohort else None,
                                "filename": "roster.csv", "rows": rows, **kw}))


def make_api_key(org: Organization, **kw) -> tuple[ApiKey, str]:
    """A key and its raw value (what a partner system sends)."""
    import hashlib

    raw = f"tmk_test{next(_seq):032d}"
    key = _add(ApiKey(**{"organization_id": org.id, "name": "HR system", "prefix": raw[:10],
                         "key_hash": hashlib.sha256(raw.encode()).hexdigest(), **kw}))
    return key, raw


def make_assignment(trainee: User, supervisor: User) -> SupervisorAssignment:
    return _add(SupervisorAssignment(trainee_id=trainee.id, supervisor_id=supervisor.id))


def make_token(user: User, **kw) -> AuthToken:
    n = next(_seq)
    now = utcnow()
    return _add(AuthToken(**{"user_id": user.id, "purpose": TokenPurpose.PASSWORD_RESET,
                             "token_hash": f"{n:064d}", "expires_at": now + timedelta(hours=1), **kw}))


def make_outbox(**kw) -> OutboxMessage:
    return _add(OutboxMessage(**{"to_address": "x@example.org", "subject": "Hi", "body": "Body", **kw}))


def make_audit(**kw) -> AuditEvent:
    return _add(AuditEvent(**{"action": "test", "object_type": "Thing", **kw}))


def make_submission(scenario: Scenario, cohort: Cohort, trainee: User, **kw) -> RolePlaySubmission:
    n = 1 + db.session.query(RolePlaySubmission).filter_by(
        scenario_id=scenario.id, cohort_id=cohort.id, trainee_id=trainee.id).count()
    return _add(RolePlaySubmission(**{"scenario_id": scenario.id, "cohort_id": cohort.id, "trainee_id": trainee.id,
                                      "attempt": n, "transcript_md": "**Mentor:** Hi.", **kw}))


def make_exemplar(rubric: Rubric, creator: User, **kw) -> CalibrationExemplar:
    levels = {c.key: 3 for c in rubric.criteria}
    return _add(CalibrationExemplar(**{"rubric_id": rubric.id, "title": "Exemplar", "transcript_md": "Text",
                                       "reference_levels": levels, "created_by_id": creator.id, **kw}))


def make_people() -> dict:
    """Org A with a cohort, its staff and trainee; org B with its own admin."""
    org_a, org_b = make_org(name="Org A"), make_org(name="Org B")
    course = make_course()
    module = make_module(course, 1, live_minutes=90)
    prompt = make_discussion_prompt(module)
    quiz = make_quiz(module)
    make_question(quiz)
    scenario = make_scenario(module, assessment="summative")
    rubric = make_rubric(course, levels=[{"value": v, "label": f"Level {v}"} for v in (1, 2, 3, 4)],
                         pass_rule={"min_level": 2, "min_mean": 2.75})
    for _ in range(3):
        make_criterion(rubric)
    instructor = make_user(Role.INSTRUCTOR)
    cohort = make_cohort(course, org_a, instructors=(instructor,))
    session = make_live_session(cohort, 1)
    trainee = make_user(Role.TRAINEE, organization_id=org_a.id)
    enrollment = make_enrollment(cohort, trainee)
    attempt = make_attempt(quiz, cohort, trainee, submitted=True)
    thread = make_thread(cohort, 1, prompt=prompt)
    post = make_post(thread, trainee)
    supervisor = make_user(Role.SUPERVISOR, organization_id=org_a.id)
    assignment = make_assignment(trainee, supervisor)
    make_credential(supervisor)
    supervision = make_supervision(trainee, supervisor)
    certificate = make_certificate(trainee, cohort)
    submission = make_submission(scenario, cohort, trainee)
    admin = make_user(Role.ADMIN)
    db.session.refresh(rubric)
    exemplar = make_exemplar(rubric, admin)
    people = {
        "trainee": trainee,
        "instructor": instructor,
        "supervisor": supervisor,
        "org_admin": make_user(Role.ORG_ADMIN, organization_id=org_a.id),
        "admin": admin,
        "other_org": make_user(Role.ORG_ADMIN, organization_id=org_b.id),
        "other_trainee": make_user(Role.TRAINEE, organization_id=org_b.id),
        "cohort": cohort,
        "quiz": quiz,
        "attempt": attempt,
        "submission": submission,
        "exemplar": exemplar,
        "live_session": session,
        "supervision": supervision,
        "certificate": certificate,
        "assignment": assignment,
        "thread": thread,
        "post": post,
        "course": course,
        "org_a": org_a,
        "org_b": org_b,
        "enrollment": enrollment,
        "roster_import": make_roster_import(org_a, cohort),
        "api_key": make_api_key(org_a)[0],
    }
    db.session.commit()
    return people
