"""Taking a week's quiz: overview, start an attempt, answer and submit, see feedback."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.certificates.triggers import issue_after
from app.extensions import db
from app.forms import ActionForm
from app.guards import authorize, guard, not_found_unless
from app.learn import quizzes
from app.learn.loading import load_cohort, load_week
from app.learn.routes import bp
from app.models import Module, Quiz, QuizAttempt
from app.pacing import in_zone


def _quiz_for(module: Module) -> Quiz:
    return db.session.scalar(sa.select(Quiz).where(Quiz.module_id == module.id, Quiz.archived_at.is_(None))) \
        or abort(404)


@bp.get("/cohorts/<int:cohort_id>/weeks/<int:week>/quiz")
@guard(policy.signed_in)
def quiz(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    quiz = _quiz_for(ctx.module)
    can_take = policy.can_take_quiz(current_user, ctx.cohort, is_enrolled=ctx.enrolled)
    attempts = quizzes.attempts_of(quiz, ctx.cohort, current_user) if can_take else []
    counting = [a for a in attempts if a.is_submitted and not a.late]
    rule = quizzes.reveal_rule(ctx.cohort)
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    counts = quizzes.quiz_rules(ctx.cohort).get("counts", "best")
    allowed = quizzes.allowed_attempts(quiz, ctx.cohort, current_user.id) if can_take else quiz.max_attempts
    return render_template("learn/quiz.html", ctx=ctx, quiz=quiz, attempts=attempts, can_take=can_take,
                           best=quizzes.counted_score(counting, counts), counts=counts, allowed=allowed,
                           open_attempt=open_attempt,
                           open_overdue=open_attempt is not None and quizzes.is_overdue(open_attempt),
                           left=quizzes.attempts_left(quiz, attempts, rule, allowed=allowed),
                           reveal_when=quizzes.REVEAL_WHEN.get(rule),
                           minutes=quizzes.time_limit_minutes(ctx.cohort, current_user),
                           n_questions=len(quizzes.questions_of(quiz)), form=ActionForm())


@bp.post("/cohorts/<int:cohort_id>/weeks/<int:week>/quiz/start")
@guard(policy.signed_in)
def start_quiz(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    quiz = _quiz_for(ctx.module)
    authorize(policy.can_take_quiz(current_user, ctx.cohort, is_enrolled=ctx.enrolled))
    back = url_for("learn.quiz", cohort_id=cohort_id, week=week)
    if not ActionForm().validate_on_submit():
        return redirect(back)
    if not ctx.is_open:
        flash(f"Week {week} is not open yet, so its quiz cannot be taken.", "error")
        return redirect(back)
    try:
        attempt = quizzes.start_attempt(quiz, ctx.cohort, current_user)
    except quizzes.QuizRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    return redirect(url_for("learn.attempt", attempt_id=attempt.id))


def _load_attempt(attempt_id: int):
    attempt = db.session.get(QuizAttempt, attempt_id) or abort(404)
    cohort, _enrolled = load_cohort(attempt.cohort_id)
    not_found_unless(policy.can_view_attempt(current_user, attempt, cohort))
    module = db.session.get(Module, attempt.quiz.module_id)
    return attempt, cohort, module


@bp.route("/quiz-attempts/<int:attempt_id>", methods=["GET", "POST"])
@guard(policy.signed_in)
def attempt(attempt_id: int):
    attempt, cohort, module = _load_attempt(attempt_id)
    if attempt.is_submitted:
        return redirect(url_for("learn.attempt_result", attempt_id=attempt.id))
    authorize(policy.can_answer_attempt(current_user, attempt))
    questions = quizzes.questions_of(attempt.quiz)
    form = ActionForm()
    chosen: dict[str, list[str]] = {}
    if form.validate_on_submit():
        chosen = {k.removeprefix("q-"): request.form.getlist(k) for k in request.form if k.startswith("q-")}
        try:
            quizzes.submit_attempt(attempt, chosen)
        except quizzes.QuizRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
            if attempt.is_submitted:
                return redirect(url_for("learn.attempt_result", attempt_id=attempt.id))
        else:
            db.session.commit()
            issue_after([attempt.user_id])
            return redirect(url_for("learn.attempt_result", attempt_id=attempt.id))
    return render_template("learn/attempt.html", attempt=attempt, cohort=cohort, module=module,
                           questions=questions, chosen=chosen, form=form, seconds_left=quizzes.seconds_left(attempt),
                           overdue=quizzes.is_overdue(attempt),
                           local_due=in_zone(attempt.due_at, current_user.timezone) if attempt.due_at else None)


@bp.get("/quiz-attempts/<int:attempt_id>/result")
@guard(policy.signed_in)
def attempt_result(attempt_id: int):
    attempt, cohort, module = _load_attempt(attempt_id)
    if not attempt.is_submitted:
        return redirect(url_for("learn.attempt", attempt_id=attempt.id))
    questions = quizzes.questions_of(attempt.quiz)
    shown = [item["question"] for item in attempt.layout if item["question"] in questions]
    result = quizzes.score({k: questions[k] for k in shown}, attempt.answers or {}, attempt.quiz.pass_percent)
    attempts = quizzes.attempts_of(attempt.quiz, cohort, attempt.user)
    rule = quizzes.reveal_rule(cohort)
    left = quizzes.attempts_left(attempt.quiz, attempts, rule,
                                 allowed=quizzes.allowed_attempts(attempt.quiz, cohort, attempt.user_id))
    revealed = quizzes.answers_revealed(rule, passed=quizzes.has_passed(attempts), left=left)
    return render_template("learn/result.html", attempt=attempt, cohort=cohort, module=module,
                           questions=questions, correct=result.correct, attempts_left=left,
                           show_answers=policy.can_see_quiz_answers(current_user, attempt, cohort, revealed=revealed),
                           reveal_when=quizzes.REVEAL_WHEN.get(rule))
