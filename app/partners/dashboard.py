"""The organization admin's cohort dashboard: trainees by weeks, hours, role-plays, certificates, risks.

Everything comes from the eligibility engine over `load_records`, so the dashboard, the trainee's own
progress page and certificate issuance never disagree; the query count does not grow with the cohort.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from app.cohorts.services import roster
from app.csvsafe import line_writer
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.extensions import db
from app.models import Certificate, Cohort, Enrollment
from app.pacing import cohort_today, week_number

QUIET_SUPERVISION_DAYS = 21


@dataclass
class TraineeRow:
    enrollment: Enrollment
    states: dict[int, str]
    percent: int
    hours: float
    roleplays_passed: int
    roleplays_pending: int
    certificate: Certificate | None
    overdue: int  # requirements past their due date, from the engine
    blocked: int  # requirements that need a staff exception to be met
    quiet_supervision: bool

    @property
    def risks(self) -> list[str]:
        """At risk: overdue or unreachable without an exception (from each trainee's own due dates), or no
        supervision lately; never from the weeks since the cohort started."""
        out = []
        if self.overdue:
            out.append(f"{self.overdue} item{'s' if self.overdue != 1 else ''} overdue")
        if self.blocked:
            out.append(f"{self.blocked} need{'s' if self.blocked == 1 else ''} an exception")
        if self.quiet_supervision:
            out.append("No approved supervision in 3 weeks")
        return out

    @property
    def certificate_label(self) -> str:
        if self.certificate is None:
            return "Not yet issued"
        return self.certificate.state_on(date.today()).capitalize()


@dataclass
class Bar:
    label: str
    value: int
    of: int

    @property
    def percent(self) -> int:
        return round(100 * self.value / self.of) if self.of else 0


@dataclass
class CohortGrid:
    cohort: Cohort
    weeks: list[int]
    current_week: int
    hours_target: float
    rows: list[TraineeRow] = field(default_factory=list)

    @property
    def at_risk(self) -> list[TraineeRow]:
        return [r for r in self.rows if r.risks]

    def completion_by_week(self) -> list[Bar]:
        return [Bar(f"Week {w}", sum(1 for r in self.rows if r.states.get(w) == engine.COMPLETE), len(self.rows))
                for w in self.weeks]

    def hours_distribution(self) -> list[Bar]:
        """Trainees by supervision hours, in four bands up to the requirement and one at or above it."""
        target = self.hours_target or 1
        step = target / 4
        bands = [(i * step, (i + 1) * step) for i in range(4)]
        bars = [Bar(f"{_h(lo)}–{_h(hi)} h", sum(1 for r in self.rows if lo <= r.hours < hi), len(self.rows))
                for lo, hi in bands]
        bars.append(Bar(f"{_h(target)} h or more", sum(1 for r in self.rows if r.hours >= target), len(self.rows)))
        return bars


def _h(hours: float) -> str:
    return f"{hours:g}"


def cohort_grid(cohort: Cohort, *, today: date | None = None) -> CohortGrid:
    today = today or cohort_today(cohort.timezone)
    enrollments = [e for e in roster(cohort) if e.is_current]
    ids = [e.user_id for e in enrollments]
    plan = load_plan(cohort.course)
    records = load_records(cohort, ids)
    certificates = {c.user_id: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.cohort_id == cohort.id, Certificate.user_id.in_(ids))
        .order_by(Certificate.id))} if ids else {}
    rules = plan.rules.get("supervision") or {}
    current = week_number(cohort.start_date, today)
    grid = CohortGrid(cohort=cohort, weeks=[w.week for w in plan.weeks], current_week=current,
                      hours_target=float(rules.get("total_hours") or 0))
    since = today - timedelta(days=QUIET_SUPERVISION_DAYS)
    for e in enrollments:
        r = records[e.user_id]
        reqs = engine.evaluate(r, plan)
        states = engine.module_states(reqs, plan, r)
        tally = engine.tally_supervision(r.supervision, rules)
        grid.rows.append(TraineeRow(
            enrollment=e, states=states, percent=engine.overall_percent(reqs), hours=round(tally.total / 60, 1),
            roleplays_passed=sum(1 for o in r.roleplay.values() if o == "pass"),
            roleplays_pending=sum(1 for o in r.roleplay.values() if o == "pending"),
            certificate=certificates.get(e.user_id),
            overdue=sum(1 for q in reqs if q.overdue), blocked=sum(1 for q in reqs if q.blocked and not q.overdue),
            # only once the trainee has been in the cohort three weeks, or every newcomer would be flagged
            quiet_supervision=(today - max(cohort.start_date, e.created_at.date())).days >= QUIET_SUPERVISION_DAYS
            and not any(s.day >= since for s in r.supervision),
        ))
    return grid


def grid_csv(grid: CohortGrid) -> Iterator[str]:
    line = line_writer()
    yield line(["Trainee", "Email", *(f"Week {w}" for w in grid.weeks), "Overall %", "Supervision hours",
                "Hours required", "Role-plays passed", "Certificate", "At risk"])
    for row in grid.rows:
        user = row.enrollment.user
        yield line([user.name, user.email,
                    *(engine.STATE_LABELS[row.states.get(w, engine.NOT_STARTED)] for w in grid.weeks),
                    row.percent, f"{row.hours:g}", f"{grid.hours_target:g}", row.roleplays_passed,
                    row.certificate_label, "; ".join(row.risks)])
