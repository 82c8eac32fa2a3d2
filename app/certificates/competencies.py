"""Competencies in a board's own words: the frameworks a program's files declare, the rubric criteria
and hour categories aligned to them, and which criteria a trainee has demonstrated.

Everything here reads the program's rules (`Course.rules`, from course.toml and rubric.toml); no
framework, code or level is named in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Cohort, RolePlaySubmission, Rubric, RubricCriterion
from app.models.roleplay import SubmissionStatus


@dataclass(frozen=True)
class FrameworkCompetency:
    framework_key: str
    framework: str
    framework_url: str | None
    code: str
    name: str
    short: str = ""

    @property
    def ref(self) -> str:
        return f"{self.framework_key}:{self.code}"

    def __str__(self) -> str:
        return f"{self.short or self.framework} {self.code}: {self.name}"


@dataclass(frozen=True)
class Demonstrated:
    key: str
    title: str
    level: int
    level_label: str
    on: date
    aligns: list[FrameworkCompetency] = field(default_factory=list)


def index(rules: dict) -> dict[str, FrameworkCompetency]:
    """Every competency the program's frameworks declare, by "framework:code"."""
    return {f"{fw['key']}:{c['code']}": FrameworkCompetency(fw["key"], fw["name"], fw.get("url"), c["code"], c["name"],
                                                                   fw.get("short_name") or "")
            for fw in rules.get("frameworks") or [] for c in fw.get("competencies", [])}


def resolve(rules: dict, refs: list[str]) -> list[FrameworkCompetency]:
    known = index(rules)
    return [known[r] for r in refs if r in known]


def criterion_aligns(rules: dict, criterion_key: str) -> list[FrameworkCompetency]:
    return resolve(rules, ((rules.get("competencies") or {}).get("criteria") or {}).get(criterion_key, []))


def category_aligns(rules: dict) -> dict[str, list[FrameworkCompetency]]:
    return {c["key"]: resolve(rules, c.get("aligns", []))
            for c in (rules.get("supervision") or {}).get("categories", [])}


def assessed(rules: dict) -> list[FrameworkCompetency]:
    """The framework competencies the rubric assesses, each once, in the rubric's order."""
    seen: dict[str, FrameworkCompetency] = {}
    for refs in ((rules.get("competencies") or {}).get("criteria") or {}).values():
        for comp in resolve(rules, refs):
            seen.setdefault(comp.ref, comp)
    return list(seen.values())


def demonstrated_level(rules: dict) -> int:
    return int((rules.get("competencies") or {}).get("level", 2))


@dataclass(frozen=True)
class Standing:
    """The criteria demonstrated, and the demonstrated level in words ("level 3 (Competent)")."""

    demonstrated: list[Demonstrated]
    level_words: str


def standing(user_id: int, cohort: Cohort) -> Standing:
    """Rubric criteria this trainee reached the program's demonstrated level on, in a graded role-play of
    this cohort: the first time they did, at the best level they reached. Four queries."""
    rules = cohort.course.rules or {}
    threshold = demonstrated_level(rules)
    rubric = db.session.scalar(sa.select(Rubric).where(Rubric.course_id == cohort.course_id,
                                                       Rubric.archived_at.is_(None)))
    if rubric is None:
        return Standing([], f"level {threshold}")
    labels = {lv["value"]: lv["label"] for lv in rubric.levels or []}
    words = f"level {threshold}" + (f" ({labels[threshold]})" if threshold in labels else "")
    criteria = db.session.scalars(sa.select(RubricCriterion).where(
        RubricCriterion.rubric_id == rubric.id, RubricCriterion.archived_at.is_(None))
        .order_by(RubricCriterion.position)).all()
    best: dict[str, tuple[int, date]] = {}
    for sub in db.session.scalars(
            sa.select(RolePlaySubmission).options(selectinload(RolePlaySubmission.grades))
            .where(RolePlaySubmission.trainee_id == user_id, RolePlaySubmission.cohort_id == cohort.id,
                   RolePlaySubmission.status == SubmissionStatus.FINAL)
            .order_by(RolePlaySubmission.submitted_at)):
        grade = sub.deciding_grade
        if grade is None:
            continue
        on = (sub.released_at or grade.created_at).date()
        for key, level in (grade.levels or {}).items():
            if not isinstance(level, int) or level < threshold:
                continue
            first = best.get(key)
            best[key] = (max(level, first[0]), first[1]) if first else (level, on)
    return Standing([Demonstrated(c.key, c.title, best[c.key][0], labels.get(best[c.key][0], str(best[c.key][0])),
                                  best[c.key][1], criterion_aligns(rules, c.key))
                     for c in criteria if c.key in best], words)
