"""Staying well in the work: the trainee's private check-in, trend and journal, and a route to a person today."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import policy
from app.db import utcnow
from app.extensions import db
from app.forms import ActionForm
from app.guards import guard, not_found_unless
from app.models import Cohort, JournalEntry, SupportRequest, WellbeingShare
from app.views import committed
from app.wellbeing import checkin as questions
from app.wellbeing import circles, services, sharing, signals, support
from app.wellbeing.forms import AcknowledgeForm, CheckinForm, JournalForm, ShareForm, TalkForm

bp = Blueprint("wellbeing", __name__, url_prefix="/wellbeing", template_folder="templates")


def _page(forms: dict | None = None):
    slots = services.checkin_slots(current_user)
    forms = forms or {}
    for slot in slots:
        if slot.cohort.id not in forms:
            form = CheckinForm(prefix=f"c{slot.cohort.id}", formdata=None)
            if slot.this_week:
                for key in questions.KEYS:
                    form[key].data = slot.this_week.answers.get(key)
                form.talk.data, form.note.data = slot.this_week.wants_to_talk, slot.this_week.note
            forms[slot.cohort.id] = form
    shown = {s.cohort.id for s in slots}
    past = [c for c in services.history_cohorts(current_user) if c.id not in shown]
    trends = {c.id: services.trend(current_user, c) for c in [s.cohort for s in slots] + past}
    supervisors, shares = sharing.my_supervisors(current_user), sharing.own_shares(current_user)
    shared_with = {(s.cohort_id, s.supervisor_id) for s in shares if s.cohort_id}
    share_forms = {}
    for cid, points in trends.items():
        not_yet = [p for p in supervisors if (cid, p.id) not in shared_with]
        if points and not_yet:
            share_forms[cid] = share_form(not_yet, "trend", cohort_id=cid)
    return render_template("wellbeing/index.html", slots=slots, past=past, forms=forms, trends=trends,
                           notes={cid: questions.notes(points) for cid, points in trends.items()},
                           questions=questions, is_heavy=questions.is_heavy, shares=shares,
                           share_forms=share_forms, action_form=ActionForm(),
                           circle_cohorts=circles.cohorts_with_circles(current_user))


@bp.get("/")
@guard(policy.can_check_in)
def index():
    return _page()


@bp.post("/cohorts/<int:cohort_id>/checkin")
@guard(policy.can_check_in)
def checkin(cohort_id: int):
    cohort = db.session.get(Cohort, cohort_id)
    not_found_unless(cohort is not None and any(s.cohort.id == cohort_id for s in services.checkin_slots(current_user)))
    form = CheckinForm(prefix=f"c{cohort_id}")
    if not form.validate_on_submit():
        return _page({cohort_id: form}), 400
    answers = {key: form[key].data for key in questions.KEYS}
    ok, _row = committed(lambda: services.save_checkin(current_user, cohort, answers, wants_to_talk=form.talk.data,
                                                       note=form.note.data or ""), field=form.note)
    if not ok:
        return _page({cohort_id: form}), 400
    flash("Your check-in is saved. Only you can see it.", "success")
    return redirect(url_for("wellbeing.index") + f"#cohort-{cohort_id}")


# Journal ------------------------------------------------------------------------------------------------

def _own_entry(entry_id: int) -> JournalEntry:
    entry = db.session.get(JournalEntry, entry_id)
    not_found_unless(entry is not None and policy.can_edit_journal_entry(current_user, entry))
    return entry


@bp.route("/journal", methods=["GET", "POST"])
@guard(policy.can_keep_journal)
def journal():
    form = JournalForm()
    if form.validate_on_submit():
        ok, _entry = committed(lambda: services.add_entry(current_user, form.body.data), field=form.body)
        if ok:
            flash("Saved to your journal.", "success")
            return redirect(url_for("wellbeing.journal"))
    entries, supervisors = services.journal(current_user), sharing.my_supervisors(current_user)
    shared = {s.journal_entry_id: s for s in sharing.own_shares(current_user) if s.journal_entry_id}
    return render_template("wellbeing/journal.html", form=form, entries=entries, shared=shared,
                           share_forms={e.id: share_form(supervisors, "journal", entry_id=e.id) for e in entries}
                           if supervisors else {}, action_form=ActionForm()), (400 if form.errors else 200)


@bp.route("/journal/<int:entry_id>", methods=["GET", "POST"])
@guard(policy.can_keep_journal)
def edit_entry(entry_id: int):
    entry = _own_entry(entry_id)
    form = JournalForm(data={"body": entry.body})
    form.body.label.text, form.submit.label.text = "Your entry", "Save changes"
    if form.validate_on_submit():
        ok, _entry = committed(lambda: services.edit_entry(entry, form.body.data), field=form.body)
        if ok:
            flash("Entry updated.", "success")
            return redirect(url_for("wellbeing.journal") + f"#entry-{entry.id}")
    return render_template("wellbeing/edit_entry.html", form=form, entry=entry, action_form=ActionForm()), \
        (400 if form.errors else 200)


@bp.post("/journal/<int:entry_id>/delete")
@guard(policy.can_keep_journal)
def delete_entry(entry_id: int):
    entry = _own_entry(entry_id)
    if ActionForm().validate_on_submit():
        committed(lambda: services.delete_entry(entry))
        flash("The entry is deleted.", "success")
    return redirect(url_for("wellbeing.journal"))


@bp.get("/export.<fmt>")
@guard(policy.can_check_in)
def export(fmt: str):
    """The trainee's own check-ins and journal, to keep: JSON for another tool, or plain text to read."""
    stamp = utcnow().strftime("%Y-%m-%d")
    if fmt == "json":
        body, mimetype = services.export_json(current_user), "application/json"
    elif fmt == "txt":
        body, mimetype = services.export_text(current_user), "text/plain; charset=utf-8"
    else:
        abort(404)
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="my-check-ins-and-journal-{stamp}.{fmt}"'})


