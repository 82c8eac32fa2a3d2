"""Logging supervision sessions, signing them off, amendments and credentials."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app import audit
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Cohort,
    CredentialType,
    DeliveryMode,
    Enrollment,
    Role,
    SessionStatus,
    SupervisionSession,
    SupervisionType,
    SupervisorAssignment,
    SupervisorCredential,
    User,
)
from app.models.orgs import CURRENT_STATUSES
from app.models.supervision import TOPICS
from app.supervision import tell
from app.supervision.phi import find_identifiers

SUMMARY_MAX = 1000


class SupervisionRefused(DomainError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class IdentifiersFound(DomainError):
    def __init__(self, findings: list[str]):
        super().__init__("The summary or action items may contain client identifiers.")
        self.findings = findings


@dataclass
class SessionInput:
    supervisor_id: int
    session_date: date
    start_time: time
    duration_minutes: int
    supervision_type: SupervisionType
    delivery_mode: DeliveryMode
    topics: list[str] = field(default_factory=list)
    summary: str = ""
    action_items: str = ""
    attested: bool = False
    identifiers_confirmed: bool = False
    #: the program (cohort) the hours are for; None when the trainee is in exactly one
    cohort_id: int | None = None
    category: str | None = None


def supervisors_of(trainee: User) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(SupervisorAssignment, SupervisorAssignment.supervisor_id == User.id)
        .where(SupervisorAssignment.trainee_id == trainee.id, User.is_active.is_(True)).order_by(User.name)))


def is_supervisor_of(supervisor: User, trainee_id: int) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SupervisorAssignment).where(
        SupervisorAssignment.supervisor_id == supervisor.id, SupervisorAssignment.trainee_id == trainee_id)) > 0


def training_start(trainee: User) -> date | None:
    """When the trainee's training began: the earliest start of a cohort they are enrolled in."""
    return db.session.scalar(
        sa.select(sa.func.min(Cohort.start_date)).join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.user_id == trainee.id, Enrollment.status.in_(CURRENT_STATUSES)))


def programs_of(trainee: User) -> list[Cohort]:
    """The cohorts (one per program) whose supervision rules apply to the trainee, earliest first."""
    return list(db.session.scalars(
        sa.select(Cohort).join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.user_id == trainee.id, Enrollment.status.in_(CURRENT_STATUSES))
        .order_by(Cohort.start_date, Cohort.id)))


def programs_of_all(trainees: list[User]) -> list[Cohort]:
    """Every cohort whose supervision rules apply to any of these trainees, with its course, in one query."""
    if not trainees:
        return []
    return list(db.session.scalars(
        sa.select(Cohort).options(joinedload(Cohort.course))
        .where(Cohort.id.in_(sa.select(Enrollment.cohort_id).where(
            Enrollment.user_id.in_([t.id for t in trainees]), Enrollment.status.in_(CURRENT_STATUSES))))
        .order_by(Cohort.start_date, Cohort.id)))


def rules_of(cohort: Cohort | None) -> dict:
    """The program's [supervision] rules; empty when it has none."""
    return ((cohort.course.rules or {}).get("supervision") or {}) if cohort else {}


def supervision_rules(trainee: User) -> dict:
    programs = programs_of(trainee)
    return rules_of(programs[0]) if programs else {}


def offered_types(cohorts: list[Cohort]) -> list[str]:
    """Session kinds any of these programs accepts, in the platform's order."""
    offered = {k for c in cohorts for k in rules_of(c).get("session_types", [])}
    return [t.value for t in SupervisionType if t.value in offered]


def categories_of(cohorts: list[Cohort]) -> list[tuple[str, str]]:
    """(key, label) of every hour category these programs define."""
    seen: dict[str, str] = {}
    for c in cohorts:
        for cat in rules_of(c).get("categories", []):
            seen.setdefault(cat["key"], cat["label"])
    return list(seen.items())


def program_for(trainee: User, cohort_id: int | None) -> Cohort:
    programs = programs_of(trainee)
    if not programs:
        raise SupervisionRefused("You need to be enrolled in a cohort to log supervision.")
    if cohort_id is None and len(programs) == 1:
        return programs[0]
    chosen = next((c for c in programs if c.id == cohort_id), None)
    if chosen is None:
        raise SupervisionRefused("Choose the program these hours are for.", "cohort_id")
    return chosen


