"""Calibration: exemplar role-plays with reference levels, blind instructor grades, agreement report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.models import CalibrationExemplar, CalibrationGrade, Rubric, Scenario, User
from app.roleplay.agreement import Agreement, agreement, below_threshold
from app.roleplay.grading import check_levels


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


def report(rubric: Rubric) -> list[RaterRow]:
    """Each rater against the reference, per criterion and over all criteria, flagged below thresholds."""
    categories = sorted(lv["value"] for lv in rubric.levels)
    keys = [c.key for c in rubric.criteria if c.archived_at is None]
    titles = {c.key: c.title for c in rubric.criteria}
    rows = db.session.execute(
        sa.select(CalibrationGrade, CalibrationExemplar.reference_levels)
        .join(CalibrationExemplar, CalibrationExemplar.id == CalibrationGrade.exemplar_id)
        .where(CalibrationExemplar.rubric_id == rubric.id)
        .options(selectinload(CalibrationGrade.grader))).all()
    pairs: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    graders: dict[int, User] = {}
    for grade, reference in rows:
        graders[grade.grader_id] = grade.grader
        for key in keys:
            if key in grade.levels and key in reference:
                pairs[grade.grader_id][key].append((int(grade.levels[key]), int(reference[key])))
    thresholds = rubric.calibration or {}
    out = []
    for gid, by_key in pairs.items():
        per = {k: agreement(by_key.get(k, []), categories) for k in keys}
        overall = agreement([p for k in keys for p in by_key.get(k, [])], categories)
        flags = [f"Overall: {f}" for f in below_threshold(overall, thresholds)]
        flags += [f"{titles[k]}: {f}" for k in keys for f in below_threshold(per[k], thresholds)]
        out.append(RaterRow(graders[gid], overall, per, flags))
    return sorted(out, key=lambda r: r.grader.name)
