"""A trainee's transcript for one cohort: contact hours as attended (not the course file's nominal
hours), every assessment with its outcome, supervised practice by category with each supervisor's
credential as it stood on the session date, and the competencies demonstrated, in the words of the
frameworks the program's files name. The PDF (transcript_pdf.py), the shared page and the signed
learner record (clr.py) all read this one structure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.certificates import competencies
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.extensions import db
from app.models import Cohort, LiveSession, RolePlaySubmission, Scenario, User
from app.models.supervision import SessionStatus, SupervisionSession

LIVE_WORDS = {"present": "attended", "late": "attended (late)", "absent": "absent", "excused": "excused"}
ROLEPLAY_WORDS = {"pass": "passed", "revise": "to revise", "pending": "being graded"}


@dataclass(frozen=True)
class WeekLine:
    week: int
    title: str
    live: str
    live_hours: float
    lecture: str
    quiz: str
    roleplay: str


@dataclass(frozen=True)
class SupervisionLine:
    day: date
    kind: str
    category: str
    hours: float
    supervisor: str
    credential: str


@dataclass(frozen=True)
class CategoryLine:
    label: str
    hours: float
    min_hours: float
    aligns: list[competencies.FrameworkCompetency]


@dataclass(frozen=True)
class Transcript:
    holder: str
    course: str
    version: str
    cohort: str
    starts: date
    ends: date
    weeks: list[WeekLine]
    live_hours_attended: float
    live_hours_scheduled: float
    roleplay_hours: float
    lectures_viewed: int
    quizzes_passed: int
    quizzes: int
    roleplays_passed: int
    roleplays: int
    supervision: dict[str, float]
    categories: list[CategoryLine] = field(default_factory=list)
    sessions: list[SupervisionLine] = field(default_factory=list)
    demonstrated: list[competencies.Demonstrated] = field(default_factory=list)
    demonstrated_level: str = ""

    @property
    def contact_hours(self) -> float:
        return round(self.live_hours_attended + self.roleplay_hours + self.supervision["total"], 2)


def _hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def credential_words(snapshot: dict | None) -> str:
    """A supervisor's credential as recorded when they signed the session."""
    if not snapshot:
        return "not recorded"
    words = f"{snapshot.get('type', '')} {snapshot.get('license_number', '')}, {snapshot.get('state', '')}".strip()
    expires = snapshot.get("expires_on")
    return f"{words} (valid to {expires})" if expires else words


def _sessions(user: User, cohort: Cohort, labels: dict[str, str]) -> list[SupervisionLine]:
    """The approved, current sessions counted for this cohort, with the credential the supervisor held on
    the day they signed; one query."""
    supervisor = aliased(User)
    rules = (cohort.course.rules or {}).get("supervision") or {}
    stmt = (sa.select(SupervisionSession, supervisor.name)
            .join(supervisor, supervisor.id == SupervisionSession.supervisor_id)
            .where(SupervisionSession.trainee_id == user.id, SupervisionSession.status == SessionStatus.APPROVED,
                   SupervisionSession.superseded_at.is_(None))
            .order_by(SupervisionSession.session_date, SupervisionSession.start_time))
    if not rules.get("count_sessions_from_other_programs"):
        stmt = stmt.where(SupervisionSession.cohort_id == cohort.id)
    return [SupervisionLine(s.session_date, s.supervision_type.label, labels.get(s.category or "", ""),
                            _hours(s.duration_minutes), name, credential_words(s.credential_snapshot))
            for s, name in db.session.execute(stmt)]


def transcript_for(user: User, cohort: Cohort) -> Transcript:
    plan = load_plan(cohort.course)
    rules = plan.rules
    records = load_records(cohort, [user.id])[user.id]
    live = dict(db.session.execute(sa.select(LiveSession.week, LiveSession.duration_minutes)
                                   .where(LiveSession.cohort_id == cohort.id)).all())
    late_counts = rules.get("attendance", {}).get("late_counts_as_present", True)
    lines, attended_minutes = [], 0
    for w in plan.weeks:
        status = records.attendance.get(w.week)
        attended = status == "present" or (status == "late" and late_counts)
        minutes = live.get(w.week, 0) if attended else 0
        attended_minutes += minutes
        best = records.quiz_best.get(w.week)
        if w.quiz_pass_percent is None:
            quiz = "no quiz"
        elif best is None:
            quiz = "not taken"
        else:
            quiz = f"{best}% ({'passed' if best >= w.quiz_pass_percent else 'not passed'})"
        lines.append(WeekLine(
            w.week, w.title, LIVE_WORDS.get(status, "not recorded") if w.week in live else "no live session",
            _hours(minutes), "viewed" if w.week in records.lectures_viewed else "not viewed", quiz,
            ROLEPLAY_WORDS.get(records.roleplay.get(w.week, ""), "")))
    # role-play practice as done: each scenario the trainee performed (once, however many attempts)
    roleplay_minutes = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Scenario.duration_minutes), 0)).where(Scenario.id.in_(
            sa.select(RolePlaySubmission.scenario_id).where(RolePlaySubmission.trainee_id == user.id,
                                                            RolePlaySubmission.cohort_id == cohort.id)))) or 0
    sup_rules = rules.get("supervision") or {}
    tally = engine.tally_supervision(records.supervision, sup_rules)
    cats = sup_rules.get("categories", [])
    aligned = competencies.category_aligns(rules)
    quizzes = [w for w in plan.weeks if w.quiz_pass_percent is not None]
    shown = competencies.standing(user.id, cohort)
    return Transcript(
        holder=user.name, course=cohort.course.title, version=cohort.course.version, cohort=cohort.name,
        starts=cohort.start_date, ends=cohort.start_date + timedelta(weeks=len(plan.weeks)) - timedelta(days=1),
        weeks=lines, live_hours_attended=_hours(attended_minutes), live_hours_scheduled=_hours(sum(live.values())),
        roleplay_hours=_hours(int(roleplay_minutes)), lectures_viewed=len(records.lectures_viewed),
        quizzes_passed=sum(1 for w in quizzes if records.quiz_best.get(w.week, -1) >= w.quiz_pass_percent),
        quizzes=len(quizzes), roleplays_passed=sum(1 for v in records.roleplay.values() if v == "pass"),
        roleplays=len(records.roleplay),
        supervision={"total": _hours(tally.total), "individual": _hours(tally.individual),
                     "group": _hours(tally.group), "observation": _hours(tally.observation)},
        categories=[CategoryLine(c["label"], _hours(tally.by_category.get(c["key"], 0)), c.get("min_hours", 0),
                                 aligned.get(c["key"], [])) for c in cats],
        sessions=_sessions(user, cohort, {c["key"]: c["label"] for c in cats}),
        demonstrated=shown.demonstrated, demonstrated_level=shown.level_words)