def _check_rules(rules: dict, kind: str, minutes: int, category: str | None, who: str = "") -> None:
    """The program's own rules for one session: kinds offered, length, category."""
    if not rules:
        raise SupervisionRefused(f"{who}This program has no supervised-practice requirement to log hours for.")
    if kind not in rules.get("session_types", []):
        raise SupervisionRefused(f"{who}This program does not count {kind.replace('_', ' ')} sessions.",
                                 "supervision_type")
    longest = rules.get("max_session_minutes", 480)
    if not 1 <= (minutes or 0) <= longest:
        raise SupervisionRefused(f"{who}A session lasts between 1 and {longest} minutes in this program; "
                                 "log longer days as separate sessions.", "duration_minutes")
    keys = [c["key"] for c in rules.get("categories", [])]
    if keys and category not in keys:
        labels = ", ".join(c["label"] for c in rules["categories"])
        raise SupervisionRefused(f"{who}Choose the hour category this session counts toward ({labels}).", "category")
    if not keys and category:
        raise SupervisionRefused(f"{who}This program has no hour categories; leave the category empty.", "category")


def _check(trainee: User, data: SessionInput, *, ignore_id: int | None = None, revision: int = 0) -> Cohort:
    if data.supervisor_id not in {s.id for s in supervisors_of(trainee)}:
        raise SupervisionRefused("Choose one of your assigned supervisors.", "supervisor_id")
    cohort = program_for(trainee, data.cohort_id)
    _check_rules(rules_of(cohort), data.supervision_type.value, data.duration_minutes, data.category or None)
    today = utcnow().astimezone(ZoneInfo(trainee.timezone)).date()
    if data.session_date > today:
        raise SupervisionRefused("The session date is in the future. Log sessions after they happen.",
                                 "session_date")
    start = training_start(trainee)
    if start is not None and data.session_date < start:
        raise SupervisionRefused(f"The session is before your training started ({start:%B %-d, %Y}).",
                                 "session_date")
    unknown = set(data.topics) - set(TOPICS)
    if unknown:
        raise SupervisionRefused("Choose topics from the list.", "topics")
    if len(data.summary) > SUMMARY_MAX:
        raise SupervisionRefused(f"Keep the summary under {SUMMARY_MAX} characters.", "summary")
    duplicate = db.session.scalar(sa.select(SupervisionSession.id).where(
        SupervisionSession.trainee_id == trainee.id, SupervisionSession.supervisor_id == data.supervisor_id,
        SupervisionSession.session_date == data.session_date, SupervisionSession.start_time == data.start_time,
        SupervisionSession.revision == revision, SupervisionSession.id != (ignore_id or 0)))
    if duplicate:
        raise SupervisionRefused("You already logged a session with this supervisor at this date and time.",
                                 "start_time")
    findings = find_identifiers(f"{data.summary}\n{data.action_items}")
    if findings and not data.identifiers_confirmed:
        raise IdentifiersFound(findings)
    return cohort


def _apply(session: SupervisionSession, data: SessionInput, cohort: Cohort) -> None:
    for name in ("supervisor_id", "session_date", "start_time", "duration_minutes", "supervision_type",
                 "delivery_mode", "topics", "action_items"):
        setattr(session, name, getattr(data, name))
    session.summary = data.summary.strip()
    session.action_items = data.action_items.strip()
    session.cohort_id = cohort.id
    session.category = data.category or None


def _submit(session: SupervisionSession, data: SessionInput, now: datetime, rules: dict,
            tz: str = "UTC") -> None:
    if not data.attested:
        raise SupervisionRefused("Confirm the attestation to submit the session to your supervisor.", "attested")
    window = rules.get("submit_within_days")
    if window and (now.astimezone(ZoneInfo(tz)).date() - data.session_date).days > window:
        raise SupervisionRefused(f"This program takes sessions submitted within {window} days of the session; "
                                 "this one is older. Ask your program director about an exception.", "session_date")
    session.attested_at = session.submitted_at = now
    session.status = SessionStatus.SUBMITTED
    session.return_reason = None


