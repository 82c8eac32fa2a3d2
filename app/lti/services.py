"""What an accepted launch does: find or create the person by (issuer, subject), map their LMS role, find the
cohort the resource link opens, and enroll them with a seat, as a roster enrollment would.

Every check happens before anything is written, so a refused launch leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from app import audit
from app.admin.services import create_person
from app.auth.services import find_user_by_email
from app.errors import DomainError
from app.extensions import db
from app.inputs import CONTROL
from app.main.services import seats_in_use
from app.models import (
    CohortInstructor,
    Enrollment,
    EnrollmentStatus,
    LtiIdentity,
    LtiPlatform,
    LtiResourceLink,
    Role,
    User,
)
from app.partners.roster import HOLDS_SEAT, lock_seats

ROLES = "https://purl.imsglobal.org/spec/lti/claim/roles"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
RESOURCE_LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
INSTRUCTOR, LEARNER = "instructor", "learner"


class LaunchRefused(DomainError):
    """A launch that must not go further: `reason` goes to the audit log, the message to the person."""

    def __init__(self, reason: str, message: str, status: int = 403):
        super().__init__(message)
        self.reason, self.message, self.status = reason, message, status


@dataclass(frozen=True)
class Admitted:
    user: User
    link: LtiResourceLink | None
    #: where the person goes: "cohort" (the linked cohort), "setup" (an instructor maps the link), "unlinked"
    destination: str


def lms_role(roles) -> str | None:
    """Instructor or Learner of the LMS course (context roles; the short names too). System and institution
    roles (Administrator...) give nothing here: an LMS never makes anyone an administrator of this platform."""
    names = {r.removeprefix(MEMBERSHIP) for r in roles if isinstance(r, str)} if isinstance(roles, list) else set()
    if "Instructor" in names:
        return INSTRUCTOR
    if "Learner" in names:
        return LEARNER
    return None


def _text(value, limit: int) -> str:
    return CONTROL.sub("", value).strip()[:limit] if isinstance(value, str) else ""


def _name(claims: dict) -> str:
    full = _text(claims.get("name"), 120) or " ".join(
        p for p in (_text(claims.get("given_name"), 60), _text(claims.get("family_name"), 60)) if p)
    return full or "LMS user"


def _email(platform: LtiPlatform, claims: dict, subject: str) -> str:
    """The LMS's email when it is valid and no account has it; otherwise an address of its own (the person
    is never attached to an existing account by email)."""
    try:
        email = validate_email(_text(claims.get("email"), 254), check_deliverability=False).normalized.lower()
        if find_user_by_email(email) is None:
            return email
    except EmailNotValidError:
        pass
    digest = hashlib.sha256(f"{platform.issuer}\n{subject}".encode()).hexdigest()[:24]
    return f"lti-{platform.id}-{digest}@lti.invalid"


def _link(platform: LtiPlatform, claims: dict) -> tuple[str, str]:
    link = claims.get(RESOURCE_LINK)
    link_id = _text(link.get("id"), 255) if isinstance(link, dict) else ""
    if not link_id:
        raise LaunchRefused("no_resource_link", "This launch names no resource link.", 400)
    return link_id, _text(link.get("title"), 255)


def admit(platform: LtiPlatform, claims: dict, *, ip: str | None = None) -> Admitted:
    subject = _text(claims.get("sub"), 255)
    if not subject:
        raise LaunchRefused("no_subject", "This launch does not say who you are.", 400)
    role = lms_role(claims.get(ROLES))
    if role is None:
        raise LaunchRefused("role_not_mapped", "Only the LMS course's learners and instructors can open this course.")
    if role == INSTRUCTOR and not platform.allow_instructors:
        raise LaunchRefused("instructor_not_allowed", "Your organization does not let instructors in the LMS teach "
                            "here. Ask your organization's administrator.")
    identity = db.session.scalar(sa.select(LtiIdentity).where(LtiIdentity.issuer == platform.issuer,
                                                              LtiIdentity.subject == subject))
    user = identity.user if identity else None
    if user is not None:
        if user.organization_id != platform.organization_id:
            raise LaunchRefused("other_organization", "Your account belongs to another organization.")
        if not user.is_active:
            raise LaunchRefused("account_inactive", "Your account is deactivated. Contact the platform team.")
        if user.role is not (Role.INSTRUCTOR if role == INSTRUCTOR else Role.TRAINEE):
            raise LaunchRefused("role_changed", f"Your account here is a {user.role.label.lower()} account; the LMS "
                                "launched you with another role. Ask the platform team.")
    link_id, title = _link(platform, claims)
    link = db.session.scalar(sa.select(LtiResourceLink).where(LtiResourceLink.platform_id == platform.id,
                                                              LtiResourceLink.resource_link_id == link_id))
    cohort = link.cohort if link else None
    if cohort is not None and cohort.organization_id != platform.organization_id:
        raise LaunchRefused("other_organization", "This link opens a cohort of another organization.")
    if role == LEARNER:
        if cohort is None:
            return Admitted(user, link, "unlinked")  # nothing to enroll in: nothing is created
        enrollment = user and db.session.scalar(sa.select(Enrollment).where(
            Enrollment.cohort_id == cohort.id, Enrollment.user_id == user.id))
        if not (enrollment and enrollment.status in HOLDS_SEAT):
            lock_seats(platform.organization)
            if seats_in_use(platform.organization_id) >= platform.organization.seat_limit:
                raise LaunchRefused("no_seat", f"Your organization has no free seat ({platform.organization.seat_limit}"
                                    " seats, all in use). Ask your organization's administrator for a seat.")
    if user is None:
        user, _ = create_person(name=_name(claims), email=_email(platform, claims, subject),
                                role=Role.INSTRUCTOR if role == INSTRUCTOR else Role.TRAINEE,
                                organization=platform.organization, actor=None, invitation=None, ip=ip)
        identity = LtiIdentity(platform_id=platform.id, issuer=platform.issuer, subject=subject, user_id=user.id)
        db.session.add(identity)
        db.session.flush()
        audit.record("lti.identity_created", identity, ip=ip, after={"platform_id": platform.id, "user_id": user.id})
    if role == LEARNER:
        _enroll(cohort, user, enrollment, platform, ip)
        return Admitted(user, link, "cohort")
    if link is None:
        link = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id, title=title, created_by_id=user.id)
        db.session.add(link)
        db.session.flush()
        audit.record("lti.link_created", link, actor=user, ip=ip, after={"platform_id": platform.id})
    if link.cohort is None:
        return Admitted(user, link, "setup")
    add_instructor(link, user, ip=ip)
    return Admitted(user, link, "cohort")


def _enroll(cohort, user: User, enrollment: Enrollment | None, platform: LtiPlatform, ip: str | None) -> None:
    source = {"lti_platform_id": platform.id}
    if enrollment is None:
        enrollment = Enrollment(cohort_id=cohort.id, user_id=user.id, status=EnrollmentStatus.ACTIVE)
        db.session.add(enrollment)
        db.session.flush()
        audit.record("enrollment.created", enrollment, actor=user, ip=ip,
                     after={"cohort_id": cohort.id, "user_id": user.id, **source})
    elif enrollment.status not in HOLDS_SEAT:
        before = {"status": enrollment.status.value}
        enrollment.status = EnrollmentStatus.ACTIVE
        audit.record("enrollment.reopened", enrollment, actor=user, ip=ip, before=before,
                     after={"status": "active", **source})


def add_instructor(link: LtiResourceLink, user: User, *, ip: str | None = None) -> None:
    if not any(s.user_id == user.id for s in link.cohort.staff):
        staff = CohortInstructor(cohort_id=link.cohort.id, user_id=user.id, is_lead=False)
        db.session.add(staff)
        db.session.flush()
        audit.record("cohort.staff_added", link.cohort, actor=user, ip=ip,
                     after={"user_id": user.id, "lti_resource_link_id": link.id})


def map_link(link: LtiResourceLink, cohort, *, actor: User, ip: str | None = None) -> None:
    """The first instructor's choice: this LMS link opens this cohort (of the platform's organization). Two
    instructors choosing at once: the first choice stands."""
    if cohort.organization_id != link.platform.organization_id:
        raise LaunchRefused("other_organization", "Choose one of your organization's cohorts.", 404)
    chosen = db.session.execute(sa.update(LtiResourceLink).where(
        LtiResourceLink.id == link.id, LtiResourceLink.cohort_id.is_(None)).values(cohort_id=cohort.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(link)
    if chosen:
        audit.record("lti.link_mapped", link, actor=actor, ip=ip, after={"cohort_id": cohort.id})
    if actor.role is Role.INSTRUCTOR:
        add_instructor(link, actor, ip=ip)
