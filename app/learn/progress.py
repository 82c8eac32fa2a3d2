"""Progress views built on the eligibility engine: a trainee's weeks, a cohort's week."""

from __future__ import annotations

from dataclasses import dataclass

from app.cohorts.services import roster
from app.eligibility import engine
from app.eligibility.records import attempts_started, load_plan, load_records
from app.learn import services
from app.models import Cohort, Enrollment, LiveSession, Module, User
from app.pacing import cohort_today, week_number


@dataclass
class TraineeProgress:
    cohort: Cohort
    current_week: int
    plan: engine.CoursePlan
    requirements: list[engine.Requirement]
    states: dict[int, str]
    overall: int
    open_weeks: set[int]
    current_module: Module | None = None
    current_session: LiveSession | None = None
    records: engine.TraineeRecords | None = None

    def week_requirements(self, week: int) -> list[engine.Requirement]:
        return [r for r in self.requirements if r.week == week]

    def discussion_status(self, week: int) -> engine.Requirement | None:
        """Where the trainee stands on the week's prompt, whether it is required for the week or counts
        toward a course-wide number of prompts."""
        w = next((w for w in self.plan.weeks if w.week == week and w.has_prompt), None)
        if w is None or self.records is None:
            return None
        return engine.discussion_requirement(w, self.records, engine.week_discussion_rules(week, self.plan.rules))

    def week_percent(self, week: int) -> int:
        return engine.overall_percent(self.week_requirements(week))


def _open_weeks(cohort: Cohort, plan: engine.CoursePlan) -> set[int]:
    unlocked = services.early_unlocks(cohort)
    return {w.week for w in plan.weeks if services.week_is_open(cohort, w.week, unlocked=unlocked)}


def trainee_progress(user: User, cohort: Cohort) -> TraineeProgress:
    plan = load_plan(cohort.course)
    records = load_records(cohort, [user.id])[user.id]
    reqs = engine.evaluate(records, plan)
    current = week_number(cohort.start_date, cohort_today(cohort.timezone))
    open_weeks = _open_weeks(cohort, plan)
    last_week = max((w.week for w in plan.weeks), default=0)
    shown_week = min(max(current, 1), last_week) if last_week else 0
    return TraineeProgress(
        cohort=cohort, current_week=current, plan=plan, requirements=reqs,
        states=engine.module_states(reqs, plan, records), overall=engine.overall_percent(reqs),
        open_weeks=open_weeks, current_module=services.get_module(cohort, shown_week) if shown_week else None,
        current_session=services.get_live_session(cohort, shown_week) if shown_week else None,
        records=records,
    )


def week_summary_for(user: User, ctx) -> dict:
    """The trainee's state and requirements for one week: the engine only, without the dashboard's extras
    (open weeks, the current week's module and session) that the week page has already loaded."""
    plan = load_plan(ctx.cohort.course)
    records = load_records(ctx.cohort, [user.id])[user.id]
    reqs = engine.evaluate(records, plan)
    states = engine.module_states(reqs, plan, records)
    return {"state": states.get(ctx.week, engine.NOT_STARTED), "requirements": [r for r in reqs if r.week == ctx.week]}


@dataclass
class WeekRow:
    enrollment: Enrollment
    viewed: bool
    attempted: bool
    best: int | None
    passed: bool
    attendance: str | None
    state: str
    behind: list[int]


def cohort_week_rows(cohort: Cohort, week: int) -> list[WeekRow]:
    """For the instructor: each trainee's standing on one week, and the earlier weeks they have not finished."""
    enrollments = [e for e in roster(cohort) if e.is_current]
    ids = [e.user_id for e in enrollments]
    plan = load_plan(cohort.course)
    records = load_records(cohort, ids)
    started = attempts_started(cohort, ids)
    week_plan = next((w for w in plan.weeks if w.week == week), None)
    current = week_number(cohort.start_date, cohort_today(cohort.timezone))
    rows = []
    for e in enrollments:
        r = records[e.user_id]
        states = engine.module_states(engine.evaluate(r, plan), plan, r)
        counts_latest = plan.rules.get("quizzes", {}).get("counts") == "latest"
        best = (r.quiz_latest if counts_latest else r.quiz_best).get(week)
        rows.append(WeekRow(
            enrollment=e, viewed=week in r.lectures_viewed, attempted=week in started.get(e.user_id, set()),
            best=best, passed=bool(week_plan and week_plan.quiz_pass_percent is not None and best is not None
                                   and best >= week_plan.quiz_pass_percent),
            attendance=r.attendance.get(week), state=states.get(week, engine.NOT_STARTED),
            behind=[w for w, s in sorted(states.items()) if w < current and s != engine.COMPLETE],
        ))
    return rows