# "I need to talk to someone" ----------------------------------------------------------------------------

def _link(req: SupportRequest) -> str:
    return url_for("wellbeing.support_request", request_id=req.id, _external=True)


def _visible_request(request_id: int) -> SupportRequest:
    req = db.session.get(SupportRequest, request_id)
    not_found_unless(req is not None and policy.can_view_support_request(current_user, req))
    return req


@bp.route("/talk", methods=["GET", "POST"])
@guard(policy.can_ask_for_support)
def talk():
    cohorts = support.support_cohorts(current_user)
    cohort = next((c for c in cohorts if c.id == request.args.get("cohort", type=int)), cohorts[0] if cohorts else None)
    options = support.choices(current_user, cohort) if cohort else []
    form = TalkForm()
    form.to.choices = [SelectChoice(o.value, o.label) for o in options]
    if cohort is not None and form.validate_on_submit():
        ok, _req = committed(lambda: support.request_support(
            current_user, cohort, form.to.data, form.message.data or "", backend=current_app.config["MAIL_BACKEND"],
            link_for=_link), field=form.to)
        if ok:
            flash("Your request is sent. You can see below who has it and when they acknowledge it.", "success")
            return redirect(url_for("wellbeing.talk", cohort=cohort.id) + "#your-requests")
    return render_template("wellbeing/talk.html", form=form, cohorts=cohorts, cohort=cohort, options=options,
                           hours=support.wellbeing_rules(cohort.course)["escalate_after_hours"] if cohort else None,
                           requests=support.own_requests(current_user)), (400 if form.errors else 200)


@bp.get("/requests")
@guard(policy.can_receive_support_requests)
def inbox():
    return render_template("wellbeing/inbox.html", requests=support.inbox(current_user),
                           shared=sharing.shared_with(current_user) if policy.can_sign_off(current_user) else [])


@bp.get("/requests/<int:request_id>")
@guard(policy.signed_in)
def support_request(request_id: int):
    req = _visible_request(request_id)
    can_ack = policy.can_acknowledge_support_request(current_user, req) and req.acknowledged_at is None
    return render_template("wellbeing/request.html", req=req, form=AcknowledgeForm() if can_ack else None)