def log_session(trainee: User, data: SessionInput, *, submit: bool, now: datetime | None = None,
                amends: SupervisionSession | None = None) -> SupervisionSession:
    now = now or utcnow()
    revision = amends.revision + 1 if amends else 0
    cohort = _check(trainee, data, revision=revision)
    session = SupervisionSession(trainee_id=trainee.id, revision=revision,
                                 amends_id=amends.id if amends else None)
    _apply(session, data, cohort)
    if submit:
        _submit(session, data, now, {} if amends else rules_of(cohort), trainee.timezone)
    db.session.add(session)
    db.session.flush()
    if submit:
        tell.submitted(session)
    return session


def update_session(session: SupervisionSession, trainee: User, data: SessionInput, *, submit: bool,
                   now: datetime | None = None) -> None:
    if session.trainee_id != trainee.id:
        raise SupervisionRefused("Only the trainee who logged a session can change it.")
    if not session.is_editable:
        raise SupervisionRefused("This session is waiting for, or already has, your supervisor's decision "
                                 "and cannot be changed. Approved sessions are corrected with an amendment.")
    cohort = _check(trainee, data, ignore_id=session.id, revision=session.revision)
    _apply(session, data, cohort)
    if submit:
        _submit(session, data, now or utcnow(), {} if session.amends_id else rules_of(cohort), trainee.timezone)
    db.session.flush()
    if submit:
        tell.submitted(session)


def amend_session(original: SupervisionSession, trainee: User, data: SessionInput, *, submit: bool,
                  now: datetime | None = None) -> SupervisionSession:
    if original.trainee_id != trainee.id or original.status is not SessionStatus.APPROVED:
        raise SupervisionRefused("Only an approved session of your own can be amended.")
    _lock_row(original)  # two amendments started at once: the second sees the first below
    if original.superseded_at is not None:
        raise SupervisionRefused("This session was already corrected by a later amendment; amend that one.")
    pending = db.session.scalar(sa.select(SupervisionSession.id).where(
        SupervisionSession.amends_id == original.id, SupervisionSession.status != SessionStatus.APPROVED))
    if pending:
        raise SupervisionRefused("An amendment of this session is already in progress.")
    return log_session(trainee, data, submit=submit, now=now, amends=original)


