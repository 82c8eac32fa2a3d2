"""The week page, live sessions, attendance, early unlocks and calendars."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.certificates.triggers import issue_after
from app.cohorts.services import roster
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.guards import authorize, guard
from app.learn import calendar, progress, services
from app.learn.forms import LiveSessionForm
from app.learn.loading import load_week
from app.models import AttendanceStatus
from app.pacing import in_zone, unlock_at

bp = Blueprint("learn", __name__, template_folder="templates")


def _week_url(cohort_id: int, week: int) -> str:
    return url_for("learn.week", cohort_id=cohort_id, week=week, _external=True)


def _teaching(cohort_id: int, week: int):
    """The week and its live session, for the cohort's instructors (and admins) only."""
    ctx = load_week(cohort_id, week)
    authorize(policy.can_teach(current_user, ctx.cohort))
    return ctx, services.get_live_session(ctx.cohort, week) or abort(404)


@bp.get("/cohorts/<int:cohort_id>/weeks/<int:week>")
@guard(policy.signed_in)
def week(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    session = services.get_live_session(ctx.cohort, week)
    if not policy.can_see_week_content(current_user, ctx.cohort, is_enrolled=ctx.enrolled, is_open=ctx.is_open):
        opens = in_zone(unlock_at(ctx.cohort.start_date, ctx.cohort.timezone, week), current_user.timezone)
        return render_template("learn/week_locked.html", ctx=ctx, opens=opens)
    summary = progress.week_summary_for(current_user, ctx) if ctx.enrolled else None
    can_mark_read = policy.can_mark_lecture_read(current_user, ctx.cohort, is_enrolled=ctx.enrolled,
                                                 is_open=ctx.is_open)
    read = can_mark_read and services.has_read_lecture(ctx.cohort, ctx.module, current_user)
    return render_template("learn/week.html", ctx=ctx, session=session, summary=summary,
                           can_mark_read=can_mark_read, read=read,
                           local_start=in_zone(session.starts_at, current_user.timezone) if session else None,
                           show_join=policy.can_see_join_link(current_user, ctx.cohort, is_enrolled=ctx.enrolled),
                           can_teach=policy.can_teach(current_user, ctx.cohort), form=ActionForm())


@bp.post("/cohorts/<int:cohort_id>/weeks/<int:week>/read")
@guard(policy.signed_in)
def mark_read(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    authorize(policy.can_mark_lecture_read(current_user, ctx.cohort, is_enrolled=ctx.enrolled, is_open=ctx.is_open))
    if ActionForm().validate_on_submit():
        newly_read = services.mark_lecture_read(ctx.cohort, ctx.module, current_user)
        db.session.commit()
        if newly_read:
            issue_after([current_user.id])
        flash(f"Week {week}'s lecture is marked as read.", "success")
    return redirect(url_for("learn.week", cohort_id=cohort_id, week=week) + "#lecture-read")


@bp.post("/cohorts/<int:cohort_id>/weeks/<int:week>/unlock")
@guard(policy.signed_in)
def unlock_week(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    authorize(policy.can_teach(current_user, ctx.cohort))
    if ActionForm().validate_on_submit():
        if services.unlock_week_early(ctx.cohort, week, actor=current_user):
            flash(f"Week {week} is now open for {ctx.cohort.name}.", "success")
        else:
            flash(f"Week {week} was already open.", "info")
        db.session.commit()
    return redirect(url_for("learn.week", cohort_id=cohort_id, week=week))


@bp.get("/cohorts/<int:cohort_id>/weeks/<int:week>/session.ics")
@guard(policy.signed_in)
def session_ics(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    session = services.get_live_session(ctx.cohort, week) or abort(404)
    body = calendar.build_calendar([(session, ctx.cohort, ctx.module)], week_url=_week_url,
                                   name=f"{ctx.cohort.name}: week {week}")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="week-{week}-live-session.ics"'})


@bp.route("/cohorts/<int:cohort_id>/weeks/<int:week>/session", methods=["GET", "POST"])
@guard(policy.signed_in)
def edit_session(cohort_id: int, week: int):
    ctx, session = _teaching(cohort_id, week)
    form = LiveSessionForm()
    if request.method == "GET":
        form.starts_local.data = in_zone(session.starts_at, ctx.cohort.timezone).replace(tzinfo=None)
        form.duration_minutes.data = session.duration_minutes
        form.join_url.data, form.recording_url.data = session.join_url, session.recording_url
    if form.validate_on_submit():
        services.update_live_session(session, ctx.cohort, local_start=form.starts_local.data,
                                     duration_minutes=form.duration_minutes.data, join_url=form.join_url.data or "",
                                     recording_url=form.recording_url.data or "", actor=current_user)
        db.session.commit()
        flash("Live session saved.", "success")
        return redirect(url_for("learn.week", cohort_id=cohort_id, week=week))
    return render_template("learn/edit_session.html", ctx=ctx, form=form)


@bp.route("/cohorts/<int:cohort_id>/weeks/<int:week>/attendance", methods=["GET", "POST"])
@guard(policy.signed_in)
def attendance(cohort_id: int, week: int):
    ctx, session = _teaching(cohort_id, week)
    trainees = [e for e in roster(ctx.cohort) if e.is_current]
    form = ActionForm()
    submitted: dict[str, str] = {}
    if form.validate_on_submit():
        submitted = {k.removeprefix("status-"): v for k, v in request.form.items() if k.startswith("status-")}
        try:
            statuses = {int(uid): AttendanceStatus(value) for uid, value in submitted.items() if value}
            changed = services.save_attendance(session, statuses, roster_ids={e.user_id for e in trainees},
                                               actor=current_user)
        except (ValueError, DomainError) as exc:
            db.session.rollback()
            flash(str(exc) if isinstance(exc, DomainError) else "Choose a status from the list for each trainee.",
                  "error")
        else:
            db.session.commit()
            issue_after(list(statuses))
            flash(f"Attendance saved ({changed} change{'s' if changed != 1 else ''}).", "success")
            return redirect(url_for("learn.attendance", cohort_id=cohort_id, week=week))
    current = {uid: a.status.value for uid, a in services.attendance_for(session).items()}
    current.update({int(k): v for k, v in submitted.items() if k.isdigit()})
    return render_template("learn/attendance.html", ctx=ctx, session=session, trainees=trainees,
                           current=current, statuses=list(AttendanceStatus), form=form,
                           started=session.starts_at <= utcnow(),
                           local_start=in_zone(session.starts_at, ctx.cohort.timezone))


@bp.post("/cohorts/<int:cohort_id>/weeks/<int:week>/recording-watched")
@guard(policy.signed_in)
def recording_watched(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    authorize(policy.can_take_quiz(current_user, ctx.cohort, is_enrolled=ctx.enrolled))
    session = services.get_live_session(ctx.cohort, week) or abort(404)
    if ActionForm().validate_on_submit():
        try:
            services.mark_recording_watched(session, current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            issue_after([current_user.id])
            flash("Thanks: the recording counts toward your attendance.", "success")
    return redirect(url_for("learn.week", cohort_id=cohort_id, week=week))


@bp.get("/cohorts/<int:cohort_id>/weeks/<int:week>/progress")
@guard(policy.signed_in)
def week_progress(cohort_id: int, week: int):
    ctx = load_week(cohort_id, week)
    authorize(policy.can_teach(current_user, ctx.cohort) or policy.can_see_roster(current_user, ctx.cohort))
    rows = progress.cohort_week_rows(ctx.cohort, week)
    return render_template("learn/week_progress.html", ctx=ctx, rows=rows)


@bp.get("/calendar/<token>.ics")
@guard(policy.public)
def calendar_feed(token: str):
    user = calendar.user_for_feed_token(token, current_app.config["SECRET_KEY"]) or abort(404)
    body = calendar.build_calendar(calendar.sessions_for(user), week_url=_week_url,
                                   name=f"{current_app.config['PLATFORM_NAME']} live sessions")
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=900"})


@bp.post("/account/calendar/reset")
@guard(policy.signed_in)
def reset_calendar():
    if ActionForm().validate_on_submit():
        calendar.revoke_feed(current_user)
        db.session.commit()
        flash("Your calendar link was replaced. The old link no longer works.", "success")
    return redirect(url_for("auth.profile") + "#calendar")
