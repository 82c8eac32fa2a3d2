"""Platform administration: organizations, seats, people and cohort staff.

Every change is audited with what it was before and after. Services flush and
never commit; the view or CLI command commits once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth.services import find_user_by_email, issue_token, normalize_email, send_invitation
from app.errors import DomainError
from app.extensions import db
from app.main.services import seats_in_use
from app.models import Cohort, CohortInstructor, Organization, Role, SeatChange, TokenPurpose, User


class AlreadyExists(DomainError):
    pass


class SeatsInUse(DomainError):
    pass


class Refused(DomainError):
    pass


#: roles the People screen creates directly (organization admins are named from their organization)
STAFF_ROLES = (Role.INSTRUCTOR, Role.SUPERVISOR, Role.ADMIN)
#: roles that belong to an organization
ORG_ROLES = (Role.ORG_ADMIN, Role.TRAINEE)


@dataclass(frozen=True)
class Invitation:
    """How to build and send the set-password link (from the view or the CLI)."""

    link_for: Callable[[str], str]
    hours: int
    backend: str
    #: False: only issue the link (the CLI prints it) and send no email
    mail: bool = True


# Snapshots for the audit log -----------------------------------------------------

def org_snapshot(org: Organization) -> dict:
    return {"name": org.name, "slug": org.slug, "seat_limit": org.seat_limit, "is_active": org.is_active}


def user_snapshot(user: User) -> dict:
    """No name or email: the audit log is append-only, so it never holds what erasure must remove (the entry's
    object is the user, whose row shows the name, or the pseudonym once erased)."""
    return {"role": user.role.value, "organization_id": user.organization_id, "is_active": user.is_active}


def _flush_unique(obj, message: str) -> None:
    """Insert under a unique constraint; a concurrent duplicate becomes the same readable refusal."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
            db.session.flush()
    except IntegrityError:
        raise AlreadyExists(message) from None


# Organizations ---------------------------------------------------------------------

def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]


def _name_taken(name: str, *, exclude_id: int | None = None) -> Organization | None:
    stmt = sa.select(Organization).where(sa.or_(sa.func.lower(Organization.name) == name.strip().lower(),
                                                Organization.slug == slugify(name)))
    if exclude_id is not None:
        stmt = stmt.where(Organization.id != exclude_id)
    return db.session.scalars(stmt.limit(1)).first()


def create_organization(*, name: str, seats: int, actor: User | None, ip: str | None = None,
                        reason: str = "Opening seats") -> Organization:
    name = name.strip()
    if not slugify(name):
        raise DomainError("Give the organization a name with letters or digits.")
    if seats < 0:
        raise DomainError("The number of seats cannot be negative.")
    existing = _name_taken(name)
    if existing is not None:
        raise AlreadyExists(f"An organization named “{existing.name}” already exists.")
    org = Organization(name=name, slug=slugify(name), seat_limit=seats)
    _flush_unique(org, f"An organization named “{name}” already exists.")
    if seats:
        db.session.add(SeatChange(organization_id=org.id, delta=seats, seat_limit_after=seats,
                                  reason=reason, actor_id=getattr(actor, "id", None)))
    audit.record("organization.created", org, actor=actor, ip=ip, after=org_snapshot(org))
    db.session.flush()
    return org


def update_organization(org: Organization, *, name: str, actor: User, ip: str | None = None) -> None:
    name = name.strip()
    if not slugify(name):
        raise DomainError("Give the organization a name with letters or digits.")
    existing = _name_taken(name, exclude_id=org.id)
    if existing is not None:
        raise AlreadyExists(f"An organization named “{existing.name}” already exists.")
    before = org_snapshot(org)
    org.name = name
    audit.record("organization.updated", org, actor=actor, ip=ip, before=before, after=org_snapshot(org))
    db.session.flush()


