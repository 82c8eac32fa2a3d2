"""A cohort's gradebook: trainees by assessments (quiz best scores, role-play outcomes), and its CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa

from app.cohorts.services import roster
from app.csvsafe import line_writer
from app.extensions import db
from app.models import Cohort, Module, Quiz, QuizAttempt, RolePlaySubmission, Scenario


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str  # "quiz" or "roleplay"


@dataclass
class Row:
    name: str
    email: str
    cells: dict[str, str]


def build(cohort: Cohort) -> tuple[list[Column], list[Row]]:
    """Four queries whatever the cohort's size: roster, columns, quiz bests, latest role-plays."""
    trainees = [e.user for e in roster(cohort) if e.is_current]
    ids = [u.id for u in trainees]
    columns: list[Column] = []
    for week, kind, obj_id, summative in db.session.execute(
        sa.union_all(
            sa.select(Module.week, sa.literal("quiz"), Quiz.id, sa.literal(False))
            .join(Module, Module.id == Quiz.module_id)
            .where(Quiz.course_id == cohort.course_id, Quiz.archived_at.is_(None)),
            sa.select(Module.week, sa.literal("roleplay"), Scenario.id, Scenario.assessment == "summative")
            .join(Module, Module.id == Scenario.module_id)
            .where(Scenario.course_id == cohort.course_id, Scenario.archived_at.is_(None)),
        ).order_by(sa.text("1"), sa.text("2"))
    ):
        label = f"Week {week} quiz" if kind == "quiz" else \
            f"Week {week} role-play{' (assessed)' if summative else ''}"
        columns.append(Column(f"{kind}-{obj_id}", label, kind))
    cells: dict[int, dict[str, str]] = {uid: {} for uid in ids}
    if ids:
        latest = ((cohort.course.rules or {}).get("quizzes") or {}).get("counts") == "latest"
        counted: dict[tuple[int, int], int] = {}
        for uid, quiz_id, score in db.session.execute(
            sa.select(QuizAttempt.user_id, QuizAttempt.quiz_id, QuizAttempt.score_percent)
            .where(QuizAttempt.cohort_id == cohort.id, QuizAttempt.user_id.in_(ids),
                   QuizAttempt.submitted_at.is_not(None), QuizAttempt.late.is_(False))  # late attempts do not count
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        ):
            # the score that counts under the program's rule: the best, or the latest (rows come oldest first)
            key = (uid, quiz_id)
            counted[key] = score if latest or key not in counted else max(score, counted[key])
        for (uid, quiz_id), score in counted.items():
            cells[uid][f"quiz-{quiz_id}"] = f"{score}%"
        for sub in db.session.scalars(
            sa.select(RolePlaySubmission).where(RolePlaySubmission.cohort_id == cohort.id,
                                                RolePlaySubmission.trainee_id.in_(ids))
            .order_by(RolePlaySubmission.attempt)
        ):
            text = sub.outcome.label if sub.outcome else sub.status.label
            cells[sub.trainee_id][f"roleplay-{sub.scenario_id}"] = f"{text} (attempt {sub.attempt})"
    rows = [Row(u.name, u.email, cells[u.id]) for u in trainees]
    return columns, rows


def csv_lines(columns: list[Column], rows: list[Row]) -> Iterator[str]:
    line = line_writer()
    yield line(["Trainee", "Email", *(c.label for c in columns)])
    for row in rows:
        yield line([row.name, row.email, *(row.cells.get(c.key, "") for c in columns)])
