"""Quiz attempts: shuffling, scoring, limits, refusals and the one-submission guarantee."""

from __future__ import annotations

import random
import threading

import pytest
import sqlalchemy as sa

from app.learn import quizzes
from app.models import Module, Quiz, QuizAttempt
from tests import factories


def week_quiz(db, week: int) -> Quiz:
    return db.session.scalar(sa.select(Quiz).join(Module).where(Module.week == week))


def right_answers(quiz: Quiz) -> dict[str, list[str]]:
    return {q.key: sorted(o["key"] for o in q.options if o["correct"]) for q in quiz.questions}


def wrong_answers(quiz: Quiz) -> dict[str, list[str]]:
    out = {}
    for q in quiz.questions:
        wrong = [o["key"] for o in q.options if not o["correct"]]
        out[q.key] = wrong[:1] if wrong else [q.options[0]["key"]]
    return out


def test_questions_and_options_are_shuffled_per_attempt(running_cohort, db):
    quiz = week_quiz(db, 1)
    c, t = running_cohort["cohort"], running_cohort["trainee"]
    first = quizzes.start_attempt(quiz, c, t, rng=random.Random(1))
    quizzes.submit_attempt(first, wrong_answers(quiz))
    second = quizzes.start_attempt(quiz, c, t, rng=random.Random(2))
    order = [i["question"] for i in first.layout], [i["question"] for i in second.layout]
    assert sorted(order[0]) == sorted(order[1]) == sorted(q.key for q in quiz.questions)
    assert order[0] != order[1]
    assert any(a["options"] != b["options"] for a, b in zip(
        sorted(first.layout, key=lambda i: i["question"]), sorted(second.layout, key=lambda i: i["question"]),
        strict=True))


def test_scoring_is_exact_per_question_and_the_best_score_is_kept(running_cohort, db):
    from app.eligibility.records import load_records
    from tests.conftest import set_course_rules

    set_course_rules(db, running_cohort["course"], "quizzes", reveal_answers="after_last_attempt")

    quiz = week_quiz(db, 1)
    c, t = running_cohort["cohort"], running_cohort["trainee"]
    attempt = quizzes.start_attempt(quiz, c, t)
    quizzes.submit_attempt(attempt, wrong_answers(quiz))
    assert (attempt.score_percent, attempt.passed) == (0, False)
    attempt = quizzes.start_attempt(quiz, c, t)
    assert attempt.number == 2
    result = quizzes.submit_attempt(attempt, right_answers(quiz))
    assert (result.score_percent, result.passed) == (100, True)
    attempt = quizzes.start_attempt(quiz, c, t)  # the answers stay hidden until the last attempt
    half = right_answers(quiz)
    multi = next(q for q in quiz.questions if q.kind == "multiple")
    half[multi.key] = half[multi.key][:1]  # a partly right multiple-choice answer scores nothing
    quizzes.submit_attempt(attempt, half)
    n = len(quiz.questions)
    assert attempt.score_percent == round(100 * (n - 1) / n)
    db.session.commit()
    assert load_records(c, [t.id])[t.id].quiz_best[1] == 100


def test_no_attempt_after_the_limit(running_cohort, db):
    quiz = week_quiz(db, 2)
    c, t = running_cohort["cohort"], running_cohort["trainee"]
    for _ in range(quiz.max_attempts):
        quizzes.submit_attempt(quizzes.start_attempt(quiz, c, t), wrong_answers(quiz))
    with pytest.raises(quizzes.QuizRefused, match="used all 3 attempts"):
        quizzes.start_attempt(quiz, c, t)
    # an instructor's extra attempt opens exactly one more
    from app.exceptions import services as exceptions
    from app.models import ExceptionKind

    exceptions.grant(c, t, kind=ExceptionKind.EXTRA_ATTEMPT, item="week-2-quiz", reason="Power cut mid-quiz",
                     actor=running_cohort["instructor"])
    quizzes.submit_attempt(quizzes.start_attempt(quiz, c, t), wrong_answers(quiz))
    with pytest.raises(quizzes.QuizRefused, match="used all 4 attempts"):
        quizzes.start_attempt(quiz, c, t)