def set_organization_active(org: Organization, active: bool, *, actor: User, ip: str | None = None) -> None:
    """Deactivating ends every member's sessions and stops them signing in; reactivating lets them back."""
    if org.is_active == active:
        raise Refused(f"{org.name} is already {'active' if active else 'deactivated'}.")
    before = org_snapshot(org)
    org.is_active = active
    if not active:
        db.session.execute(sa.update(User).where(User.organization_id == org.id)
                           .values(session_version=User.session_version + 1)
                           .execution_options(synchronize_session="fetch"))
    audit.record("organization.activated" if active else "organization.deactivated", org, actor=actor, ip=ip,
                 before=before, after=org_snapshot(org))
    db.session.flush()


def _require_active(org: Organization) -> None:
    if not org.is_active:
        raise Refused(f"{org.name} is deactivated. Reactivate it first.")


def change_seats(org: Organization, delta: int, *, reason: str, actor: User | None,
                 ip: str | None = None) -> SeatChange:
    """Grant (delta > 0) or remove (delta < 0) seats; never below the seats in use."""
    reason = reason.strip()
    if delta == 0:
        raise DomainError("Enter a number of seats greater than zero.")
    if not reason:
        raise DomainError("Say why the seats change; the organization admin sees the reason.")
    _require_active(org)
    db.session.refresh(org, with_for_update=True)  # two admins changing seats at once queue up
    in_use = seats_in_use(org.id)
    if delta < 0:
        free = max(org.seat_limit - in_use, 0)
        if -delta > free:
            raise SeatsInUse(
                f"{org.name} has {org.seat_limit} seats and {in_use} {'is' if in_use == 1 else 'are'} in use, "
                f"so at most {free} can be removed.")
    before = {"seat_limit": org.seat_limit}
    org.seat_limit += delta
    change = SeatChange(organization_id=org.id, delta=delta, seat_limit_after=org.seat_limit, reason=reason,
                        actor_id=getattr(actor, "id", None))
    db.session.add(change)
    audit.record("organization.seats_granted" if delta > 0 else "organization.seats_removed", org, actor=actor,
                 ip=ip, before=before, after={"seat_limit": org.seat_limit, "reason": reason})
    db.session.flush()
    return change


# People -----------------------------------------------------------------------------

def create_person(*, name: str, email: str, role: Role, organization: Organization | None, actor: User | None,
                  invitation: Invitation | None, ip: str | None = None) -> tuple[User, str | None]:
    """A new account without a password; its owner sets one through the invitation link.

    Returns the user and the link (None when no invitation was asked for)."""
    email = normalize_email(email)
    existing = find_user_by_email(email)
    if existing is not None:
        raise AlreadyExists(f"An account with the email {email} already exists "
                            f"({existing.name}, {existing.role.label}).")
    _check_role_org(role, organization)
    if organization is not None:
        _require_active(organization)
    user = User(email=email, name=name.strip(), role=role, organization_id=getattr(organization, "id", None))
    _flush_unique(user, f"An account with the email {email} already exists.")
    audit.record("user.created", user, actor=actor, ip=ip, after=user_snapshot(user))
    link = _invite(user, invitation, actor=actor, ip=ip) if invitation else None
    return user, link


def _invite(user: User, invitation: Invitation, *, actor: User | None, ip: str | None) -> str:
    if invitation.mail:
        link = send_invitation(user, link_for=invitation.link_for, hours=invitation.hours,
                               backend=invitation.backend, invited_by=actor.name if actor else "The program team")
    else:
        link = invitation.link_for(issue_token(user, TokenPurpose.INVITATION, hours=invitation.hours))
    audit.record("user.invitation_sent", user, actor=actor, ip=ip,
                 after={"valid_hours": invitation.hours,
                        "delivery": "email" if invitation.mail else "link shown"})
    return link


def resend_invitation(user: User, *, actor: User, invitation: Invitation, ip: str | None = None) -> str:
    if not user.is_active:
        raise Refused(f"{user.name}'s account is deactivated. Reactivate it before inviting them again.")
    if user.password_hash:
        raise Refused(f"{user.name} has already set a password. If they forgot it, they can use "
                      "“Forgot your password?” on the sign-in page.")
    return _invite(user, invitation, actor=actor, ip=ip)


