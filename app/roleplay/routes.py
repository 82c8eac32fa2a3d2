"""Trainee side of role-plays: the scenario page, submitting an attempt, a submission, its recording."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app import audit, policy
from app.errors import DomainError
from app.extensions import db
from app.guards import authorize, guard, not_found_unless
from app.learn.loading import load_cohort, load_week
from app.models import RolePlaySubmission
from app.roleplay import briefs, services, uploads
from app.roleplay import rubric as rubric_rules
from app.roleplay.forms import SubmissionForm

bp = Blueprint("roleplay", __name__, template_folder="templates")


def upload_settings() -> tuple:
    cfg = current_app.config
    return uploads.upload_dir(cfg, current_app.instance_path), cfg["RECORDING_MAX_BYTES"]


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_e):
    limit = uploads.megabytes(current_app.config["RECORDING_MAX_BYTES"])
    return render_template("errors/error.html", code=413, title="File too large", message=(
        f"That upload is over the {limit} limit, so nothing was saved. "
        "Shorten or compress the recording, or submit a transcript instead, and try again.")), 413


def _scenario_context(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    authorize(policy.can_see_week_content(current_user, ctx.cohort, is_enrolled=ctx.enrolled, is_open=ctx.is_open))
    scenario = services.scenario_for(ctx.module) or abort(404)
    return ctx, scenario


@bp.get("/cohorts/<int:cohort_id>/weeks/<int:week>/role-play")
@guard(policy.signed_in)
def scenario(cohort_id: int, week: int):
    ctx, scenario = _scenario_context(cohort_id, week)
    can_submit = policy.can_submit_roleplay(current_user, ctx.cohort, is_enrolled=ctx.enrolled)
    attempts = services.attempts_of(scenario, ctx.cohort, current_user) if can_submit else []
    refusal = services.next_attempt_refusal(attempts, scenario, ctx.cohort.course.rules or {}) if can_submit else None
    rubric = services.rubric_for(ctx.cohort.course_id)
    pass_rule = rubric_rules.describe_pass_rule(rubric.pass_rule or {}, {c.key: c.title for c in rubric.criteria}) \
        if rubric else []
    content = scenario.content or {}
    roles = briefs.roles_of(content)
    role = briefs.chosen_role(request.args.get("role"))
    see_all = policy.can_read_every_brief(current_user, ctx.cohort)
    return render_template("roleplay/scenario.html", ctx=ctx, scenario=scenario, c=content, roles=roles,
                           role=role, briefs=briefs.briefs_to_show(roles, role, see_all=see_all), see_all=see_all,
                           can_submit=can_submit, attempts=attempts, refusal=refusal, pass_rule=pass_rule,
                           can_teach=policy.can_teach(current_user, ctx.cohort))


@bp.route("/cohorts/<int:cohort_id>/weeks/<int:week>/role-play/submit", methods=["GET", "POST"])
@guard(policy.signed_in)
def submit(cohort_id: int, week: int):
    ctx, scenario = _scenario_context(cohort_id, week)
    authorize(policy.can_submit_roleplay(current_user, ctx.cohort, is_enrolled=ctx.enrolled))
    form = SubmissionForm()
    status = 200
    if form.validate_on_submit():
        directory, max_bytes = upload_settings()
        upload = form.recording.data if form.recording.data and form.recording.data.filename else None
        try:
            sub = services.submit(
                scenario, ctx.cohort, current_user, rules=ctx.cohort.course.rules or {},
                transcript=form.transcript.data or "", reflection=form.reflection.data or "",
                script=form.script.data, recording=upload.stream if upload else None, consent=form.consent.data,
                upload_dir=directory, max_bytes=max_bytes, mail_backend=current_app.config["MAIL_BACKEND"],
                reserve_bytes=current_app.config["UPLOAD_RESERVE_MB"] * 1024 * 1024)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
            status = 413 if getattr(exc, "too_large", False) else 422
        else:
            stored = sub.recording.stored_name if sub.recording else None
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                if stored:
                    uploads.discard(directory, stored)
                raise
            if stored:
                uploads.promote(directory, stored)  # only once its row exists
            flash(f"Attempt {sub.attempt} submitted. You will be told when it has been graded.", "success")
            return redirect(url_for("roleplay.submission", submission_id=sub.id))
    return render_template("roleplay/submit.html", ctx=ctx, scenario=scenario, form=form,
                           has_alternative=bool((scenario.content or {}).get("alternative")),
                           limit=uploads.megabytes(current_app.config["RECORDING_MAX_BYTES"])), status


def load_submission(submission_id: int):
    sub = db.session.get(RolePlaySubmission, submission_id) or abort(404)
    cohort, _enrolled = load_cohort(sub.cohort_id)
    not_found_unless(policy.can_view_submission(current_user, sub, cohort))
    return sub, cohort


@bp.get("/role-play/submissions/<int:submission_id>")
@guard(policy.signed_in)
def submission(submission_id: int):
    sub, cohort = load_submission(submission_id)
    rubric = services.rubric_for(cohort.course_id)
    owner = sub.trainee_id == current_user.id
    # The trainee sees grades once released; staff see who graded and the outcome, not blind details.
    released = sub.deciding_grade if sub.is_final else None
    refusal = None
    if owner and sub.is_final:
        attempts = services.attempts_of(sub.scenario, cohort, current_user)
        refusal = services.next_attempt_refusal(attempts, sub.scenario, cohort.course.rules or {})
    return render_template("roleplay/submission.html", sub=sub, cohort=cohort, rubric=rubric,
                           criteria=services.active_criteria(rubric, sub.scenario) if rubric else [], released=released,
                           owner=owner, refusal=refusal, week=sub.scenario.module.week,
                           show_reflection=policy.can_see_reflection(current_user, sub, cohort),
                           can_grade=policy.can_grade(current_user, sub, cohort))


@bp.get("/role-play/submissions/<int:submission_id>/recording")
@guard(policy.signed_in)
def recording(submission_id: int):
    sub, _cohort = load_submission(submission_id)
    rec = sub.recording
    if rec is None or rec.deleted_at is not None:
        abort(404)
    directory, _ = upload_settings()
    path = directory / rec.stored_name
    if not path.is_file():
        abort(404)
    # every read of a recording is audited, a part of it (a player's or a downloader's Range request) too:
    # skipping ranges that do not start at 0 let `Range: bytes=1-` fetch almost all of it unrecorded
    audit.record("recording.accessed", rec, actor=current_user, ip=request.remote_addr,
                 after={"range": request.headers.get("Range", "")[:100]} if request.range else None)
    db.session.commit()
    response = send_file(path, mimetype=rec.mime, as_attachment=True, conditional=True,
                         download_name=f"role-play-{sub.id}-attempt-{sub.attempt}.{rec.extension}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