def signature_payload(session: SupervisionSession, signer: User, signed_at: datetime) -> str:
    record = {
        "session": session.id, "trainee": session.trainee_id, "supervisor": signer.id,
        "date": session.session_date.isoformat(), "start": session.start_time.isoformat(),
        "minutes": session.duration_minutes, "type": session.supervision_type.value,
        "mode": session.delivery_mode.value, "topics": sorted(session.topics), "summary": session.summary,
        "action_items": session.action_items, "amends": session.amends_id, "signed_at": signed_at.isoformat(),
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


def credential_of(user: User) -> SupervisorCredential | None:
    return db.session.scalar(sa.select(SupervisorCredential).where(SupervisorCredential.user_id == user.id))


def _decidable(session: SupervisionSession, supervisor: User) -> None:
    if session.trainee_id == supervisor.id:
        raise SupervisionRefused("No one can approve their own session.")
    if session.supervisor_id != supervisor.id:
        raise SupervisionRefused("Only the supervisor named on the session can decide on it.")
    if session.status is SessionStatus.APPROVED:
        raise SupervisionRefused("This session is already approved and locked.")
    if session.status is not SessionStatus.SUBMITTED:
        raise SupervisionRefused("This session is not waiting for a decision (it was returned or is a draft).")


def _transition(session: SupervisionSession, expected: SessionStatus, new: SessionStatus) -> None:
    """Move the session from `expected` to `new` in one conditional UPDATE. Of two decisions made at once
    (approve and return, or a double click) the database lets exactly one through; the other is refused
    and writes nothing."""
    moved = db.session.execute(
        sa.update(SupervisionSession)
        .where(SupervisionSession.id == session.id, SupervisionSession.status == expected)
        .values(status=new).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        db.session.refresh(session)
        raise SupervisionRefused(f"This session was just {session.status.value.replace('_', ' ')} by another "
                                 "request; nothing was changed. Reload the page to see it.")
    session.status = new


def _lock_row(session: SupervisionSession) -> None:
    """Queue concurrent changes to one session here (a row lock on PostgreSQL, the write lock on SQLite)."""
    db.session.execute(sa.update(SupervisionSession).where(SupervisionSession.id == session.id)
                       .values(revision=SupervisionSession.revision).execution_options(synchronize_session=False))
    db.session.refresh(session)


def approve_session(session: SupervisionSession, supervisor: User, *, password: str,
                    now: datetime | None = None, ip: str | None = None) -> None:
    """Sign a session: the supervisor's password, a hash of the record and their credential that day."""
    _decidable(session, supervisor)
    if not supervisor.check_password(password or ""):
        raise SupervisionRefused("Your password is not correct; the session was not signed.", "password")
    cred = credential_of(supervisor)
    if cred is None or not cred.valid_on(session.session_date):
        raise SupervisionRefused(
            "Your credential is not verified, or had expired on the session date, so you cannot approve it. "
            "Ask your organization's administrator to verify your current license.")
    now = now or utcnow()
    _transition(session, SessionStatus.SUBMITTED, SessionStatus.APPROVED)
    session.signed_at = now
    session.signature_hash = hashlib.sha256(signature_payload(session, supervisor, now).encode()).hexdigest()
    session.credential_snapshot = cred.snapshot()
    if session.amends_id:
        original = db.session.get(SupervisionSession, session.amends_id)
        original.superseded_at = now
    audit.record("supervision.approved", session, actor=supervisor, ip=ip,
                 before={"status": "submitted"},
                 after={"status": "approved", "signature_hash": session.signature_hash,
                        "credential": session.credential_snapshot, "amends": session.amends_id})
    db.session.flush()
    tell.approved(session)


def return_session(session: SupervisionSession, supervisor: User, *, reason: str,
                   now: datetime | None = None, ip: str | None = None) -> None:
    _decidable(session, supervisor)
    reason = (reason or "").strip()
    if not reason:
        raise SupervisionRefused("Say what the trainee should change.", "reason")
    _transition(session, SessionStatus.SUBMITTED, SessionStatus.RETURNED)
    session.return_reason = reason[:1000]
    session.returned_at = now or utcnow()
    audit.record("supervision.returned", session, actor=supervisor, ip=ip,
                 before={"status": "submitted"}, after={"status": "returned", "reason": session.return_reason})
    db.session.flush()
    tell.returned(session)


def queue_for(supervisor: User) -> list[SupervisionSession]:
    """Submitted sessions, oldest first, with their trainees loaded in the same query (the page names each)."""
    return list(db.session.scalars(
        sa.select(SupervisionSession).options(joinedload(SupervisionSession.trainee))
        .where(SupervisionSession.supervisor_id == supervisor.id, SupervisionSession.status == SessionStatus.SUBMITTED)
        .order_by(SupervisionSession.submitted_at)))


# Credentials ------------------------------------------------------------------

def save_credential(user: User, *, credential_type: CredentialType, license_number: str, state: str,
                    expires_on: date) -> SupervisorCredential:
    cred = credential_of(user)
    before = cred.snapshot() if cred else None
    if cred is None:
        cred = SupervisorCredential(user_id=user.id)
        db.session.add(cred)
    cred.credential_type, cred.license_number = credential_type, license_number.strip()
    cred.state, cred.expires_on = state.strip().upper(), expires_on
    cred.verified_at = cred.verified_by_id = None  # a changed credential must be verified again
    db.session.flush()
    audit.record("credential.saved", cred, actor=user, before=before, after=cred.snapshot())
    return cred


def verify_credential(cred: SupervisorCredential, actor: User, *, now: datetime | None = None) -> None:
    cred.verified_at, cred.verified_by_id = now or utcnow(), actor.id
    audit.record("credential.verified", cred, actor=actor, after=cred.snapshot())
    db.session.flush()


def supervisors_with_credentials(viewer: User, *, organization_id: int | None = None
                                 ) -> list[tuple[User, SupervisorCredential | None]]:
    """Supervisors an admin may verify: all for platform admins, their own organization's for org admins;
    `organization_id` narrows a platform admin's list to one organization."""
    stmt = (sa.select(User, SupervisorCredential)
            .outerjoin(SupervisorCredential, SupervisorCredential.user_id == User.id)
            .where(User.role == Role.SUPERVISOR).order_by(User.name))
    if viewer.role is not Role.ADMIN:
        stmt = stmt.where(User.organization_id == viewer.organization_id)
    if organization_id is not None:
        stmt = stmt.where(User.organization_id == organization_id)
    return [tuple(row) for row in db.session.execute(stmt)]


# Group sessions -----------------------------------------------------------------

@dataclass
class GroupInput:
    attendee_ids: list[int]
    session_date: date
    start_time: time
    duration_minutes: int
    delivery_mode: DeliveryMode
    topics: list[str] = field(default_factory=list)
    summary: str = ""
    action_items: str = ""
    identifiers_confirmed: bool = False
    category: str | None = None


def _group_program(trainee: User) -> Cohort | None:
    """The attendee's program that counts group supervision (the earliest, when several do)."""
    return next((c for c in programs_of(trainee) if "group" in rules_of(c).get("session_types", [])), None)


def create_group_session(supervisor: User, data: GroupInput, *, password: str, now: datetime | None = None,
                         ip: str | None = None) -> list[SupervisionSession]:
    """The supervisor records and signs a group session; each attendee then confirms their own row."""
    now = now or utcnow()
    if not supervisor.check_password(password or ""):
        raise SupervisionRefused("Your password is not correct; the group session was not created.", "password")
    supervisees = {u.id: u for u in supervisees_of(supervisor)}
    if len(set(data.attendee_ids)) < 2:
        raise SupervisionRefused("A group session has at least two attendees.", "attendee_ids")
    if not set(data.attendee_ids) <= set(supervisees):
        raise SupervisionRefused("Attendees must be your supervisees.", "attendee_ids")
    cred = credential_of(supervisor)
    if cred is None or not cred.valid_on(data.session_date):
        raise SupervisionRefused("Your credential is not verified, or had expired on the session date.")
    rows = []
    key = str(uuid.uuid4())
    for uid in sorted(set(data.attendee_ids)):
        trainee = supervisees[uid]
        program = _group_program(trainee)
        single = SessionInput(supervisor_id=supervisor.id, session_date=data.session_date,
                              start_time=data.start_time, duration_minutes=data.duration_minutes,
                              supervision_type=SupervisionType.GROUP, delivery_mode=data.delivery_mode,
                              topics=data.topics, summary=data.summary, action_items=data.action_items,
                              identifiers_confirmed=data.identifiers_confirmed,
                              cohort_id=program.id if program else -1, category=data.category)
        try:
            if program is None:
                raise SupervisionRefused("their program does not count group supervision.", "attendee_ids")
            cap = rules_of(program).get("group_max_size")
            if cap and len(set(data.attendee_ids)) > cap:
                raise SupervisionRefused(f"their program counts group sessions of at most {cap} attendees.",
                                         "attendee_ids")
            cohort = _check(trainee, single)
        except SupervisionRefused as exc:
            raise SupervisionRefused(f"{trainee.name}: {exc}", exc.field) from None
        row = SupervisionSession(trainee_id=uid, group_key=key, status=SessionStatus.TO_CONFIRM,
                                 submitted_at=now, signed_at=now, credential_snapshot=cred.snapshot())
        _apply(row, single, cohort)
        db.session.add(row)
        db.session.flush()
        row.signature_hash = hashlib.sha256(signature_payload(row, supervisor, now).encode()).hexdigest()
        rows.append(row)
    audit.record("supervision.group_created", rows[0], actor=supervisor, ip=ip,
                 after={"group_key": key, "attendees": [r.trainee_id for r in rows],
                        "date": data.session_date.isoformat(), "minutes": data.duration_minutes})
    db.session.flush()
    return rows


def _own_pending(session: SupervisionSession, trainee: User) -> None:
    if session.trainee_id != trainee.id:
        raise SupervisionRefused("Only the attendee can confirm their own attendance.")
    if session.status is not SessionStatus.TO_CONFIRM:
        raise SupervisionRefused("This group session is not waiting for your confirmation.")


def confirm_group_session(session: SupervisionSession, trainee: User, *, now: datetime | None = None) -> None:
    _own_pending(session, trainee)
    _transition(session, SessionStatus.TO_CONFIRM, SessionStatus.APPROVED)
    session.attested_at = now or utcnow()
    audit.record("supervision.group_confirmed", session, actor=trainee, after={"status": "approved"})
    db.session.flush()


def decline_group_session(session: SupervisionSession, trainee: User, *, reason: str) -> None:
    _own_pending(session, trainee)
    if not (reason or "").strip():
        raise SupervisionRefused("Say why you are declining (for example, you did not attend).", "reason")
    _transition(session, SessionStatus.TO_CONFIRM, SessionStatus.DECLINED)
    session.return_reason = reason.strip()[:1000]
    audit.record("supervision.group_declined", session, actor=trainee, after={"reason": session.return_reason})
    db.session.flush()


def supervisees_of(supervisor: User) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(SupervisorAssignment, SupervisorAssignment.trainee_id == User.id)
        .where(SupervisorAssignment.supervisor_id == supervisor.id, User.is_active.is_(True)).order_by(User.name)))


