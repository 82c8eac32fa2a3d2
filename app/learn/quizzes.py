"""Quiz attempts: start (shuffled), submit (validated, scored once), results."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import Cohort, Question, Quiz, QuizAttempt, User


class QuizRefused(DomainError):
    pass


def questions_of(quiz: Quiz) -> dict[str, Question]:
    return {q.key: q for q in db.session.scalars(
        sa.select(Question).where(Question.quiz_id == quiz.id, Question.archived_at.is_(None))
        .order_by(Question.position))}


def attempts_of(quiz: Quiz, cohort: Cohort, user: User) -> list[QuizAttempt]:
    return list(db.session.scalars(sa.select(QuizAttempt).where(
        QuizAttempt.quiz_id == quiz.id, QuizAttempt.cohort_id == cohort.id, QuizAttempt.user_id == user.id)
        .order_by(QuizAttempt.number)))


def start_attempt(quiz: Quiz, cohort: Cohort, user: User, *, rng: random.Random | None = None) -> QuizAttempt:
    """The open attempt if there is one; otherwise a new one with questions and options shuffled."""
    attempts = attempts_of(quiz, cohort, user)
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    if open_attempt:
        return open_attempt
    if len(attempts) >= quiz.max_attempts:
        raise QuizRefused(f"You have used all {quiz.max_attempts} attempts at this quiz.")
    rng = rng or random.SystemRandom()
    questions = list(questions_of(quiz).values())
    rng.shuffle(questions)
    layout = []
    for q in questions:
        keys = [o["key"] for o in q.options]
        if q.kind != "true_false":  # True stays before False
            rng.shuffle(keys)
        layout.append({"question": q.key, "options": keys})
    attempt = QuizAttempt(quiz_id=quiz.id, cohort_id=cohort.id, user_id=user.id,
                          number=len(attempts) + 1, layout=layout)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        raise QuizRefused("An attempt was started at the same moment in another window. "
                          "Reload the quiz page to continue it.") from None
    return attempt


@dataclass(frozen=True)
class Scored:
    score_percent: int
    passed: bool
    correct: dict[str, bool]


def score(questions: dict[str, Question], answers: dict[str, list[str]], pass_percent: int) -> Scored:
    """A question is right when the chosen options are exactly its correct options."""
    correct = {}
    for key, q in questions.items():
        right = {o["key"] for o in q.options if o["correct"]}
        correct[key] = set(answers.get(key, [])) == right
    pct = round(100 * sum(correct.values()) / len(questions)) if questions else 0
    return Scored(pct, pct >= pass_percent, correct)


def validate_answers(attempt: QuizAttempt, questions: dict[str, Question],
                     answers: dict[str, list[str]]) -> dict[str, list[str]]:
    shown = {item["question"]: item["options"] for item in attempt.layout}
    unknown = set(answers) - set(shown)
    if unknown:
        raise QuizRefused("The answers do not belong to this quiz. Reload the page and try again.")
    for key, chosen in answers.items():
        if not set(chosen) <= set(shown[key]) or len(set(chosen)) != len(chosen):
            raise QuizRefused("An answer named an option that is not part of its question. "
                              "Reload the page and try again.")
        if questions[key].kind in ("single", "true_false") and len(chosen) > 1:
            raise QuizRefused("Choose only one option for single-answer questions.")
    unanswered = [k for k in shown if not answers.get(k)]
    if unanswered:
        raise QuizRefused(f"Answer every question before submitting ({len(unanswered)} left).")
    return {k: sorted(v) for k, v in answers.items()}


def submit_attempt(attempt: QuizAttempt, answers: dict[str, list[str]], *,
                   now: datetime | None = None) -> QuizAttempt:
    """Score and close an attempt exactly once, even when submitted twice at the same time."""
    if attempt.is_submitted:
        raise QuizRefused("This attempt was already submitted; its result is below.")
    quiz = attempt.quiz
    questions = questions_of(quiz)
    clean = validate_answers(attempt, questions, answers)
    result = score({k: questions[k] for k in clean}, clean, quiz.pass_percent)
    closed = db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now or utcnow(), answers=clean, score_percent=result.score_percent,
                passed=result.passed)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise QuizRefused("This attempt was already submitted; its result is below.")
    db.session.refresh(attempt)
    return attempt
