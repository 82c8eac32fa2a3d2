"""Granting and revoking exceptions, setting accommodations, deferring a trainee.

Each is a record the eligibility engine reads (app/eligibility/records.py); nothing here edits a
program's rules. Every change is audited.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import audit
from app.db import utcnow
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Accommodation,
    Cohort,
    Deferral,
    Enrollment,
    EnrollmentStatus,
    ExceptionKind,
    GrantedException,
    User,
)
from app.models.orgs import CURRENT_STATUSES

_ITEM = re.compile(r"^week-(\d{1,2})-(lecture|quiz|discussion|roleplay|live)$")
#: which items each kind of exception applies to
_KINDS_FOR = {
    ExceptionKind.EXTENSION: ("lecture", "quiz", "discussion", "roleplay"),
    ExceptionKind.EXTRA_ATTEMPT: ("quiz", "roleplay"),
    ExceptionKind.EXCUSED: ("live",),
    ExceptionKind.LATE_APPROVAL: ("lecture", "quiz", "discussion", "roleplay"),
}


#: how each weekly item is named on the exception pages
ITEM_WORDS = {"lecture": "lecture", "quiz": "quiz", "discussion": "discussion", "roleplay": "assessed role-play",
              "live": "live session"}


class ExceptionRefused(DomainError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def enrollment_of(cohort: Cohort, trainee_id: int) -> Enrollment | None:
    return db.session.scalar(sa.select(Enrollment).where(Enrollment.cohort_id == cohort.id,
                                                         Enrollment.user_id == trainee_id))


def requirements(cohort: Cohort, trainee: User) -> list[engine.Requirement]:
    return engine.evaluate(load_records(cohort, [trainee.id])[trainee.id], load_plan(cohort.course))


def item_choices(cohort: Cohort, kind: ExceptionKind) -> list[tuple[str, str]]:
    """(item key, words) a staff member can choose for this kind of exception."""
    rules = cohort.course.rules or {}
    weeks = range(1, int(rules.get("weeks") or 0) + 1)
    if kind is ExceptionKind.WAIVER:
        return []  # any requirement of the trainee: chosen from their list
    kinds = _KINDS_FOR[kind]
    if kind in (ExceptionKind.EXTENSION, ExceptionKind.LATE_APPROVAL):
        deadlines = rules.get("deadlines") or {}
        kinds = tuple(k for k in kinds if deadlines.get(k) and (
            kind is ExceptionKind.EXTENSION or deadlines[k].get("late") == "with_approval"))
    return [(f"week-{w}-{k}", f"Week {w} {ITEM_WORDS[k]}") for w in weeks for k in kinds]


def all_item_choices(cohort: Cohort, trainee: User) -> dict[str, list[tuple[str, str]]]:
    """Every item an exception can name, grouped for the form: the program's weekly items, then the
    trainee's course-wide requirements (for waivers). The service checks that the kind fits the item."""
    rules = cohort.course.rules or {}
    summative = set((rules.get("role_play") or {}).get("summative_weeks", []))
    groups: dict[str, list[tuple[str, str]]] = {}
    for week in range(1, int(rules.get("weeks") or 0) + 1):
        kinds = [k for k in ITEM_WORDS if k != "roleplay" or week in summative]
        groups[f"Week {week}"] = [(f"week-{week}-{k}", f"Week {week} {ITEM_WORDS[k]}") for k in kinds]
    groups["Course-wide (waivers)"] = [(q.key, q.label) for q in requirements(cohort, trainee) if q.week is None]
    return groups


