"""Check-ins and the journal: the trainee's own records. Services flush, never commit.

Every query here is by the trainee's own id: there is no function that reads another person's check-ins
or journal (aggregates of five or more trainees are in `signals.py`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.curriculum.schema import WellbeingRules
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import Cohort, Course, Enrollment, JournalEntry, User, WellbeingCheckin
from app.models.orgs import CURRENT_STATUSES
from app.pacing import cohort_today, week_number
from app.wellbeing import checkin as questions

JOURNAL_MAX_CHARS = 20_000
NOTE_MAX_CHARS = 1_000
_DEFAULTS = WellbeingRules().model_dump(mode="json")


def wellbeing_rules(course: Course) -> dict:
    """The program's [wellbeing] rules, with defaults for a course imported before the table existed."""
    return {**_DEFAULTS, **((course.rules or {}).get("wellbeing") or {})}


def current_week(cohort: Cohort, now: datetime | None = None) -> int:
    return week_number(cohort.start_date, cohort_today(cohort.timezone, now))


@dataclass
class Slot:
    """A cohort of the trainee whose program asks for check-ins: this week's, if the cohort is running."""

    cohort: Cohort
    week: int
    #: the cohort is in one of its weeks, so this week's check-in can be answered
    open: bool
    this_week: WellbeingCheckin | None


def _enrollments(user: User) -> list[Enrollment]:
    return list(db.session.scalars(
        sa.select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.status.in_(CURRENT_STATUSES))
        .options(selectinload(Enrollment.cohort).selectinload(Cohort.course)).order_by(Enrollment.created_at)))


def checkin_slots(user: User, now: datetime | None = None) -> list[Slot]:
    """The trainee's current cohorts whose program has a weekly check-in."""
    slots = []
    for enrollment in _enrollments(user):
        cohort = enrollment.cohort
        if wellbeing_rules(cohort.course)["checkin"] != "weekly":
            continue
        week = current_week(cohort, now)
        is_open = 1 <= week <= cohort.course.week_count
        existing = own_checkin(user, cohort, week) if is_open else None
        slots.append(Slot(cohort, week, is_open, existing))
    return slots


def own_checkin(user: User, cohort: Cohort, week: int) -> WellbeingCheckin | None:
    return db.session.scalar(sa.select(WellbeingCheckin).where(
        WellbeingCheckin.user_id == user.id, WellbeingCheckin.cohort_id == cohort.id, WellbeingCheckin.week == week))


