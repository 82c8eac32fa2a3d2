"""Signals an organization can act on, without exposing anyone.

Per cohort and week, the mean check-in answers, only where at least `MIN_GROUP` trainees answered that
week (k-anonymity with k = 5): a smaller group shows "not enough responses" and nothing else, not even
how many answered. Beside them, the platform-side load factors the organization controls: supervision
hours received against the program's plan, sessions waiting for a supervisor's sign-off, overdue items.
The threshold is fixed here, not in the program's files, so no program can lower it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from app.csvsafe import line_writer
from app.extensions import db
from app.models import Cohort, SessionStatus, SupervisionSession, WellbeingCheckin
from app.wellbeing import checkin as questions
from app.wellbeing.services import current_week, wellbeing_rules

MIN_GROUP = 5
NOT_ENOUGH = "Not enough responses"


@dataclass(frozen=True)
class WeekSignal:
    week: int
    #: None unless at least MIN_GROUP trainees answered: then how many did, and the means (1..5)
    responses: int | None = None
    overall: float | None = None
    means: dict[str, float] | None = None

    @property
    def enough(self) -> bool:
        return self.responses is not None


def week_signals(cohort: Cohort) -> list[WeekSignal]:
    """Each week of the cohort so far. The answers are read and averaged here and never leave this function
    for a group smaller than MIN_GROUP."""
    weeks = max(0, min(current_week(cohort), cohort.course.week_count))
    by_week: dict[int, list[dict]] = defaultdict(list)
    for week, answers in db.session.execute(
            sa.select(WellbeingCheckin.week, WellbeingCheckin.answers).where(WellbeingCheckin.cohort_id == cohort.id)):
        by_week[week].append(answers)  # one row per trainee and week (a unique key)
    out = []
    for week in range(1, weeks + 1):
        group = by_week.get(week, [])
        if len(group) < MIN_GROUP:
            out.append(WeekSignal(week))
            continue
        means = {k: round(sum(int(a[k]) for a in group) / len(group), 1) for k in questions.KEYS}
        overall = round(sum(questions.overall(a) for a in group) / len(group), 1)
        out.append(WeekSignal(week, len(group), overall, means))
    return out


@dataclass(frozen=True)
class LoadFactors:
    trainees: int
    mean_hours: float
    hours_target: float
    expected_by_now: float
    waiting_signoff: int
    overdue_items: int
    trainees_with_overdue: int


def load_factors(cohort: Cohort) -> LoadFactors:
    """What the organization controls, as the partner dashboard computes it (the same engine)."""
    from app.partners.dashboard import cohort_grid

    grid = cohort_grid(cohort)
    rows = grid.rows
    weeks = cohort.course.week_count or 1
    elapsed = max(0, min(grid.current_week, weeks))
    waiting = db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionSession).where(
        SupervisionSession.cohort_id == cohort.id, SupervisionSession.status == SessionStatus.SUBMITTED)) or 0
    return LoadFactors(
        trainees=len(rows),
        mean_hours=round(sum(r.hours for r in rows) / len(rows), 1) if rows else 0.0,
        hours_target=grid.hours_target,
        expected_by_now=round(grid.hours_target * elapsed / weeks, 1),
        waiting_signoff=waiting,
        overdue_items=sum(r.overdue for r in rows),
        trainees_with_overdue=sum(1 for r in rows if r.overdue))


def has_checkin(cohort: Cohort) -> bool:
    return wellbeing_rules(cohort.course)["checkin"] != "off"


def signals_csv(cohort: Cohort) -> list[str]:
    """The same table as the page, under the same rule: small groups are "Not enough responses". Built before
    the response streams (the database session ends with the request)."""
    write = line_writer()
    lines = [write(["week", "responses", "mean (1-5)", *[q.key for q in questions.QUESTIONS]])]
    for s in week_signals(cohort):
        if s.enough:
            lines.append(write([s.week, s.responses, s.overall, *[s.means[k] for k in questions.KEYS]]))
        else:
            lines.append(write([s.week, NOT_ENOUGH, "", *["" for _ in questions.KEYS]]))
    return lines