# Assignments ----------------------------------------------------------------------

def assign_supervisor(trainee: User, supervisor: User, *, actor: User) -> SupervisorAssignment:
    if trainee.role is not Role.TRAINEE or supervisor.role is not Role.SUPERVISOR:
        raise SupervisionRefused("Choose a trainee and a supervisor.")
    existing = db.session.scalar(sa.select(SupervisorAssignment).where(
        SupervisorAssignment.trainee_id == trainee.id, SupervisorAssignment.supervisor_id == supervisor.id))
    if existing:
        raise SupervisionRefused(f"{supervisor.name} already supervises {trainee.name}.")
    row = SupervisorAssignment(trainee_id=trainee.id, supervisor_id=supervisor.id)
    db.session.add(row)
    db.session.flush()
    audit.record("supervisor.assigned", row, actor=actor, after={"trainee_id": trainee.id,
                                                                 "supervisor_id": supervisor.id})
    return row


def unassign_supervisor(row: SupervisorAssignment, *, actor: User) -> None:
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionSession).where(
        SupervisionSession.trainee_id == row.trainee_id, SupervisionSession.supervisor_id == row.supervisor_id,
        SupervisionSession.status.in_((SessionStatus.SUBMITTED, SessionStatus.TO_CONFIRM))))
    if waiting:
        raise SupervisionRefused(f"{waiting} session(s) still wait for this supervisor's decision; "
                                 "have them decided first.")
    audit.record("supervisor.unassigned", row, actor=actor, before={"trainee_id": row.trainee_id,
                                                                    "supervisor_id": row.supervisor_id})
    db.session.delete(row)
    db.session.flush()


def assignment_rows(viewer: User) -> tuple[list[tuple[User, list[SupervisorAssignment]]], list[User]]:
    """Trainees the viewer manages with their assignments, and the supervisors they may assign."""
    trainees = sa.select(User).where(User.role == Role.TRAINEE, User.is_active.is_(True)).order_by(User.name)
    supervisors = sa.select(User).where(User.role == Role.SUPERVISOR, User.is_active.is_(True)).order_by(User.name)
    if viewer.role is not Role.ADMIN:
        trainees = trainees.where(User.organization_id == viewer.organization_id)
        supervisors = supervisors.where(User.organization_id == viewer.organization_id)
    trainee_list = list(db.session.scalars(trainees.limit(500)))
    by_trainee: dict[int, list[SupervisorAssignment]] = {}
    for a in db.session.scalars(sa.select(SupervisorAssignment).options(selectinload(SupervisorAssignment.supervisor))
                                .where(SupervisorAssignment.trainee_id.in_([t.id for t in trainee_list]))):
        by_trainee.setdefault(a.trainee_id, []).append(a)
    return [(t, by_trainee.get(t.id, [])) for t in trainee_list], list(db.session.scalars(supervisors))