def test_an_open_attempt_is_continued_not_duplicated(running_cohort, db):
    quiz = week_quiz(db, 1)
    c, t = running_cohort["cohort"], running_cohort["trainee"]
    assert quizzes.start_attempt(quiz, c, t).id == quizzes.start_attempt(quiz, c, t).id


@pytest.mark.parametrize(("tamper", "message"), [
    (lambda a, q: {**a, next(iter(a)): ["o99"]}, "not part of its question"),
    (lambda a, q: {**a, "q999": ["o1"]}, "do not belong to this quiz"),
    (lambda a, q: {k: v for k, v in list(a.items())[1:]}, "Answer every question"),
    (lambda a, q: {**a, _single(q): ["o1", "o2"]}, "only one option"),
])
def test_bad_answers_are_refused_and_nothing_is_recorded(running_cohort, db, tamper, message):
    quiz = week_quiz(db, 1)
    attempt = quizzes.start_attempt(quiz, running_cohort["cohort"], running_cohort["trainee"])
    db.session.commit()
    with pytest.raises(quizzes.QuizRefused, match=message):
        quizzes.submit_attempt(attempt, tamper(right_answers(quiz), quiz))
    db.session.rollback()
    fresh = db.session.get(QuizAttempt, attempt.id)
    assert fresh.submitted_at is None and fresh.answers is None and fresh.score_percent is None


def _single(quiz: Quiz) -> str:
    return next(q.key for q in quiz.questions if q.kind == "single")


def test_a_submitted_attempt_cannot_be_submitted_again(running_cohort, db):
    quiz = week_quiz(db, 1)
    attempt = quizzes.start_attempt(quiz, running_cohort["cohort"], running_cohort["trainee"])
    quizzes.submit_attempt(attempt, wrong_answers(quiz))
    with pytest.raises(quizzes.QuizRefused, match="already submitted"):
        quizzes.submit_attempt(attempt, right_answers(quiz))
    assert attempt.score_percent == 0


def test_two_simultaneous_submissions_score_once(running_cohort, db, app):
    """Two requests submit the same attempt at once: exactly one is recorded."""
    quiz = week_quiz(db, 1)
    attempt = quizzes.start_attempt(quiz, running_cohort["cohort"], running_cohort["trainee"])
    db.session.commit()
    answers = [right_answers(quiz), wrong_answers(quiz)]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit(i: int) -> None:
        with app.app_context():
            mine = db.session.get(QuizAttempt, attempt.id)
            barrier.wait(timeout=10)
            try:
                quizzes.submit_attempt(mine, answers[i])
                db.session.commit()
                outcomes.append("ok")
            except quizzes.QuizRefused:
                db.session.rollback()
                outcomes.append("refused")
            except sa.exc.OperationalError:  # SQLite: the loser may find the database locked
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refused"]
    db.session.expire_all()
    stored = db.session.get(QuizAttempt, attempt.id)
    assert stored.score_percent in (0, 100)


def test_a_program_where_the_latest_attempt_counts(course, db):
    """quizzes.counts = "latest": a pass followed by a fail no longer meets the week."""
    from app.eligibility import engine
    from app.eligibility.records import load_plan, load_records

    org = factories.make_org()
    cohort = factories.make_cohort(course, org)
    trainee = factories.make_user(factories.Role.TRAINEE, organization_id=org.id)
    factories.make_enrollment(cohort, trainee)
    quiz = db.session.scalar(sa.select(Quiz).join(Module).where(Module.course_id == course.id, Module.week == 1))
    factories.make_attempt(quiz, cohort, trainee, submitted=True, score_percent=100, passed=True)
    factories.make_attempt(quiz, cohort, trainee, submitted=True, score_percent=40, passed=False)
    db.session.commit()

    def week1(counts: str) -> engine.Requirement:
        rules = {**course.rules, "quizzes": {**course.rules["quizzes"], "counts": counts}}
        plan = engine.CoursePlan(load_plan(course).weeks, rules)
        reqs = engine.evaluate(load_records(cohort, [trainee.id])[trainee.id], plan)
        return next(q for q in reqs if q.key == "week-1-quiz")

    assert week1("best").met
    latest = week1("latest")
    assert not latest.met and "your latest is 40%" in latest.missing and "latest attempt counts" in latest.label