def _check_role_org(role: Role, organization: Organization | None) -> None:
    if role in ORG_ROLES and organization is None:
        raise DomainError(f"A {role.label.lower()} belongs to an organization: choose one.")


def _active_admin_ids() -> list[int]:
    return list(db.session.scalars(
        sa.select(User.id).where(User.role == Role.ADMIN, User.is_active.is_(True)).with_for_update()))


def _refuse_losing_admin(user: User, actor: User, what: str) -> None:
    if user.id == actor.id:
        raise Refused(f"You cannot {what} your own account. Ask another platform admin.")
    if user.role is Role.ADMIN and user.is_active and _active_admin_ids() == [user.id]:
        raise Refused(f"{user.name} is the last active platform admin. Make someone else an admin first.")


def change_role(user: User, *, role: Role, organization: Organization | None, actor: User,
                ip: str | None = None) -> None:
    if role is user.role and getattr(organization, "id", None) == user.organization_id:
        raise Refused("Nothing changed: that is already their role and organization.")
    if role is not Role.ADMIN:
        _refuse_losing_admin(user, actor, "change the role of")
    elif user.id == actor.id:
        raise Refused("You cannot change the role of your own account. Ask another platform admin.")
    _check_role_org(role, organization)
    before = user_snapshot(user)
    user.role, user.organization_id = role, getattr(organization, "id", None)
    audit.record("user.role_changed", user, actor=actor, ip=ip, before=before, after=user_snapshot(user))
    db.session.flush()


def set_user_active(user: User, active: bool, *, actor: User, ip: str | None = None) -> None:
    """Deactivation ends every session of theirs at once; they cannot sign in until reactivated."""
    if user.is_active == active:
        raise Refused(f"{user.name} is already {'active' if active else 'deactivated'}.")
    if active and user.erased_at is not None:
        raise Refused("This account's personal data was erased; it cannot be used again. Create a new account.")
    if not active:
        _refuse_losing_admin(user, actor, "deactivate")
    before = user_snapshot(user)
    user.is_active = active
    user.end_other_sessions()
    audit.record("user.activated" if active else "user.deactivated", user, actor=actor, ip=ip,
                 before=before, after=user_snapshot(user))
    db.session.flush()


# Cohort staff --------------------------------------------------------------------------

def _staff_snapshot(cohort: Cohort) -> dict:
    return {"instructor_ids": sorted(s.user_id for s in cohort.staff),
            "lead_id": next((s.user_id for s in cohort.staff if s.is_lead), None)}


def set_cohort_staff(cohort: Cohort, *, instructor_ids: list[int], lead_id: int | None, actor: User,
                     ip: str | None = None) -> None:
    """Replace the cohort's instructors; exactly one of them leads (the only one, if there is one)."""
    chosen = set(instructor_ids)
    valid = set(db.session.scalars(sa.select(User.id).where(
        User.id.in_(chosen), User.role == Role.INSTRUCTOR, User.is_active.is_(True)))) if chosen else set()
    if chosen - valid:
        raise DomainError("Choose instructors from the list: only active instructors can teach a cohort.")
    if lead_id is None and len(chosen) == 1:
        lead_id = next(iter(chosen))
    if chosen and lead_id not in chosen:
        raise DomainError("Choose the lead instructor from the instructors you ticked.")
    before = _staff_snapshot(cohort)
    if before == {"instructor_ids": sorted(chosen), "lead_id": lead_id if chosen else None}:
        raise Refused("Nothing changed: those are already the cohort's instructors.")
    for row in list(cohort.staff):
        if row.user_id not in chosen:
            cohort.staff.remove(row)
        row.is_lead = False
    db.session.flush()  # no moment with two leads (one lead per cohort is a unique index)
    have = {s.user_id: s for s in cohort.staff}
    for uid in sorted(chosen):
        if uid not in have:
            have[uid] = CohortInstructor(cohort_id=cohort.id, user_id=uid)
            cohort.staff.append(have[uid])
        have[uid].is_lead = uid == lead_id
    db.session.flush()
    audit.record("cohort.staff_changed", cohort, actor=actor, ip=ip, before=before, after=_staff_snapshot(cohort))
    db.session.flush()
