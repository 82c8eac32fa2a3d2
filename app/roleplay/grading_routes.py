"""Instructor side: the grading queue, the grading page, the cohort gradebook and its CSV."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app import policy
from app.certificates.triggers import issue_after
from app.errors import DomainError
from app.extensions import db
from app.guards import authorize, guard
from app.learn.loading import load_cohort
from app.models import GradeRole, SubmissionStatus
from app.roleplay import gradebook, grading, services
from app.roleplay import rubric as rubric_rules
from app.roleplay.forms import GradeBase, comments_from, levels_from, missing_from, rubric_form
from app.roleplay.routes import bp, load_submission
from app.roleplay.standing import standing_of


@bp.get("/grading")
@guard(policy.can_use_grading_queue)
def queue():
    return render_template("roleplay/queue.html", groups=grading.queue_for(current_user), Status=SubmissionStatus)


@bp.route("/role-play/submissions/<int:submission_id>/grade", methods=["GET", "POST"])
@guard(policy.signed_in)
def grade(submission_id: int):
    sub, cohort = load_submission(submission_id)
    authorize(policy.can_grade(current_user, sub, cohort))
    rubric = services.rubric_for(cohort.course_id) or abort(404)
    standing = standing_of(rubric, current_user)
    if not policy.can_grade_now(current_user, sub, cohort, calibrated=standing.calibrated):
        return render_template("roleplay/grade_refused.html", sub=sub, cohort=cohort, rubric=rubric,
                               standing=standing), 403
    criteria = services.active_criteria(rubric, sub.scenario)
    form = rubric_form(rubric, criteria, base=GradeBase)()
    try:
        role = grading.role_for(sub, current_user, cohort)
    except grading.GradingRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("roleplay.submission", submission_id=sub.id))
    status, missing = 200, []
    if not form.is_submitted():
        form.version.data = sub.version
    elif form.validate_on_submit():
        try:
            result = grading.save_grade(
                sub, cohort, rubric, grader=current_user, levels=levels_from(form, criteria),
                comments=comments_from(form, criteria), overall=form.overall_comment.data or "",
                expected_version=int(form.version.data or 0), mail_backend=current_app.config["MAIL_BACKEND"])
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            status = 409 if isinstance(exc, grading.GradeConflict) else 422
        else:
            db.session.commit()
            issue_after([sub.trainee_id])  # a final pass may be the last step
            verdict = "meets the pass rule" if result.verdict.passed else "does not meet the pass rule"
            flash(f"Your grade {verdict} (mean {result.verdict.mean:.2f}). {result.message}", "success")
            return redirect(url_for("roleplay.queue"))
    else:
        missing, status = missing_from(form, criteria), 422
    # Blind second marking: only the lead deciding a dispute sees the earlier grades.
    earlier = list(sub.grades) if role is GradeRole.MODERATION else []
    titles = {c.key: c.title for c in criteria}
    return render_template("roleplay/grade.html", sub=sub, cohort=cohort, rubric=rubric, criteria=criteria,
                           form=form, role=role, earlier=earlier, missing=missing,
                           pass_rule=rubric_rules.describe_pass_rule(rubric.pass_rule or {}, titles),
                           reason_label=rubric_rules.DOUBLE_MARK_LABELS.get(sub.double_mark_reason or "")), status


def _gradebook_cohort(cohort_id: int):
    cohort, _enrolled = load_cohort(cohort_id)
    authorize(policy.can_teach(current_user, cohort))
    return cohort


@bp.get("/cohorts/<int:cohort_id>/gradebook")
@guard(policy.signed_in)
def gradebook_page(cohort_id: int):
    cohort = _gradebook_cohort(cohort_id)
    columns, rows = gradebook.build(cohort)
    return render_template("roleplay/gradebook.html", cohort=cohort, columns=columns, rows=rows)


@bp.get("/cohorts/<int:cohort_id>/gradebook.csv")
@guard(policy.signed_in)
def gradebook_csv(cohort_id: int):
    cohort = _gradebook_cohort(cohort_id)
    columns, rows = gradebook.build(cohort)
    # Rows are plain strings, loaded up front in a constant number of queries; the lines are streamed.
    return Response(gradebook.csv_lines(columns, rows), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="gradebook-cohort-{cohort.id}.csv"'})