# Answers revealed per the program's quizzes.reveal_answers -------------------------------------------

@pytest.mark.parametrize(("rule", "passed", "left", "shown"), [
    ("always", False, 2, True),
    ("after_pass", True, 0, True), ("after_pass", False, 0, False), ("after_pass", False, 1, False),
    ("after_last_attempt", True, 1, False), ("after_last_attempt", False, 0, True),
    ("after_pass_or_last_attempt", True, 0, True), ("after_pass_or_last_attempt", False, 0, True),
    ("after_pass_or_last_attempt", False, 2, False),
])
def test_answers_are_never_revealed_while_attempts_remain_unless_always(rule, passed, left, shown):
    assert quizzes.answers_revealed(rule, passed=passed, left=left) is shown


def test_a_pass_that_reveals_the_answers_ends_the_quiz_but_not_under_after_last_attempt(running_cohort, db):
    from tests.conftest import set_course_rules

    quiz = week_quiz(db, 1)
    c, t = running_cohort["cohort"], running_cohort["trainee"]
    quizzes.submit_attempt(quizzes.start_attempt(quiz, c, t), right_answers(quiz))
    with pytest.raises(quizzes.QuizRefused, match="passed this quiz and its answers are shown"):
        quizzes.start_attempt(quiz, c, t)
    set_course_rules(db, running_cohort["course"], "quizzes", reveal_answers="after_last_attempt")
    assert quizzes.start_attempt(quiz, c, t).number == 2


# Timed quizzes: quizzes.time_limit_minutes and the trainee's accommodation ------------------------------

def test_the_deadline_is_the_limit_times_the_accommodation(running_cohort, db):
    from datetime import timedelta

    from app.db import utcnow
    from app.models import Accommodation
    from tests.conftest import set_course_rules

    quiz = week_quiz(db, 1)
    c, t, peer = running_cohort["cohort"], running_cohort["trainee"], running_cohort["peer"]
    now = utcnow()
    assert quizzes.start_attempt(quiz, c, peer, now=now).due_at is None  # absent: untimed
    set_course_rules(db, running_cohort["course"], "quizzes", time_limit_minutes=20)
    db.session.add(Accommodation(user_id=t.id, quiz_time_factor=1.5, set_by_id=running_cohort["instructor"].id))
    other = factories.make_user(factories.Role.TRAINEE)
    factories.make_enrollment(c, other)
    db.session.flush()
    assert quizzes.start_attempt(quiz, c, t, now=now).due_at == now + timedelta(minutes=30)
    assert quizzes.start_attempt(quiz, c, other, now=now).due_at == now + timedelta(minutes=20)


def test_a_late_submission_is_scored_but_does_not_count_and_uses_the_attempt(running_cohort, db):
    from datetime import timedelta

    from app.db import utcnow
    from app.eligibility.records import load_records
    from tests.conftest import set_course_rules

    set_course_rules(db, running_cohort["course"], "quizzes", time_limit_minutes=10)
    quiz = week_quiz(db, 1)
    c, t = running_cohort["cohort"], running_cohort["trainee"]
    start = utcnow()
    on_time = quizzes.start_attempt(quiz, c, t, now=start)
    # within the 60-second grace it counts
    quizzes.submit_attempt(on_time, wrong_answers(quiz), now=start + timedelta(minutes=10, seconds=59))
    assert not on_time.late and on_time.score_percent == 0
    late = quizzes.start_attempt(quiz, c, t, now=start)
    answers = right_answers(quiz)
    del answers[quiz.questions[0].key]  # time ran out: an unanswered question is simply not correct
    quizzes.submit_attempt(late, answers, now=start + timedelta(minutes=11, seconds=1))
    n = len(quiz.questions)
    assert late.late and not late.passed and late.score_percent == round(100 * (n - 1) / n)
    db.session.commit()
    records = load_records(c, [t.id])[t.id]
    assert records.quiz_attempts[1] == 2 and records.quiz_best[1] == 0
    # before the deadline every question still needs an answer
    third = quizzes.start_attempt(quiz, c, t, now=start)
    with pytest.raises(quizzes.QuizRefused, match="Answer every question"):
        quizzes.submit_attempt(third, answers, now=start + timedelta(minutes=5))