def extra_attempts(cohort_id: int, user_id: int, item: str) -> int:
    """Extra attempts granted (and not revoked) for one item."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(GrantedException).where(
        GrantedException.cohort_id == cohort_id, GrantedException.user_id == user_id,
        GrantedException.kind == ExceptionKind.EXTRA_ATTEMPT, GrantedException.item == item,
        GrantedException.revoked_at.is_(None))) or 0


def _check_item(cohort: Cohort, trainee: User, kind: ExceptionKind, item: str) -> None:
    if kind is ExceptionKind.WAIVER:
        keys = {q.key for q in requirements(cohort, trainee)}
        if item not in keys:
            raise ExceptionRefused("Choose one of the trainee's requirements to waive.", "item")
        return
    if item not in {key for key, _ in item_choices(cohort, kind)}:
        raise ExceptionRefused(f"This program has no such item for a {kind.label.lower()}.", "item")


def grant(cohort: Cohort, trainee: User, *, kind: ExceptionKind, item: str, reason: str, actor: User,
          days: int | None = None, alternative: str = "", now: datetime | None = None) -> GrantedException:
    now = now or utcnow()
    reason = (reason or "").strip()
    enrollment = enrollment_of(cohort, trainee.id)
    if enrollment is None or enrollment.status not in CURRENT_STATUSES:
        raise ExceptionRefused(f"{trainee.name} is not currently enrolled in {cohort.name}.")
    if not reason:
        raise ExceptionRefused("Write the reason: it is kept with the exception and shown in the audit log.", "reason")
    _check_item(cohort, trainee, kind, item)
    if kind is ExceptionKind.EXTENSION:
        if not days or not 1 <= days <= 365:
            raise ExceptionRefused("An extension is between 1 and 365 days.", "days")
        due = load_records(cohort, [trainee.id], now=now)[trainee.id].due.get(item)
        if due is not None and (due + timedelta(days=days)) <= now:
            raise ExceptionRefused(f"Extended by {days} days the due date would still be in the past; "
                                   "extend further, or approve the late work instead.", "days")
    if kind is ExceptionKind.EXCUSED and not (alternative or "").strip():
        raise ExceptionRefused("Name the alternative activity (for example the recording and a reflection).",
                               "alternative")
    exc = GrantedException(cohort_id=cohort.id, user_id=trainee.id, kind=kind, item=item, reason=reason[:2000],
                           days=days if kind is ExceptionKind.EXTENSION else None,
                           alternative=(alternative or "").strip()[:2000], granted_by_id=actor.id, granted_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(exc)
            db.session.flush()
    except IntegrityError:
        raise ExceptionRefused(f"{trainee.name} already has this exception for this item; revoke it first "
                               "to grant a different one.") from None
    audit.record("exception.granted", exc, actor=actor, after={
        "trainee_id": trainee.id, "cohort_id": cohort.id, "kind": kind.value, "item": item, "days": exc.days,
        "alternative": exc.alternative, "reason": reason})
    return exc


def revoke(exc: GrantedException, *, actor: User, reason: str, now: datetime | None = None) -> None:
    if exc.revoked_at is not None:
        raise ExceptionRefused("This exception was already revoked.")
    reason = (reason or "").strip()
    if not reason:
        raise ExceptionRefused("Write why the exception is revoked.", "reason")
    exc.revoked_at, exc.revoked_by_id, exc.revoke_reason = now or utcnow(), actor.id, reason[:2000]
    audit.record("exception.revoked", exc, actor=actor, before={"active": True},
                 after={"active": False, "reason": exc.revoke_reason})
    db.session.flush()


def mark_alternative_done(exc: GrantedException, *, actor: User, now: datetime | None = None) -> None:
    if exc.kind is not ExceptionKind.EXCUSED or exc.revoked_at is not None:
        raise ExceptionRefused("Only an active excused absence has an alternative activity to record.")
    if exc.completed_at is not None:
        raise ExceptionRefused("The alternative activity is already recorded as done.")
    exc.completed_at = now or utcnow()
    audit.record("exception.alternative_done", exc, actor=actor, after={"item": exc.item,
                                                                        "alternative": exc.alternative})
    db.session.flush()


def cohort_exceptions(cohort: Cohort, *, include_revoked: bool = True) -> list[GrantedException]:
    stmt = (sa.select(GrantedException).where(GrantedException.cohort_id == cohort.id)
            .order_by(GrantedException.granted_at.desc()))
    if not include_revoked:
        stmt = stmt.where(GrantedException.revoked_at.is_(None))
    return list(db.session.scalars(stmt))


def exceptions_of(cohort: Cohort, trainee: User) -> list[GrantedException]:
    return [e for e in cohort_exceptions(cohort) if e.user_id == trainee.id]


# Accommodations -------------------------------------------------------------------

def accommodation_of(user_id: int) -> Accommodation | None:
    return db.session.scalar(sa.select(Accommodation).where(Accommodation.user_id == user_id))


def set_accommodation(trainee: User, *, actor: User, quiz_time_factor: float, extra_days: int,
                      alternative_format: bool, note: str) -> Accommodation:
    if actor.id == trainee.id:
        raise ExceptionRefused("Accommodations are set by the program director, not by the trainee.")
    if not 1 <= quiz_time_factor <= 4:
        raise ExceptionRefused("Extended time is a factor from 1 (none) to 4.", "quiz_time_factor")
    if not 0 <= extra_days <= 60:
        raise ExceptionRefused("Extra days on due dates are from 0 to 60.", "extra_days")
    row = accommodation_of(trainee.id)
    before = _acc(row) if row else None
    if row is None:
        row = Accommodation(user_id=trainee.id, set_by_id=actor.id)
        db.session.add(row)
    row.quiz_time_factor, row.extra_days = quiz_time_factor, extra_days
    row.alternative_format, row.note, row.set_by_id = alternative_format, (note or "").strip()[:2000], actor.id
    db.session.flush()
    # the note may be sensitive: the audit keeps that it changed, not its text
    audit.record("accommodation.set", row, actor=actor, before=before, after=_acc(row))
    return row


def _acc(row: Accommodation) -> dict:
    return {"quiz_time_factor": row.quiz_time_factor, "extra_days": row.extra_days,
            "alternative_format": row.alternative_format, "note_set": bool(row.note)}


# Deferral ----------------------------------------------------------------------------

def later_cohorts(cohort: Cohort) -> list[Cohort]:
    """Cohorts a trainee of `cohort` may defer to: the same program and organization, starting later."""
    return list(db.session.scalars(sa.select(Cohort).where(
        Cohort.course_id == cohort.course_id, Cohort.organization_id == cohort.organization_id,
        Cohort.start_date > cohort.start_date).order_by(Cohort.start_date)))


def defer(enrollment: Enrollment, target: Cohort, *, actor: User, reason: str) -> Enrollment:
    """Move a trainee who must pause to a later cohort of the same program; what they completed counts there."""
    trainee, source = enrollment.user, enrollment.cohort
    if enrollment.status not in CURRENT_STATUSES:
        raise ExceptionRefused(f"{trainee.name} is not currently enrolled in {source.name}.")
    if not (reason or "").strip():
        raise ExceptionRefused("Write the reason for the deferral.", "reason")
    if target.course_id != source.course_id:
        raise ExceptionRefused("A deferral is to a later cohort of the same program.", "cohort_id")
    if target.start_date <= source.start_date:
        raise ExceptionRefused("Choose a cohort that starts later than the current one.", "cohort_id")
    if target.organization_id != source.organization_id:
        raise ExceptionRefused("Choose a cohort of the same organization.", "cohort_id")
    if enrollment_of(target, trainee.id) is not None:
        raise ExceptionRefused(f"{trainee.name} already has an enrollment in {target.name}.", "cohort_id")
    if target.open_seats is not None:
        taken = db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment).where(
            Enrollment.cohort_id == target.id, Enrollment.status.in_(CURRENT_STATUSES)))
        if taken >= target.open_seats:
            raise ExceptionRefused(f"{target.name} is full.", "cohort_id")
    enrollment.status = EnrollmentStatus.DEFERRED
    moved = Enrollment(cohort_id=target.id, user_id=trainee.id, status=EnrollmentStatus.ACTIVE)
    db.session.add(moved)
    db.session.add(Deferral(user_id=trainee.id, from_cohort_id=source.id, to_cohort_id=target.id,
                            reason=reason.strip()[:2000], actor_id=actor.id))
    db.session.flush()
    audit.record("enrollment.deferred", moved, actor=actor, before={"cohort_id": source.id},
                 after={"cohort_id": target.id, "reason": reason.strip()})
    return moved
