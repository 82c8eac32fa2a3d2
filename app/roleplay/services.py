"""Role-play submissions: scenarios of a week, numbered attempts, recordings, notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit
from app.db import utcnow
from app.errors import DomainError
from app.exceptions.services import extra_attempts
from app.extensions import db
from app.mailer import queue_mail
from app.models import (
    Cohort,
    CohortInstructor,
    Module,
    Outcome,
    Recording,
    RolePlaySubmission,
    Rubric,
    Scenario,
    User,
)
from app.roleplay import uploads


class SubmissionRefused(DomainError):
    pass


def scenario_for(module: Module) -> Scenario | None:
    return db.session.scalar(sa.select(Scenario).where(Scenario.module_id == module.id,
                                                       Scenario.archived_at.is_(None)))


def rubric_for(course_id: int) -> Rubric | None:
    return db.session.scalar(
        sa.select(Rubric).where(Rubric.course_id == course_id, Rubric.archived_at.is_(None))
        .options(selectinload(Rubric.criteria)).order_by(Rubric.id))


def active_criteria(rubric: Rubric, scenario: Scenario | None = None):
    """The rubric's current criteria, less those the scenario's files mark not applicable."""
    skip = set((scenario.content or {}).get("not_applicable", [])) if scenario is not None else set()
    return [c for c in rubric.criteria if c.archived_at is None and c.key not in skip]


def attempts_of(scenario: Scenario, cohort: Cohort, trainee: User) -> list[RolePlaySubmission]:
    return list(db.session.scalars(
        sa.select(RolePlaySubmission).where(
            RolePlaySubmission.scenario_id == scenario.id, RolePlaySubmission.cohort_id == cohort.id,
            RolePlaySubmission.trainee_id == trainee.id)
        .options(selectinload(RolePlaySubmission.grades), selectinload(RolePlaySubmission.recording))
        .order_by(RolePlaySubmission.attempt)))


def max_attempts(scenario: Scenario, rules: dict) -> int | None:
    """Summatives allow one attempt plus the course's remediation attempts; formatives are unlimited."""
    if not scenario.is_summative:
        return None
    return 1 + int(rules.get("role_play", {}).get("remediation_attempts", 0))


def next_attempt_refusal(attempts: list[RolePlaySubmission], scenario: Scenario, rules: dict,
                         now: datetime | None = None) -> str | None:
    """Why the trainee cannot submit a new attempt now, or None when they can: grading still running,
    passed, attempts used up, or the program's remediation window closed since the last result."""
    if attempts:
        last = attempts[-1]
        if not last.is_final:
            return f"Attempt {last.attempt} is still being graded. You can revise once it comes back."
        if last.outcome is Outcome.PASS:
            return f"You passed this role-play on attempt {last.attempt}."
    limit = max_attempts(scenario, rules)
    if limit is not None and attempts:
        last = attempts[-1]
        limit += extra_attempts(last.cohort_id, last.trainee_id, f"week-{scenario.module.week}-roleplay")
    if limit is not None and len(attempts) >= limit:
        return (f"You have used all {limit} attempts at this assessed role-play. "
                "Ask your instructor what happens next.")
    window = rules.get("role_play", {}).get("remediation_window_days")
    if scenario.is_summative and attempts and window and attempts[-1].released_at is not None:
        closes = attempts[-1].released_at + timedelta(days=window)
        if (now or utcnow()) > closes:
            return (f"The {window}-day window to resubmit this assessed role-play closed on {closes:%B %-d, %Y}. "
                    "Ask your instructor what happens next.")
    return None


