""""I need to talk to someone": a same-day request to a person, acknowledged, escalated once if nobody does.

Who can be asked:
- the program's **wellbeing contact**, who is the cohort's lead instructor (staff of the program by
  construction, named for the cohort by the organization or a platform admin), and
- any of the trainee's own **supervisors**,
as long as the account is active. Unacknowledged after the program's `escalate_after_hours`, the request
goes to the **program director** (the platform admins, as for waivers and accommodations), exactly once.

No mail carries the trainee's name or what they wrote: mail says a request is waiting and links to it, and
the request itself is shown in the app to the trainee, the person asked, and (after escalation) the program
director. The organization admin has no route to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import notices
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.mailer import queue_mail
from app.models import (
    Cohort,
    Enrollment,
    Role,
    SupervisorAssignment,
    SupportRecipient,
    SupportRequest,
    User,
)
from app.models.orgs import CURRENT_STATUSES
from app.wellbeing.services import wellbeing_rules

MESSAGE_MAX_CHARS = 2_000
REPLY_MAX_CHARS = 1_000


@dataclass(frozen=True)
class Choice:
    value: str
    kind: SupportRecipient
    person: User

    @property
    def label(self) -> str:
        role = "the program's wellbeing contact" if self.kind is SupportRecipient.CONTACT else "your supervisor"
        return f"{self.person.name}, {role}"


def wellbeing_contact(cohort: Cohort) -> User | None:
    """The program's wellbeing contact for this cohort: its lead instructor, while their account is active."""
    lead = next((s.user for s in cohort.staff if s.is_lead), None)
    return lead if lead is not None and lead.is_active and lead.role is Role.INSTRUCTOR else None


def support_cohorts(trainee: User) -> list[Cohort]:
    """The cohorts the trainee is in now (a request belongs to one: its program's rules and contact)."""
    return list(db.session.scalars(
        sa.select(Cohort).join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.user_id == trainee.id, Enrollment.status.in_(CURRENT_STATUSES))
        .options(selectinload(Cohort.course), selectinload(Cohort.staff))
        .order_by(Cohort.start_date.desc(), Cohort.id.desc())))


def choices(trainee: User, cohort: Cohort) -> list[Choice]:
    """Whom the trainee can ask today: the wellbeing contact and each of their active supervisors."""
    out = []
    contact = wellbeing_contact(cohort)
    if contact is not None and contact.id != trainee.id:
        out.append(Choice("contact", SupportRecipient.CONTACT, contact))
    supervisors = db.session.scalars(
        sa.select(User).join(SupervisorAssignment, SupervisorAssignment.supervisor_id == User.id)
        .where(SupervisorAssignment.trainee_id == trainee.id, User.is_active.is_(True),
               User.role == Role.SUPERVISOR).order_by(User.name))
    out += [Choice(f"supervisor-{s.id}", SupportRecipient.SUPERVISOR, s) for s in supervisors]
    return out


def request_support(trainee: User, cohort: Cohort, choice: str, message: str, *, backend: str,
                    link_for: Callable[[SupportRequest], str], now: datetime | None = None) -> SupportRequest:
    """Record the request and tell the person asked at once (mail, without the trainee's name or words)."""
    now = now or utcnow()
    if cohort.id not in {c.id for c in support_cohorts(trainee)}:
        raise DomainError("You can ask for support in a cohort you are in.")
    options = {c.value: c for c in choices(trainee, cohort)}
    picked = options.get(choice)
    if picked is None:
        raise DomainError("Choose one of the people offered: that person cannot receive requests (their account "
                          "may be inactive, or they are not your supervisor or this program's wellbeing contact).")
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_CHARS:
        raise DomainError(f"Please keep the message under {MESSAGE_MAX_CHARS:,} characters.")
    waiting = db.session.scalar(sa.select(SupportRequest).where(
        SupportRequest.trainee_id == trainee.id, SupportRequest.recipient_id == picked.person.id,
        SupportRequest.acknowledged_at.is_(None)))
    if waiting is not None:
        raise DomainError(f"{picked.person.name} already has your request from "
                          f"{waiting.created_at:%B %-d at %H:%M} UTC and has not acknowledged it yet. "
                          "You can ask someone else as well.")
    hours = wellbeing_rules(cohort.course)["escalate_after_hours"]
    req = SupportRequest(trainee_id=trainee.id, cohort_id=cohort.id, recipient_id=picked.person.id,
                         recipient_kind=picked.kind, message=message, created_at=now,
                         escalate_at=now + timedelta(hours=hours))
    db.session.add(req)
    db.session.flush()
    as_who = "their supervisor" if picked.kind is SupportRecipient.SUPERVISOR else "the program's wellbeing contact"
    queue_mail(to=picked.person.email, subject="A trainee asked to talk to someone today",
               body=(f"Hello {picked.person.first_name},\n\nA trainee in {cohort.course.title} asked to talk "
                     f"with you today, as {as_who}. "
                     "Please open the request, acknowledge it, and reach them today:\n\n"
                     f"{link_for(req)}\n\nIf nobody acknowledges it within {hours} hours, the program director is "
                     "asked to step in.\n"), backend=backend)
    notices.notify(picked.person, kind="wellbeing.request", obj=str(req.id), email=False,
                   message=f"a trainee in {cohort.course.title} asked to talk with you today, as {as_who}: "
                           "acknowledge the request and reach them today",
                   subject="A trainee asked to talk to someone today",
                   endpoint="wellbeing.support_request", values={"request_id": req.id})
    return req


