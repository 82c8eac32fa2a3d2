"""Roster enrollment by CSV: parse, check every row against the database, then enroll in one go.

`parse` refuses a file that cannot be a roster (encoding, columns, size). `check` says, row by row,
what confirming would do; it writes nothing and runs a constant number of queries. `confirm` checks
again under a lock on the organization (two confirmations at once queue up, so together they never
exceed the seats) and enrolls every valid row in the caller's transaction.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from app import audit
from app.admin.services import Invitation, create_person
from app.auth.services import normalize_email
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.inputs import CONTROL
from app.main.services import seats_in_use
from app.models import (
    Cohort,
    Enrollment,
    EnrollmentStatus,
    Organization,
    Role,
    RosterImport,
    SupervisorAssignment,
    User,
)
from app.models.orgs import CURRENT_STATUSES
from app.supervision.services import assign_supervisor

MAX_BYTES = 1_000_000
MAX_ROWS = 1_000
MAX_NAME = 60
#: column name in the file (lower case, spaces as underscores) -> field
COLUMNS = {
    "email": "email", "email_address": "email",
    "first_name": "first_name", "firstname": "first_name", "given_name": "first_name",
    "last_name": "last_name", "lastname": "last_name", "surname": "last_name", "family_name": "last_name",
    "supervisor_email": "supervisor_email", "supervisor": "supervisor_email",
    "cohort": "cohort", "cohort_name": "cohort",
}
REQUIRED = ("email", "first_name", "last_name")
HOLDS_SEAT = (*CURRENT_STATUSES, EnrollmentStatus.COMPLETED)

ENROLL, ALREADY, ERROR = "enroll", "already", "error"


class RosterRefused(DomainError):
    pass


def parse(data: bytes) -> list[dict]:
    """The file's rows as dicts of the known columns, with their line numbers; refuses what is not a roster."""
    if len(data) > MAX_BYTES:
        raise RosterRefused(f"The file is larger than {MAX_BYTES // 1_000_000} MB. Split it and upload the parts.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterRefused("The file is not UTF-8 text. In your spreadsheet choose “Save as”, "
                            "then “CSV UTF-8”, and upload that file.") from None
    if "\x00" in text:
        raise RosterRefused("The file is not a CSV file. Save the roster as CSV and upload it again.")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if not header:
            raise RosterRefused("The file is empty. The first line names the columns: email, first_name, last_name.")
        names = [COLUMNS.get(re.sub(r"[\s\-]+", "_", h.strip().lower())) for h in header]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise RosterRefused("The file has no column " + ", ".join(missing) + ". The first line must name the "
                                "columns email, first_name, last_name (and optionally supervisor_email, cohort).")
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) == MAX_ROWS:
                raise RosterRefused(f"The file has more than {MAX_ROWS:,} rows. Upload at most {MAX_ROWS:,} "
                                    "trainees at a time.")
            row = {"line": reader.line_num, "email": "", "first_name": "", "last_name": "",
                   "supervisor_email": "", "cohort": ""}
            for name, value in zip(names, values, strict=False):
                if name:
                    row[name] = value.strip()
            rows.append(row)
    except csv.Error as exc:
        raise RosterRefused(f"The file could not be read as CSV ({exc}).") from None
    if not rows:
        raise RosterRefused("The file has a header line but no trainees.")
    return rows


def create_import(org: Organization, *, filename: str, data: bytes, default_cohort: Cohort | None,
                  actor: User) -> RosterImport:
    if default_cohort is not None and default_cohort.organization_id != org.id:
        raise RosterRefused("Choose one of your organization's cohorts.")
    imp = RosterImport(organization_id=org.id, default_cohort_id=getattr(default_cohort, "id", None),
                       uploaded_by_id=actor.id, filename=(filename or "roster.csv")[:255], rows=parse(data))
    db.session.add(imp)
    db.session.flush()
    return imp


@dataclass
class RowCheck:
    line: int
    email: str
    first_name: str
    last_name: str
    supervisor_email: str
    cohort_name: str
    problems: list[str] = field(default_factory=list)
    cohort: Cohort | None = None
    user: User | None = None
    supervisor: User | None = None
    enrollment: Enrollment | None = None  # an earlier, withdrawn enrollment to reopen

    @property
    def action(self) -> str:
        if self.problems:
            return ERROR
        return ALREADY if self.enrollment is not None and self.enrollment.status in HOLDS_SEAT else ENROLL

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Preview:
    rows: list[RowCheck]
    seat_limit: int
    in_use: int

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def free(self) -> int:
        return max(self.seat_limit - self.in_use, 0)

    @property
    def seats_short(self) -> int:
        return max(self.count(ENROLL) - self.free, 0)

    @property
    def over_seats(self) -> set[int]:
        """Lines of the rows to enroll that do not fit in the free seats (the last ones in the file)."""
        lines = [r.line for r in self.rows if r.action == ENROLL]
        return set(lines[self.free:])

    @property
    def can_confirm(self) -> bool:
        return self.count(ENROLL) > 0 and self.seats_short == 0


