"""Calibration: exemplar role-plays with reference levels, blind instructor grades, agreement report."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.models import CalibrationExemplar, CalibrationGrade, Role, Rubric, Scenario, User
from app.roleplay.agreement import Agreement, agreement, below_threshold
from app.roleplay.grading import check_levels
from app.roleplay.standing import Standing, categories, criterion_pairs, judge


def exemplars(rubric: Rubric) -> list[CalibrationExemplar]:
    return list(db.session.scalars(
        sa.select(CalibrationExemplar).where(CalibrationExemplar.rubric_id == rubric.id)
        .options(selectinload(CalibrationExemplar.scenario)).order_by(CalibrationExemplar.id)))


def graded_by(user: User) -> dict[int, CalibrationGrade]:
    return {g.exemplar_id: g for g in db.session.scalars(
        sa.select(CalibrationGrade).where(CalibrationGrade.grader_id == user.id))}


def create_exemplar(rubric: Rubric, *, title: str, transcript: str, scenario: Scenario | None,
                    levels: dict[str, int | None], actor: User) -> CalibrationExemplar:
    ex = CalibrationExemplar(rubric_id=rubric.id, scenario_id=scenario.id if scenario else None,
                             title=title.strip(), transcript_md=transcript.strip(),
                             reference_levels=check_levels(levels, rubric), created_by_id=actor.id)
    db.session.add(ex)
    db.session.flush()
    audit.record("calibration.exemplar_created", ex, actor=actor, after={"reference": ex.reference_levels})
    return ex


def grade_exemplar(exemplar: CalibrationExemplar, *, grader: User, levels: dict[str, int | None]) -> CalibrationGrade:
    checked = check_levels(levels, exemplar.rubric)
    grade = CalibrationGrade(exemplar_id=exemplar.id, grader_id=grader.id, levels=checked)
    try:
        with db.session.begin_nested():
            db.session.add(grade)
    except IntegrityError:
        raise DomainError("You have already graded this exemplar; each instructor grades it once.") from None
    audit.record("calibration.graded", grade, actor=grader, after={"exemplar": exemplar.id, "levels": checked})
    return grade


@dataclass
class RaterRow:
    grader: User
    overall: Agreement
    per_criterion: dict[str, Agreement]
    flags: list[str] = field(default_factory=list)
    standing: Standing | None = None


def report(rubric: Rubric) -> list[RaterRow]:
    """Each rater against the reference, per criterion and over all criteria, flagged below thresholds,
    with their standing for summative grading. Instructors who have graded no exemplar are listed
    (without agreement) when the rubric requires exemplars."""
    cats = categories(rubric)
    keys = [c.key for c in rubric.criteria if c.archived_at is None]
    titles = {c.key: c.title for c in rubric.criteria}
    counts, pairs = criterion_pairs(rubric)
    thresholds = rubric.calibration or {}
    ids = set(counts)
    if thresholds.get("required_exemplars"):
        ids |= set(db.session.scalars(sa.select(User.id).where(User.role == Role.INSTRUCTOR, User.is_active)))
    graders = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    out = []
    for gid, grader in graders.items():
        by_key = pairs.get(gid, {})
        per = {k: agreement(by_key.get(k, []), cats) for k in keys}
        overall = agreement([p for k in keys for p in by_key.get(k, [])], cats)
        flags = [f"Overall: {f}" for f in below_threshold(overall, thresholds)]
        flags += [f"{titles[k]}: {f}" for k in keys for f in below_threshold(per[k], thresholds)]
        out.append(RaterRow(grader, overall, per, flags, judge(counts.get(gid, 0), overall, thresholds)))
    return sorted(out, key=lambda r: r.grader.name)
