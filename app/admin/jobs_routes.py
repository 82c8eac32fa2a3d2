"""The admins' Jobs page: each background job's schedule and last run, failures, and the mail outbox with
its dead letters."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.admin.routes import bp
from app.db import utcnow
from app.extensions import db
from app.forms import ActionForm
from app.guards import guard
from app.jobs import JOBS, mail_letters
from app.jobs.queue import enqueue
from app.jobs.record import failures, latest_runs
from app.models import MailSuppression
from app.views import committed

#: with no run of any job for this long, the page warns that no worker seems to be running
QUIET_MINUTES = 5


@bp.get("/jobs")
@guard(policy.can_administer)
def jobs():
    last = latest_runs()
    newest = max((runs[0].started_at for runs in last.values()), default=None)
    quiet = newest is None or utcnow() - newest > timedelta(minutes=QUIET_MINUTES)
    return render_template("admin/jobs.html", jobs=JOBS.values(), last=last, failures=failures(), quiet=quiet,
                           newest=newest, mail=mail_letters.counts(), dead=mail_letters.dead_letters(),
                           suppressed=mail_letters.suppressions(), form=ActionForm())


@bp.post("/jobs/<key>/run")
@guard(policy.can_administer)
def run_job(key: str):
    job = JOBS.get(key) or abort(404)
    if ActionForm().validate_on_submit():
        try:
            enqueue(current_app._get_current_object(), key)
        except Exception:  # the queue's store is unreachable: say so, change nothing
            flash(f"{job.title}: the job queue could not be reached, so nothing was queued.", "error")
        else:
            flash(f"{job.title}: queued. A worker runs it within seconds; its result appears below.", "success")
    return redirect(url_for("admin.jobs"))


@bp.post("/jobs/mail/send-again")
@guard(policy.can_administer)
def resend_dead_letters():
    if ActionForm().validate_on_submit():
        ok, count = committed(lambda: mail_letters.send_again(current_user, request.remote_addr))
        if ok:
            flash(f"{count} message{'s' if count != 1 else ''} put back in the queue." if count else
                  "There were no dead letters.", "success")
    return redirect(url_for("admin.jobs") + "#mail")


@bp.post("/jobs/mail/suppressions/<int:suppression_id>/lift")
@guard(policy.can_administer)
def lift_suppression(suppression_id: int):
    row = db.session.get(MailSuppression, suppression_id) or abort(404)
    if ActionForm().validate_on_submit():
        address = row.address
        if committed(lambda: mail_letters.lift(row, current_user, request.remote_addr))[0]:
            flash(f"Mail to {address} will be sent again.", "success")
    return redirect(url_for("admin.jobs") + "#suppressed")