def _valid_email(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def check(imp: RosterImport, org: Organization) -> Preview:
    """What confirming would do, row by row. Six queries whatever the roster's length."""
    cohorts = {c.name.strip().lower(): c for c in db.session.scalars(
        sa.select(Cohort).where(Cohort.organization_id == org.id))}
    default = next((c for c in cohorts.values() if c.id == imp.default_cohort_id), None)
    emails = {normalize_email(r["email"]) for r in imp.rows}
    users = {u.email: u for u in db.session.scalars(sa.select(User).where(User.email.in_(emails)))} if emails else {}
    sup_emails = {normalize_email(r["supervisor_email"]) for r in imp.rows if r["supervisor_email"]}
    supervisors = {u.email: u for u in db.session.scalars(sa.select(User).where(
        User.email.in_(sup_emails), User.role == Role.SUPERVISOR, User.is_active.is_(True),
        User.organization_id == org.id))} if sup_emails else {}
    enrollments = {(e.user_id, e.cohort_id): e for e in db.session.scalars(sa.select(Enrollment).where(
        Enrollment.user_id.in_([u.id for u in users.values()]),
        Enrollment.cohort_id.in_([c.id for c in cohorts.values()])))} if users and cohorts else {}
    seen: set[str] = set()
    rows = []
    for raw in imp.rows:
        email = normalize_email(raw["email"])
        row = RowCheck(raw["line"], email, raw["first_name"], raw["last_name"], raw["supervisor_email"],
                       raw["cohort"])
        if not email:
            row.problems.append("The email is missing.")
        elif not _valid_email(email):
            row.problems.append(f"“{raw['email']}” is not a valid email address.")
        elif email in seen:
            row.problems.append("The same email appears on an earlier row of this file.")
        seen.add(email)
        for label, value in (("first name", row.first_name), ("last name", row.last_name)):
            if not value:
                row.problems.append(f"The {label} is missing.")
            elif len(value) > MAX_NAME:
                row.problems.append(f"The {label} is longer than {MAX_NAME} characters.")
            elif CONTROL.search(value) or "\n" in value or "\r" in value:
                row.problems.append(f"The {label} contains a line break or a control character.")
        if row.cohort_name:
            row.cohort = cohorts.get(row.cohort_name.lower())
            if row.cohort is None:
                names = ", ".join(f"“{c.name}”" for c in sorted(cohorts.values(), key=lambda c: c.name))
                row.problems.append(f"Your organization has no cohort named “{row.cohort_name}” (its cohorts: "
                                    f"{names}). Correct the name, or leave the cohort column empty to use the "
                                    "cohort chosen for the upload.")
        else:
            row.cohort = default
            if default is None:
                row.problems.append("No cohort: the cohort column is empty and no cohort was chosen for the "
                                    "upload. Upload again choosing the cohort, or name one in the column.")
        if row.supervisor_email:
            row.supervisor = supervisors.get(normalize_email(row.supervisor_email))
            if row.supervisor is None:
                row.problems.append(f"No active supervisor of your organization has the email "
                                    f"“{row.supervisor_email}”.")
        row.user = users.get(email)
        if row.user is not None:
            if row.user.organization_id != org.id or row.user.role is not Role.TRAINEE:
                row.problems.append("This email belongs to an account that is not one of your organization's "
                                    "trainees. Contact the platform team.")
            elif not row.user.is_active:
                row.problems.append("This trainee's account is deactivated. Contact the platform team.")
            elif row.cohort is not None:
                row.enrollment = enrollments.get((row.user.id, row.cohort.id))
        rows.append(row)
    return Preview(rows=rows, seat_limit=org.seat_limit, in_use=seats_in_use(org.id))


@dataclass(frozen=True)
class Outcome:
    enrolled: int
    invited: int
    skipped: int


def lock_seats(org: Organization) -> None:
    """Concurrent enrollments for one organization queue up here: a no-op update takes the row lock on
    PostgreSQL and the write lock on SQLite, so a seat count after it sees the other one's enrollments."""
    db.session.execute(sa.update(Organization).where(Organization.id == org.id)
                       .values(seat_limit=Organization.seat_limit).execution_options(synchronize_session=False))
    db.session.refresh(org)


def confirm(imp: RosterImport, org: Organization, *, actor: User, invitation: Invitation,
            ip: str | None = None) -> Outcome:
    """Enroll every valid row, all or nothing; rows with problems are left out and listed in the preview."""
    if imp.confirmed_at is not None:
        raise RosterRefused("This roster was already confirmed. Upload the file again to see what is left to do.")
    lock_seats(org)
    preview = check(imp, org)
    if preview.count(ENROLL) == 0:
        raise RosterRefused("Nothing to enroll: every row is already enrolled or has a problem. Nothing changed.")
    if preview.seats_short:
        raise RosterRefused(
            f"The roster needs {preview.count(ENROLL)} seats and your organization has {preview.free} free. "
            f"Remove {preview.seats_short} rows or ask the platform team for more seats. Nothing was enrolled.")
    outcome = _enroll(preview, org, actor=actor, invitation=invitation, ip=ip, source={"roster_import_id": imp.id})
    imp.confirmed_at = utcnow()
    audit.record("roster.confirmed", imp, actor=actor, ip=ip, after={
        "organization_id": org.id, "enrolled": outcome.enrolled, "invited": outcome.invited,
        "skipped": outcome.skipped})
    db.session.flush()
    return outcome


def enroll_one(org: Organization, cohort: Cohort, *, email: str, first_name: str, last_name: str,
               invitation: Invitation, actor: User | None = None, source: dict | None = None
               ) -> tuple[Enrollment, bool]:
    """Enroll one person by email, idempotently (the API's enroll): returns the enrollment and whether it is new.
    The same checks as a roster row; a problem raises RosterRefused with its message."""
    if cohort.organization_id != org.id:
        raise RosterRefused("Choose one of your organization's cohorts.")
    row = {"line": 1, "email": email or "", "first_name": (first_name or "").strip(),
           "last_name": (last_name or "").strip(), "supervisor_email": "", "cohort": ""}
    lock_seats(org)
    preview = check(RosterImport(organization_id=org.id, default_cohort_id=cohort.id, rows=[row]), org)
    (checked,) = preview.rows
    if checked.problems:
        raise RosterRefused(" ".join(checked.problems))
    if checked.action == ALREADY:
        return checked.enrollment, False
    if preview.seats_short:
        raise RosterRefused(f"Your organization has no free seat ({preview.seat_limit} seats, all in use).")
    _enroll(preview, org, actor=actor, invitation=invitation, ip=None, source=source or {})
    db.session.flush()
    enrollment = db.session.scalar(sa.select(Enrollment).join(User, User.id == Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, User.email == checked.email))
    return enrollment, True


def _enroll(preview: Preview, org: Organization, *, actor: User | None, invitation: Invitation, ip: str | None,
            source: dict) -> Outcome:
    users = [r.user.id for r in preview.rows if r.user]
    assigned = set(db.session.execute(sa.select(SupervisorAssignment.trainee_id, SupervisorAssignment.supervisor_id)
                                      .where(SupervisorAssignment.trainee_id.in_(users))).tuples()) if users else set()
    enrolled = invited = 0
    for row in preview.rows:
        if row.action != ENROLL:
            continue
        user = row.user
        if user is None:
            user, _ = create_person(name=row.name, email=row.email, role=Role.TRAINEE, organization=org,
                                    actor=actor, invitation=invitation, ip=ip)
            invited += 1
        if row.enrollment is not None:  # withdrawn earlier: the same enrollment reopens
            before = {"status": row.enrollment.status.value}
            row.enrollment.status = EnrollmentStatus.ACTIVE
            audit.record("enrollment.reopened", row.enrollment, actor=actor, ip=ip, before=before,
                         after={"status": "active", **source})
        else:
            enrollment = Enrollment(cohort_id=row.cohort.id, user_id=user.id, status=EnrollmentStatus.ACTIVE)
            db.session.add(enrollment)
            db.session.flush()
            audit.record("enrollment.created", enrollment, actor=actor, ip=ip, after={
                "cohort_id": row.cohort.id, "user_id": user.id, **source})
        if row.supervisor is not None and (user.id, row.supervisor.id) not in assigned:
            assign_supervisor(user, row.supervisor, actor=actor)
            assigned.add((user.id, row.supervisor.id))
        enrolled += 1
    return Outcome(enrolled=enrolled, invited=invited, skipped=len(preview.rows) - enrolled)
