"""Grading a submission: first grade, blind second marking, moderation by a lead, release.

Each grade is a new row (never edited). The submission's `version` is an
optimistic lock: a grade saved against a version someone else has moved on is
refused with `GradeConflict`, and the view keeps what the grader typed.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app import audit, notices
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Cohort,
    CohortInstructor,
    GradeRole,
    Outcome,
    Resolution,
    RolePlaySubmission,
    Rubric,
    RubricGrade,
    Scenario,
    SubmissionStatus,
    User,
)
from app.roleplay import rubric as rules_
from app.roleplay.services import active_criteria, notify_staff, rubric_for
from app.roleplay.standing import standing_of

OPEN_STATUSES = (SubmissionStatus.AWAITING_GRADE, SubmissionStatus.AWAITING_SECOND, SubmissionStatus.IN_DISPUTE)


class GradingRefused(DomainError):
    pass


class GradeConflict(DomainError):
    pass


class IncompleteRubric(DomainError):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__("Choose a level for every criterion. Missing: " + ", ".join(missing) + ".")


def is_lead(user: User, cohort: Cohort) -> bool:
    return any(s.user_id == user.id and s.is_lead for s in cohort.staff)


def role_for(submission: RolePlaySubmission, user: User, cohort: Cohort) -> GradeRole:
    """The marking role `user` would take on `submission` now, or a refusal saying why not."""
    if submission.trainee_id == user.id:
        raise GradingRefused("You cannot grade your own submission.")
    graded_by = {g.grader_id for g in submission.grades}
    status = submission.status
    if status is SubmissionStatus.FINAL:
        raise GradingRefused("This submission has its final grade already.")
    if user.id in graded_by:
        raise GradingRefused("You have already graded this submission. "
                             + ("A different instructor gives the second marking."
                                if status is SubmissionStatus.AWAITING_SECOND else
                                "A lead instructor who has not graded it decides the outcome."))
    if status is SubmissionStatus.AWAITING_GRADE:
        return GradeRole.FIRST
    if status is SubmissionStatus.AWAITING_SECOND:
        return GradeRole.SECOND
    if not is_lead(user, cohort):
        raise GradingRefused("The graders disagree, so a lead instructor of this cohort decides the outcome.")
    return GradeRole.MODERATION


def _titles(rubric: Rubric) -> dict[str, str]:
    return {c.key: c.title for c in active_criteria(rubric)}


def check_levels(levels: dict[str, int | None], rubric: Rubric, scenario: Scenario | None = None) -> dict[str, int]:
    """One allowed level for each criterion that applies to the scenario."""
    criteria = active_criteria(rubric, scenario)
    missing = rules_.missing_criteria(levels, [(c.key, c.title) for c in criteria])
    if missing:
        raise IncompleteRubric(missing)
    allowed = {lv["value"] for lv in rubric.levels}
    out = {c.key: int(levels[c.key]) for c in criteria}
    if any(v not in allowed for v in out.values()):
        raise GradingRefused("Choose one of the rubric's levels for each criterion.")
    return out


@dataclass
class GradeResult:
    grade: RubricGrade
    verdict: rules_.Verdict
    message: str


def save_grade(submission: RolePlaySubmission, cohort: Cohort, rubric: Rubric, *, grader: User,
               levels: dict[str, int | None], comments: dict[str, str], overall: str, expected_version: int,
               mail_backend: str) -> GradeResult:
    if expected_version != submission.version:
        raise GradeConflict("Another instructor saved a grade on this submission while you were working. "
                            "Nothing of yours was saved; what you typed is still below. "
                            "Check the submission's new status and save again if you still may.")
    role = role_for(submission, grader, cohort)
    scenario = submission.scenario
    if scenario.is_summative:
        standing = standing_of(rubric, grader)
        if not standing.calibrated:
            raise GradingRefused(standing.refusal)
    levels_ = check_levels(levels, rubric, scenario)
    course_rules = cohort.course.rules or {}
    rp_rules = course_rules.get("role_play", {})
    verdict = rules_.evaluate_pass(levels_, rubric.pass_rule or {}, crisis=scenario.crisis, titles=_titles(rubric))
    grade = RubricGrade(grader_id=grader.id, role=role, levels=levels_,
                        comments={k: v.strip() for k, v in comments.items() if v and v.strip()},
                        overall_comment=overall.strip(), passed=verdict.passed, mean=verdict.mean)
    before = {"status": submission.status.value}
    try:
        submission.grades.append(grade)
        db.session.flush()
        message = _advance(submission, cohort, grade, verdict, rp_rules, mail_backend)
        db.session.flush()
    except (IntegrityError, StaleDataError):
        raise GradeConflict("Another instructor saved a grade on this submission at the same moment. "
                            "Nothing of yours was saved; what you typed is still below.") from None
    audit.record("roleplay.graded", grade, actor=grader,
                 after={"submission": submission.id, "role": role.value, "levels": levels_,
                        "passed": verdict.passed, "mean": verdict.mean})
    audit.record("roleplay.status_changed", submission, actor=grader, before=before,
                 after={"status": submission.status.value,
                        "outcome": submission.outcome.value if submission.outcome else None,
                        "resolution": submission.resolution.value if submission.resolution else None})
    return GradeResult(grade, verdict, message)


def _advance(sub: RolePlaySubmission, cohort: Cohort, grade: RubricGrade, verdict: rules_.Verdict,
             rp_rules: dict, backend: str) -> str:
    scenario = sub.scenario
    if grade.role is GradeRole.FIRST:
        key = f"{sub.cohort_id}:{sub.trainee_id}:{sub.scenario_id}:{sub.attempt}"
        reason = rules_.double_mark_reason(verdict, summative=scenario.is_summative, sample_key=key,
                                           role_play_rules=rp_rules)
        if reason is None:
            _finalize(sub, Outcome.PASS if verdict.passed else Outcome.REVISE, Resolution.SINGLE)
            return "Grade saved and released to the trainee."
        sub.status, sub.double_mark_reason = SubmissionStatus.AWAITING_SECOND, reason
        notify_staff(cohort, subject=f"Second marking needed: {scenario.title}", backend=backend,
                     exclude={grade.grader_id, sub.trainee_id},
                     body=f"A role-play in {cohort.name} needs a second, blind marking "
                          f"({rules_.DOUBLE_MARK_LABELS[reason]}). It is in your grading queue.")
        return ("Grade saved. This submission goes to a second grader "
                f"({rules_.DOUBLE_MARK_LABELS[reason]}); the trainee sees the result once it is final.")
    if grade.role is GradeRole.SECOND:
        first = sub.grade_by(GradeRole.FIRST)
        gap = int(rp_rules.get("moderation_gap", 2))
        disagreement = rules_.needs_moderation(first.levels, grade.levels, first_passed=first.passed,
                                               second_passed=grade.passed, gap=gap)
        if disagreement:
            sub.status = SubmissionStatus.IN_DISPUTE
            notify_staff(cohort, subject=f"Grading disagreement to decide: {scenario.title}", backend=backend,
                         leads_only=True, exclude={first.grader_id, grade.grader_id},
                         body=f"Two graders disagree on a role-play in {cohort.name}. "
                              "As lead instructor, your decision is final. It is in your grading queue.")
            return "Second marking saved. The graders disagree, so a lead instructor will decide."
        _finalize(sub, Outcome.PASS if first.passed else Outcome.REVISE, Resolution.AGREED)
        return "Second marking saved. The graders agree; the grade is released to the trainee."
    _finalize(sub, Outcome.PASS if verdict.passed else Outcome.REVISE, Resolution.MODERATED)
    return "Your decision is saved as final and released to the trainee."


def _finalize(sub: RolePlaySubmission, outcome: Outcome, resolution: Resolution) -> None:
    sub.status, sub.outcome, sub.resolution, sub.released_at = SubmissionStatus.FINAL, outcome, resolution, utcnow()
    notices.notify(sub.trainee, kind="roleplay.released", obj=str(sub.id),
                   message=f"your role-play “{sub.scenario.title}” (attempt {sub.attempt}) has been graded: "
                           f"{outcome.label}. Open it to read your feedback",
                   subject=f"Your role-play grade: {sub.scenario.title}",
                   endpoint="roleplay.submission", values={"submission_id": sub.id})


# The grading queue -------------------------------------------------------------

@dataclass
class QueueItem:
    submission: RolePlaySubmission
    can_act: bool
    note: str = ""
    needs_calibration: bool = False


def queue_for(user: User) -> dict[SubmissionStatus, list[QueueItem]]:
    """Open submissions in the user's cohorts, oldest first, grouped by what they wait for (without their
    transcripts and reflections, which the queue does not show)."""
    subs = db.session.scalars(
        sa.select(RolePlaySubmission)
        .join(CohortInstructor, sa.and_(CohortInstructor.cohort_id == RolePlaySubmission.cohort_id,
                                        CohortInstructor.user_id == user.id))
        .where(RolePlaySubmission.status.in_(OPEN_STATUSES), RolePlaySubmission.trainee_id != user.id)
        .options(defer(RolePlaySubmission.transcript_md), defer(RolePlaySubmission.reflection_md),
                 selectinload(RolePlaySubmission.grades), selectinload(RolePlaySubmission.scenario),
                 selectinload(RolePlaySubmission.trainee),
                 selectinload(RolePlaySubmission.cohort).selectinload(Cohort.staff))
        .order_by(RolePlaySubmission.submitted_at, RolePlaySubmission.id)).all()
    groups: dict[SubmissionStatus, list[QueueItem]] = {s: [] for s in OPEN_STATUSES}
    standings = {}  # per course: the user's calibration standing under its rubric
    for sub in subs:
        try:
            role_for(sub, user, sub.cohort)
        except GradingRefused as exc:
            if sub.status is SubmissionStatus.AWAITING_SECOND:
                continue  # the first grader cannot mark it again; it waits for someone else
            groups[sub.status].append(QueueItem(sub, False, str(exc)))
            continue
        course_id = sub.cohort.course_id
        if sub.scenario.is_summative and course_id not in standings:
            standings[course_id] = standing_of(rubric_for(course_id), user)
        if sub.scenario.is_summative and not standings[course_id].calibrated:
            groups[sub.status].append(QueueItem(sub, False, "Calibrate first: why?", needs_calibration=True))
        else:
            groups[sub.status].append(QueueItem(sub, True))
    return groups


def open_count(user: User) -> int:
    return sum(1 for items in queue_for(user).values() for i in items if i.can_act)
