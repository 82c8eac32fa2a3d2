"""Open enrollment without a partner organization.

Signing up writes nothing: it mails a signed, expiring confirmation link (so an address that is not
yours cannot be enrolled, and nobody learns whether an address has an account). Confirming enrolls,
under a lock on the cohort so the last place is never given twice, and sends the set-password invitation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload

from app import audit
from app.admin.services import Invitation, _invite, user_snapshot
from app.auth.services import find_user_by_email, normalize_email
from app.errors import DomainError
from app.extensions import db
from app.mailer import queue_mail
from app.models import Cohort, Enrollment, EnrollmentStatus, Role, User
from app.models.orgs import CURRENT_STATUSES

SALT = "open-enrollment"


class SignupRefused(DomainError):
    pass


def places_taken(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Enrollment.cohort_id, sa.func.count()).where(
            Enrollment.cohort_id.in_(cohort_ids),
            Enrollment.status.in_((*CURRENT_STATUSES, EnrollmentStatus.COMPLETED)))
        .group_by(Enrollment.cohort_id)).all())


def open_cohorts(today: date) -> list[tuple[Cohort, int]]:
    """Upcoming open cohorts with the places left, soonest first."""
    cohorts = list(db.session.scalars(sa.select(Cohort).options(selectinload(Cohort.course)).where(
        Cohort.open_seats.is_not(None), Cohort.organization_id.is_(None), Cohort.start_date > today)
        .order_by(Cohort.start_date, Cohort.id)))
    taken = places_taken([c.id for c in cohorts])
    return [(c, max(c.open_seats - taken.get(c.id, 0), 0)) for c in cohorts]


def is_open(cohort: Cohort, today: date) -> bool:
    return cohort.open_seats is not None and cohort.organization_id is None and cohort.start_date > today


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def request_signup(cohort: Cohort, *, name: str, email: str, today: date, secret: str,
                   link_for: Callable[[str], str], hours: int, backend: str) -> None:
    """Mail a confirmation link to the address; says the same whether or not it has an account."""
    if not is_open(cohort, today):
        raise SignupRefused("This cohort is not open for sign-up.")
    name, email = name.strip(), normalize_email(email)
    if not name:
        raise SignupRefused("Enter your name.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise SignupRefused("Enter a valid email address.") from None
    token = _serializer(secret).dumps({"c": cohort.id, "e": email, "n": name})
    queue_mail(to=email, subject=f"Confirm your place in {cohort.name}", backend=backend, body=(
        f"Hello {name.split()[0]},\n\nSomeone (we hope you) asked for a place in the cohort {cohort.name} "
        f"({cohort.course.title}), starting {cohort.start_date:%B} {cohort.start_date.day}, {cohort.start_date.year}. "
        f"Open this link to confirm:\n\n{link_for(token)}\n\nThe link works for {hours} hours. "
        "If you did not ask for this, ignore this email: nothing happens without your confirmation."))


@dataclass(frozen=True)
class Signup:
    cohort: Cohort
    email: str
    name: str


def read_token(token: str, *, secret: str, hours: int) -> Signup:
    try:
        data = _serializer(secret).loads(token, max_age=hours * 3600)
    except SignatureExpired:
        raise SignupRefused("This confirmation link has expired. Sign up again from the catalog.") from None
    except BadSignature:
        raise SignupRefused("This confirmation link is not valid. It may have been copied incompletely.") from None
    cohort = db.session.get(Cohort, data.get("c"))
    if cohort is None:
        raise SignupRefused("This cohort no longer exists.")
    return Signup(cohort, data["e"], data["n"])


def confirm_signup(signup: Signup, *, today: date, invitation: Invitation) -> tuple[Enrollment, bool]:
    """Enroll (idempotent: a second confirmation finds the same enrollment). Returns it and whether it is new."""
    cohort = signup.cohort
    if not is_open(cohort, today):
        raise SignupRefused("This cohort is no longer open for sign-up.")
    # the last place is never given twice: concurrent confirmations queue up on the cohort row
    db.session.execute(sa.update(Cohort).where(Cohort.id == cohort.id).values(open_seats=Cohort.open_seats)
                       .execution_options(synchronize_session=False))
    db.session.refresh(cohort)
    user = find_user_by_email(signup.email)
    if user is not None:
        existing = db.session.scalar(sa.select(Enrollment).where(Enrollment.cohort_id == cohort.id,
                                                                 Enrollment.user_id == user.id))
        if existing is not None and existing.is_current:
            return existing, False
        if user.role is not Role.TRAINEE or user.organization_id is not None or not user.is_active:
            raise SignupRefused("This email belongs to an account that cannot join an open cohort. "
                                "Contact the program team.")
    if places_taken([cohort.id]).get(cohort.id, 0) >= (cohort.open_seats or 0):
        raise SignupRefused(f"{cohort.name} is full. Choose another cohort in the catalog.")
    if user is None:
        user = User(email=signup.email, name=signup.name, role=Role.TRAINEE, organization_id=None)
        db.session.add(user)
        db.session.flush()
        audit.record("user.created", user, after={**user_snapshot(user), "via": "open enrollment"})
        _invite(user, invitation, actor=None, ip=None)
    enrollment = db.session.scalar(sa.select(Enrollment).where(Enrollment.cohort_id == cohort.id,
                                                               Enrollment.user_id == user.id))
    if enrollment is None:
        enrollment = Enrollment(cohort_id=cohort.id, user_id=user.id, status=EnrollmentStatus.ACTIVE)
        db.session.add(enrollment)
    else:
        enrollment.status = EnrollmentStatus.ACTIVE
    db.session.flush()
    audit.record("enrollment.created", enrollment, after={"cohort_id": cohort.id, "user_id": user.id,
                                                          "via": "open enrollment"})
    db.session.flush()
    return enrollment, True


def set_open_seats(cohort: Cohort, seats: int | None) -> None:
    """Open a cohort without an organization to the public with `seats` places, or close it (None)."""
    if cohort.organization_id is not None:
        raise SignupRefused(f"{cohort.name} belongs to an organization; only cohorts without one can be open.")
    if seats is not None and seats < places_taken([cohort.id]).get(cohort.id, 0):
        raise SignupRefused(f"{cohort.name} already has more trainees than {seats}.")
    before = {"open_seats": cohort.open_seats}
    cohort.open_seats = seats
    audit.record("cohort.open_enrollment_changed", cohort, before=before, after={"open_seats": seats})
    db.session.flush()