@bp.post("/requests/<int:request_id>/acknowledge")
@guard(policy.signed_in)
def acknowledge(request_id: int):
    req = _visible_request(request_id)
    not_found_unless(policy.can_acknowledge_support_request(current_user, req))
    form = AcknowledgeForm()
    if form.validate_on_submit():
        ok, _req = committed(lambda: support.acknowledge(req, current_user, form.reply.data or "",
                                                         backend=current_app.config["MAIL_BACKEND"], link_for=_link))
        if ok:
            flash(f"Acknowledged. {req.trainee.name} can see that you have it.", "success")
    return redirect(url_for("wellbeing.support_request", request_id=req.id))


# Signals for the organization: aggregates of five or more ------------------------------------------------

def _signals_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    not_found_unless(cohort is not None and policy.can_see_wellbeing_signals(current_user, cohort))
    return cohort


@bp.get("/cohorts/<int:cohort_id>/signals")
@guard(policy.can_use_partner_portal)
def cohort_signals(cohort_id: int):
    cohort = _signals_cohort(cohort_id)
    return render_template("wellbeing/signals.html", cohort=cohort, weeks=signals.week_signals(cohort),
                           load=signals.load_factors(cohort), has_checkin=signals.has_checkin(cohort),
                           min_group=signals.MIN_GROUP, questions=questions, not_enough=signals.NOT_ENOUGH)


@bp.get("/cohorts/<int:cohort_id>/signals.csv")
@guard(policy.can_use_partner_portal)
def cohort_signals_csv(cohort_id: int):
    cohort = _signals_cohort(cohort_id)
    return Response(signals.signals_csv(cohort), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="cohort-{cohort.id}-wellbeing-signals.csv"'})


# Sharing with a supervisor, on the trainee's terms ---------------------------------------------------------

def share_form(supervisors, kind: str, *, cohort_id: int | None = None, entry_id: int | None = None) -> ShareForm:
    form = ShareForm(formdata=None, data={"kind": kind, "cohort_id": cohort_id or "", "entry_id": entry_id or ""})
    form.supervisor_id.choices = [SelectChoice(s.id, s.name) for s in supervisors]
    return form


@bp.post("/shares")
@guard(policy.can_share_with_supervisor)
def share():
    form = ShareForm()
    form.supervisor_id.choices = [SelectChoice(s.id, s.name) for s in sharing.my_supervisors(current_user)]
    back = url_for("wellbeing.journal") if form.kind.data == "journal" else url_for("wellbeing.index")
    if not form.validate_on_submit():
        flash("Choose one of your supervisors to share with.", "error")
        return redirect(back)
    ok, row = committed(lambda: sharing.share(
        current_user, form.supervisor_id.data, form.kind.data, cohort_id=_int(form.cohort_id.data),
        entry_id=_int(form.entry_id.data)))
    if ok:
        flash(f"Shared with {row.supervisor.name} for your next session. You can withdraw it at any time.", "success")
    return redirect(back)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _visible_share(share_id: int) -> WellbeingShare:
    row = db.session.get(WellbeingShare, share_id)
    not_found_unless(row is not None and policy.can_view_wellbeing_share(
        current_user, row, supervises=sharing.supervises(current_user, row.user_id)))
    return row


@bp.post("/shares/<int:share_id>/withdraw")
@guard(policy.can_share_with_supervisor)
def withdraw_share(share_id: int):
    row = db.session.get(WellbeingShare, share_id)
    not_found_unless(row is not None and policy.can_withdraw_wellbeing_share(current_user, row))
    if ActionForm().validate_on_submit():
        committed(lambda: sharing.withdraw(row))
        flash(f"Withdrawn: {row.supervisor.name} no longer sees it.", "success")
    return redirect(url_for("wellbeing.index") + "#shared")


@bp.get("/shared/<int:share_id>")
@guard(policy.signed_in)
def shared_item(share_id: int):
    row = _visible_share(share_id)
    points = services.trend(row.trainee, row.cohort) if row.cohort is not None else []
    return render_template("wellbeing/shared_item.html", share=row, points=points, questions=questions)
