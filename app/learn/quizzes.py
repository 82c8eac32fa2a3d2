"""Quiz attempts: start (shuffled, with a deadline when the program times its quizzes), submit (validated,
scored once, late when past the deadline), and when a trainee may see the answers."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.errors import DomainError
from app.exceptions.services import extra_attempts
from app.extensions import db
from app.models import Accommodation, Cohort, Question, Quiz, QuizAttempt, User

#: a submission this long after the deadline still counts (a slow connection, a last click)
GRACE = timedelta(seconds=60)
#: rules under which a pass shows the answers, which ends the quiz for that trainee
REVEAL_ON_PASS = ("after_pass", "after_pass_or_last_attempt")


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


def quiz_rules(cohort: Cohort) -> dict:
    return (cohort.course.rules or {}).get("quizzes", {})


def reveal_rule(cohort: Cohort) -> str:
    return quiz_rules(cohort).get("reveal_answers", "after_pass_or_last_attempt")


def has_passed(attempts: list[QuizAttempt]) -> bool:
    return any(a.is_submitted and a.passed and not a.late for a in attempts)


def allowed_attempts(quiz: Quiz, cohort: Cohort, user_id: int) -> int:
    """The quiz's attempts plus any extra attempt an instructor granted this trainee."""
    return quiz.max_attempts + extra_attempts(cohort.id, user_id, f"week-{quiz.module.week}-quiz")


def attempts_left(quiz: Quiz, attempts: list[QuizAttempt], rule: str, *, allowed: int | None = None) -> int:
    """Attempts the trainee may still start. A pass that shows the answers ends the quiz: nobody
    retakes a quiz whose answers they have seen."""
    if rule in REVEAL_ON_PASS and has_passed(attempts):
        return 0
    return max(0, (quiz.max_attempts if allowed is None else allowed) - len(attempts))


def counted_score(attempts: list[QuizAttempt], counts: str) -> int | None:
    """The score that counts under the program's rule: the best or the latest on-time attempt."""
    scores = [a.score_percent for a in sorted(attempts, key=lambda a: a.number)
              if a.is_submitted and not a.late and a.score_percent is not None]
    if not scores:
        return None
    return scores[-1] if counts == "latest" else max(scores)


def answers_revealed(rule: str, *, passed: bool, left: int) -> bool:
    """Whether the trainee sees the correct options and their feedback. Never while attempts remain,
    unless the program shows them always."""
    if rule == "always":
        return True
    if left > 0:
        return False
    if rule == "after_pass":
        return passed
    return True  # after_last_attempt, after_pass_or_last_attempt: no attempt is left


REVEAL_WHEN = {
    "after_pass": "once you pass this quiz",
    "after_last_attempt": "once you have used all your attempts",
    "after_pass_or_last_attempt": "once you pass this quiz or have used all your attempts",
}


def time_factor(user: User) -> float:
    """The trainee's accommodation on timed work (1 without one)."""
    factor = db.session.scalar(sa.select(Accommodation.quiz_time_factor).where(Accommodation.user_id == user.id))
    return factor if factor and factor > 0 else 1.0


def time_limit_minutes(cohort: Cohort, user: User) -> int | None:
    """This trainee's minutes per attempt: the program's limit times their accommodation; None when untimed."""
    limit = quiz_rules(cohort).get("time_limit_minutes")
    return None if limit is None else math.ceil(limit * time_factor(user))


def seconds_left(attempt: QuizAttempt, *, now: datetime | None = None) -> int | None:
    if attempt.due_at is None:
        return None
    return max(0, math.floor((attempt.due_at - (now or utcnow())).total_seconds()))


def is_overdue(attempt: QuizAttempt, *, now: datetime | None = None) -> bool:
    """Past the deadline and its grace: a submission now is late and does not count."""
    return attempt.due_at is not None and (now or utcnow()) > attempt.due_at + GRACE


def start_attempt(quiz: Quiz, cohort: Cohort, user: User, *, rng: random.Random | None = None,
                  now: datetime | None = None) -> QuizAttempt:
    """The open attempt if there is one; otherwise a new one with questions and options shuffled
    and, when the program times its quizzes, a deadline."""
    attempts = attempts_of(quiz, cohort, user)
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    if open_attempt:
        return open_attempt
    rule = reveal_rule(cohort)
    allowed = allowed_attempts(quiz, cohort, user.id)
    if attempts_left(quiz, attempts, rule, allowed=allowed) == 0:
        if len(attempts) < allowed:
            raise QuizRefused("You have passed this quiz and its answers are shown on your result, "
                              "so it takes no more attempts.")
        raise QuizRefused(f"You have used all {allowed} attempts at this quiz.")
    rng = rng or random.SystemRandom()
    questions = list(questions_of(quiz).values())
    rng.shuffle(questions)
    layout = []
    for q in questions:
        keys = [o["key"] for o in q.options]
        if q.kind != "true_false":  # True stays before False
            rng.shuffle(keys)
        layout.append({"question": q.key, "options": keys})
    now = now or utcnow()
    minutes = time_limit_minutes(cohort, user)
    attempt = QuizAttempt(quiz_id=quiz.id, cohort_id=cohort.id, user_id=user.id, number=len(attempts) + 1,
                          layout=layout, started_at=now,
                          due_at=None if minutes is None else now + timedelta(minutes=minutes))
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
                     answers: dict[str, list[str]], *, time_is_up: bool = False) -> dict[str, list[str]]:
    """Answers that belong to the attempt; every question answered, unless its time is up (then an
    unanswered question is simply not correct)."""
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
    if unanswered and not time_is_up:
        raise QuizRefused(f"Answer every question before submitting ({len(unanswered)} left).")
    return {k: sorted(v) for k, v in answers.items()}


def submit_attempt(attempt: QuizAttempt, answers: dict[str, list[str]], *,
                   now: datetime | None = None) -> QuizAttempt:
    """Score and close an attempt exactly once, even when submitted twice at the same time.

    A timed attempt submitted after its deadline and the grace is scored on what was submitted, so the
    trainee sees how they did, but it is marked late: it neither passes nor counts, and it uses the attempt."""
    if attempt.is_submitted:
        raise QuizRefused("This attempt was already submitted; its result is below.")
    now = now or utcnow()
    quiz = attempt.quiz
    questions = questions_of(quiz)
    shown = {item["question"] for item in attempt.layout}
    clean = validate_answers(attempt, questions, answers,
                             time_is_up=attempt.due_at is not None and now > attempt.due_at)
    late = is_overdue(attempt, now=now)
    result = score({k: questions[k] for k in shown if k in questions}, clean, quiz.pass_percent)
    closed = db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now, answers=clean, score_percent=result.score_percent,
                passed=result.passed and not late, late=late)
        .execution_options(synchronize_session=False)
    )
    if closed.rowcount != 1:
        raise QuizRefused("This attempt was already submitted; its result is below.")
    db.session.refresh(attempt)
    return attempt
