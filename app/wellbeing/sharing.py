"""Sharing on the trainee's terms: a check-in trend or a journal entry shown to one of their supervisors for
their next session, withdrawn whenever the trainee likes. Nothing else of the check-ins (the notes, "would it
help to talk") is ever shared, and nobody else sees what is shared."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Cohort,
    JournalEntry,
    Role,
    ShareKind,
    SupervisorAssignment,
    User,
    WellbeingShare,
)
from app.wellbeing.services import history_cohorts


def my_supervisors(trainee: User) -> list[User]:
    return list(db.session.scalars(
        sa.select(User).join(SupervisorAssignment, SupervisorAssignment.supervisor_id == User.id)
        .where(SupervisorAssignment.trainee_id == trainee.id, User.is_active.is_(True), User.role == Role.SUPERVISOR)
        .order_by(User.name)))


def supervises(supervisor: User, trainee_id: int) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SupervisorAssignment).where(
        SupervisorAssignment.supervisor_id == supervisor.id, SupervisorAssignment.trainee_id == trainee_id)) > 0


def share(trainee: User, supervisor_id: int, kind: str, *, cohort_id: int | None = None,
          entry_id: int | None = None, now: datetime | None = None) -> WellbeingShare:
    supervisor = next((s for s in my_supervisors(trainee) if s.id == supervisor_id), None)
    if supervisor is None:
        raise DomainError("You can share with your own supervisors only.")
    values: dict = {"user_id": trainee.id, "supervisor_id": supervisor.id}
    if kind == ShareKind.TREND:
        cohort = db.session.get(Cohort, cohort_id) if cohort_id else None
        if cohort is None or cohort not in history_cohorts(trainee):
            raise DomainError("There is no check-in trend of yours to share there yet.")
        values |= {"kind": ShareKind.TREND, "cohort_id": cohort.id}
        same = WellbeingShare.cohort_id == cohort.id
    elif kind == ShareKind.JOURNAL:
        entry = db.session.get(JournalEntry, entry_id) if entry_id else None
        if entry is None or entry.user_id != trainee.id:
            raise DomainError("That journal entry is not yours to share.")
        values |= {"kind": ShareKind.JOURNAL, "journal_entry_id": entry.id}
        same = WellbeingShare.journal_entry_id == entry.id
    else:
        raise DomainError("Choose what to share.")
    existing = db.session.scalar(sa.select(WellbeingShare).where(
        WellbeingShare.user_id == trainee.id, WellbeingShare.supervisor_id == supervisor.id,
        WellbeingShare.kind == values["kind"], same, WellbeingShare.withdrawn_at.is_(None)))
    if existing is not None:
        raise DomainError(f"{supervisor.name} can already see it.")
    row = WellbeingShare(**values, created_at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def withdraw(share_row: WellbeingShare, now: datetime | None = None) -> WellbeingShare:
    if share_row.withdrawn_at is None:
        share_row.withdrawn_at = now or utcnow()
        db.session.flush()
    return share_row


def withdraw_entry_shares(entry: JournalEntry, now: datetime | None = None) -> None:
    """A deleted entry is withdrawn everywhere first (and its shares lose the link to it)."""
    for row in db.session.scalars(sa.select(WellbeingShare).where(WellbeingShare.journal_entry_id == entry.id)):
        row.withdrawn_at = row.withdrawn_at or now or utcnow()
        row.journal_entry_id = None
    db.session.flush()


def own_shares(trainee: User) -> list[WellbeingShare]:
    """What the trainee is sharing now."""
    return list(db.session.scalars(
        sa.select(WellbeingShare).where(WellbeingShare.user_id == trainee.id, WellbeingShare.withdrawn_at.is_(None))
        .options(selectinload(WellbeingShare.supervisor), selectinload(WellbeingShare.cohort),
                 selectinload(WellbeingShare.entry))
        .order_by(WellbeingShare.created_at.desc(), WellbeingShare.id.desc())))


def shared_with(supervisor: User) -> list[WellbeingShare]:
    """The supervisor's workspace: active shares from trainees they still supervise."""
    return list(db.session.scalars(
        sa.select(WellbeingShare)
        .join(SupervisorAssignment, sa.and_(SupervisorAssignment.trainee_id == WellbeingShare.user_id,
                                            SupervisorAssignment.supervisor_id == supervisor.id))
        .where(WellbeingShare.supervisor_id == supervisor.id, WellbeingShare.withdrawn_at.is_(None))
        .options(selectinload(WellbeingShare.trainee), selectinload(WellbeingShare.cohort),
                 selectinload(WellbeingShare.entry))
        .order_by(WellbeingShare.created_at.desc(), WellbeingShare.id.desc())))