def save_checkin(user: User, cohort: Cohort, raw_answers: dict, *, wants_to_talk: bool, note: str,
                 now: datetime | None = None) -> WellbeingCheckin:
    """This week's check-in, answered or answered again (the same week's row is updated)."""
    now = now or utcnow()
    slot = next((s for s in checkin_slots(user, now) if s.cohort.id == cohort.id), None)
    if slot is None:
        raise DomainError("This program has no check-in for you.")
    if not slot.open:
        raise DomainError("Check-ins are open during the cohort's weeks only.")
    answers = questions.valid_answers(raw_answers)
    if answers is None:
        raise DomainError("Please answer each of the five questions.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise DomainError(f"The note is longer than {NOTE_MAX_CHARS} characters.")
    row = slot.this_week
    if row is None:
        row = WellbeingCheckin(user_id=user.id, cohort_id=cohort.id, week=slot.week, created_at=now)
        try:
            with db.session.begin_nested():
                db.session.add(row)
                _fill(row, answers, wants_to_talk, note, now)
        except IntegrityError:  # the same week answered twice at once: the later answer wins
            row = own_checkin(user, cohort, slot.week)
    _fill(row, answers, wants_to_talk, note, now)
    db.session.flush()
    return row


def _fill(row: WellbeingCheckin, answers: dict, wants_to_talk: bool, note: str, now: datetime) -> None:
    row.answers, row.wants_to_talk, row.note, row.updated_at = answers, bool(wants_to_talk), note, now


def own_checkins(user: User, cohort: Cohort | None = None) -> list[WellbeingCheckin]:
    stmt = sa.select(WellbeingCheckin).where(WellbeingCheckin.user_id == user.id)
    if cohort is not None:
        stmt = stmt.where(WellbeingCheckin.cohort_id == cohort.id)
    return list(db.session.scalars(stmt.order_by(WellbeingCheckin.cohort_id, WellbeingCheckin.week)))


def trend(user: User, cohort: Cohort) -> list[questions.Point]:
    return [questions.Point(c.week, questions.overall(c.answers), c.answers) for c in own_checkins(user, cohort)]


def history_cohorts(user: User) -> list[Cohort]:
    """Cohorts the trainee has check-ins in (a finished or left cohort keeps its history)."""
    ids = db.session.scalars(sa.select(WellbeingCheckin.cohort_id).where(WellbeingCheckin.user_id == user.id)
                             .distinct()).all()
    return list(db.session.scalars(sa.select(Cohort).where(Cohort.id.in_(ids)).order_by(Cohort.start_date))) \
        if ids else []


# The journal ---------------------------------------------------------------------------------------------

def journal(user: User) -> list[JournalEntry]:
    return list(db.session.scalars(sa.select(JournalEntry).where(JournalEntry.user_id == user.id)
                                   .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError("Write something first; an empty entry is not kept.")
    if len(body) > JOURNAL_MAX_CHARS:
        raise DomainError(f"An entry can be at most {JOURNAL_MAX_CHARS:,} characters.")
    return body


def add_entry(user: User, body: str, now: datetime | None = None) -> JournalEntry:
    now = now or utcnow()
    entry = JournalEntry(user_id=user.id, body=_clean_body(body), created_at=now, updated_at=now)
    db.session.add(entry)
    db.session.flush()
    return entry


def edit_entry(entry: JournalEntry, body: str, now: datetime | None = None) -> JournalEntry:
    entry.body = _clean_body(body)
    entry.updated_at = now or utcnow()
    db.session.flush()
    return entry


def delete_entry(entry: JournalEntry) -> None:
    from app.wellbeing.sharing import withdraw_entry_shares

    withdraw_entry_shares(entry)
    db.session.delete(entry)
    db.session.flush()


# Export: the trainee's own copy -----------------------------------------------------------------------------

def export_data(user: User, now: datetime | None = None) -> dict:
    now = now or utcnow()
    cohorts = {c.id: c for c in history_cohorts(user)}
    return {
        "exported_at": now.isoformat(timespec="seconds"),
        "name": user.name,
        "about": "Your private check-ins and journal, as only you see them. " + questions.HEADER,
        "questions": [{"key": q.key, "text": q.text, "answers": {str(i + 1): a for i, a in enumerate(q.answers)}}
                      for q in questions.QUESTIONS],
        "checkins": [{"program": cohorts[c.cohort_id].course.title, "cohort": cohorts[c.cohort_id].name,
                      "week": c.week, "answers": c.answers, "overall": questions.overall(c.answers),
                      "wanted_to_talk": c.wants_to_talk, "note": c.note,
                      "answered_at": c.updated_at.isoformat(timespec="seconds")} for c in own_checkins(user)],
        "journal": [{"written_at": e.created_at.isoformat(timespec="seconds"),
                     "edited_at": e.updated_at.isoformat(timespec="seconds"), "text": e.body}
                    for e in reversed(journal(user))],
    }


def export_json(user: User) -> str:
    return json.dumps(export_data(user), indent=2, ensure_ascii=False) + "\n"


def export_text(user: User) -> str:
    data = export_data(user)
    lines = [f"Check-ins and journal of {data['name']}", f"Exported {data['exported_at']}", "", data["about"], ""]
    lines += ["CHECK-INS", "========="]
    if not data["checkins"]:
        lines.append("(none)")
    for c in data["checkins"]:
        lines.append(f"{c['program']} · {c['cohort']} · week {c['week']} (answered {c['answered_at']})")
        for q in questions.QUESTIONS:
            value = c["answers"].get(q.key)
            lines.append(f"  {q.text} {q.answers[value - 1] if value else '-'} ({value}/5)")
        lines.append(f"  {questions.TALK_QUESTION} {'Yes' if c['wanted_to_talk'] else 'No'}")
        if c["note"]:
            lines.append(f"  Note: {c['note']}")
        lines.append("")
    lines += ["", "JOURNAL", "======="]
    if not data["journal"]:
        lines.append("(none)")
    for e in data["journal"]:
        edited = f", edited {e['edited_at']}" if e["edited_at"] != e["written_at"] else ""
        lines += [f"--- {e['written_at']}{edited}", e["text"], ""]
    return "\n".join(lines) + "\n"