def acknowledge(req: SupportRequest, actor: User, reply: str, *, backend: str,
                link_for: Callable[[SupportRequest], str], now: datetime | None = None) -> SupportRequest:
    """The person asked (or, once escalated, the program director) says they have it. Once only: a second
    acknowledgement is refused and names who acknowledged first."""
    now = now or utcnow()
    reply = (reply or "").strip()
    if len(reply) > REPLY_MAX_CHARS:
        raise DomainError(f"Please keep the note under {REPLY_MAX_CHARS:,} characters.")
    taken = db.session.execute(
        sa.update(SupportRequest).where(SupportRequest.id == req.id, SupportRequest.acknowledged_at.is_(None))
        .values(acknowledged_at=now, acknowledged_by_id=actor.id, reply=reply)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(req)
    if not taken:
        raise DomainError(f"{req.acknowledged_by.name} already acknowledged this request.")
    queue_mail(to=req.trainee.email, subject="Your request to talk has been acknowledged",
               body=(f"Hello {req.trainee.first_name},\n\n{actor.name} has your request and will be in touch "
                     f"today.\n\n{link_for(req)}\n\nIf you are in danger, call or text 988, or call 911 in an "
                     "emergency.\n"), backend=backend)
    return req


def program_directors() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.ADMIN, User.is_active.is_(True))
                                   .order_by(User.id)))


def escalate_due(*, backend: str, link_for: Callable[[SupportRequest], str], now: datetime | None = None) -> int:
    """Pass each request still unacknowledged at its `escalate_at` to the program director, exactly once:
    the conditional update stamps it, and only the run that stamped it sends the mail."""
    now = now or utcnow()
    due = db.session.scalars(sa.select(SupportRequest.id).where(
        SupportRequest.acknowledged_at.is_(None), SupportRequest.escalated_at.is_(None),
        SupportRequest.escalate_at <= now).order_by(SupportRequest.escalate_at)).all()
    directors = program_directors()
    escalated = 0
    for rid in due:
        stamped = db.session.execute(
            sa.update(SupportRequest).where(SupportRequest.id == rid, SupportRequest.escalated_at.is_(None),
                                            SupportRequest.acknowledged_at.is_(None))
            .values(escalated_at=now).execution_options(synchronize_session=False)).rowcount
        if not stamped:
            continue
        req = db.session.get(SupportRequest, rid, populate_existing=True)
        waited = int((now - req.created_at).total_seconds() // 3600)
        for director in directors:
            queue_mail(to=director.email, subject="A request to talk today has not been acknowledged",
                       body=(f"Hello {director.first_name},\n\nA trainee in {req.cohort.course.title} asked to talk "
                             f"to someone today {waited} hour{'s' if waited != 1 else ''} ago, and nobody has "
                             "acknowledged it yet. Please open it and make sure someone reaches them today:\n\n"
                             f"{link_for(req)}\n"), backend=backend)
        escalated += 1
    db.session.flush()
    return escalated


# What each person sees ---------------------------------------------------------------------------------

def own_requests(trainee: User) -> list[SupportRequest]:
    return list(db.session.scalars(
        sa.select(SupportRequest).where(SupportRequest.trainee_id == trainee.id)
        .options(selectinload(SupportRequest.recipient), selectinload(SupportRequest.acknowledged_by))
        .order_by(SupportRequest.created_at.desc(), SupportRequest.id.desc())))


def inbox(user: User) -> list[SupportRequest]:
    """Requests addressed to this person; for the program director, also every escalated one."""
    cond = SupportRequest.recipient_id == user.id
    if user.role is Role.ADMIN:
        cond = sa.or_(cond, SupportRequest.escalated_at.is_not(None))
    return list(db.session.scalars(
        sa.select(SupportRequest).where(cond)
        .options(selectinload(SupportRequest.trainee), selectinload(SupportRequest.recipient),
                 selectinload(SupportRequest.acknowledged_by), selectinload(SupportRequest.cohort))
        .order_by(SupportRequest.acknowledged_at.is_not(None), SupportRequest.created_at.desc())))