def submit(scenario: Scenario, cohort: Cohort, trainee: User, *, rules: dict, transcript: str, reflection: str,
           script: str, recording: IO[bytes] | None, consent: bool, upload_dir: Path, max_bytes: int,
           mail_backend: str, reserve_bytes: int = uploads.RESERVE_BYTES) -> RolePlaySubmission:
    attempts = attempts_of(scenario, cohort, trainee)
    refusal = next_attempt_refusal(attempts, scenario, rules)
    if refusal:
        raise SubmissionRefused(refusal)
    if not transcript.strip() and recording is None:
        raise SubmissionRefused("Add a transcript, a recording, or both.")
    if recording is not None and not consent:
        raise SubmissionRefused("Confirm that everyone in the recording agreed to it being shared for assessment.")
    stored = (uploads.store(recording, upload_dir, max_bytes=max_bytes, reserve_bytes=reserve_bytes)
              if recording is not None else None)
    submission = RolePlaySubmission(
        scenario_id=scenario.id, cohort_id=cohort.id, trainee_id=trainee.id, attempt=len(attempts) + 1,
        transcript_md=transcript.strip(), reflection_md=reflection.strip(),
        script=script if script in ("standard", "alternative") else "standard")
    try:
        with db.session.begin_nested():
            db.session.add(submission)
            db.session.flush()
            if stored:
                name, mime, ext, size = stored
                db.session.add(Recording(submission_id=submission.id, stored_name=name, mime=mime, extension=ext,
                                         size_bytes=size, consent_confirmed_at=utcnow()))
                db.session.flush()
    except IntegrityError:
        if stored:
            uploads.discard(upload_dir, stored[0])
        raise SubmissionRefused("This attempt was already submitted (perhaps from another tab).") from None
    audit.record("roleplay.submitted", submission, actor=trainee,
                 after={"scenario": scenario.slug, "attempt": submission.attempt, "recording": bool(stored)})
    notify_staff(cohort, subject=f"Role-play to grade: {scenario.title}",
                 body=f"{trainee.name} submitted attempt {submission.attempt} of “{scenario.title}” "
                      f"in {cohort.name}. It is waiting in your grading queue.", backend=mail_backend)
    return submission


def staff_of(cohort: Cohort, *, leads_only: bool = False, exclude: set[int] = frozenset()) -> list[User]:
    stmt = (sa.select(User).join(CohortInstructor, CohortInstructor.user_id == User.id)
            .where(CohortInstructor.cohort_id == cohort.id, User.is_active.is_(True)))
    if leads_only:
        stmt = stmt.where(CohortInstructor.is_lead.is_(True))
    return [u for u in db.session.scalars(stmt.order_by(User.id)) if u.id not in exclude]


def notify_staff(cohort: Cohort, *, subject: str, body: str, backend: str, leads_only: bool = False,
                 exclude: set[int] = frozenset()) -> None:
    for person in staff_of(cohort, leads_only=leads_only, exclude=exclude):
        queue_mail(to=person.email, subject=subject, body=f"Hello {person.first_name},\n\n{body}\n", backend=backend)


def purge_recordings(upload_dir: Path, *, older_than_days: int, now: datetime | None = None) -> int:
    """Delete recording files uploaded more than `older_than_days` ago; the row stays, marked deleted."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    rows = db.session.scalars(sa.select(Recording).where(Recording.deleted_at.is_(None),
                                                         Recording.uploaded_at < cutoff)).all()
    for rec in rows:
        uploads.remove(upload_dir, rec.stored_name)
        rec.deleted_at = utcnow()
        audit.record("recording.deleted", rec, after={"reason": "retention", "days": older_than_days})
    db.session.flush()
    return len(rows)



@dataclass(frozen=True)
class Reconciliation:
    orphans_removed: int
    parts_removed: int
    missing: list[int]


def reconcile_uploads(upload_dir: Path, *, now: datetime | None = None, grace_hours: int = 6) -> Reconciliation:
    """Files without a row (an upload whose request died, a row rolled back) older than `grace_hours` are
    removed, temporary parts included; rows whose file is gone are reported (by recording id), not changed."""
    cutoff = ((now or utcnow()) - timedelta(hours=grace_hours)).timestamp()
    known = set(db.session.scalars(sa.select(Recording.stored_name).where(Recording.deleted_at.is_(None))))
    orphans = parts = 0
    for path in upload_dir.iterdir() if upload_dir.exists() else []:
        if path.is_file() and path.name not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            orphans += 1
    incoming = upload_dir / uploads.INCOMING
    for path in incoming.iterdir() if incoming.exists() else []:
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            parts += 1
    missing = sorted(rid for rid, name in db.session.execute(
        sa.select(Recording.id, Recording.stored_name).where(Recording.deleted_at.is_(None)))
        if not (upload_dir / name).exists())
    return Reconciliation(orphans, parts, missing)
