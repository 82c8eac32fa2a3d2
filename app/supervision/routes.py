"""Supervision: trainees log sessions, supervisors sign off, everyone sees the ledger."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.certificates.triggers import issue_after
from app.extensions import db
from app.forms import ActionForm
from app.guards import authorize, guard, not_found_unless
from app.inputs import db_int
from app.models import (
    CredentialType,
    DeliveryMode,
    HoursStatement,
    SupervisionSession,
    SupervisionType,
    SupervisorAssignment,
    User,
)
from app.supervision import ledger as ledgers
from app.supervision import services
from app.supervision.forms import CredentialForm, DecisionForm, DeclineForm, GroupSessionForm, SessionForm

bp = Blueprint("supervision", __name__, url_prefix="/supervision", template_folder="templates")


def _input(form: SessionForm) -> services.SessionInput:
    return services.SessionInput(
        supervisor_id=form.supervisor_id.data, session_date=form.session_date.data,
        start_time=form.start_time.data, duration_minutes=form.duration_minutes.data,
        supervision_type=SupervisionType(form.supervision_type.data),
        delivery_mode=DeliveryMode(form.delivery_mode.data), topics=form.topics.data or [],
        summary=form.summary.data or "", action_items=form.action_items.data or "",
        attested=form.attested.data, identifiers_confirmed=form.identifiers_confirmed.data,
        cohort_id=form.cohort_id.data, category=form.category.data or None)


def _program_arg() -> int | None:
    """?program=<cohort id>: which of a trainee's programs a ledger shows (ignored when not theirs)."""
    return request.args.get("program", type=db_int)


def _session_form(**kwargs) -> SessionForm:
    """The log form with the trainee's supervisors, programs, and the kinds and categories they count."""
    programs = services.programs_of(current_user)
    return SessionForm(supervisors=services.supervisors_of(current_user), programs=programs,
                       types=services.offered_types(programs), categories=services.categories_of(programs), **kwargs)


def _show_refusal(form, exc: services.SupervisionRefused) -> None:
    """Put a refusal's message beside the field it is about, or at the top of the form."""
    target = getattr(form, exc.field, None) if exc.field else None
    (target.errors if target is not None else form.form_errors).append(str(exc))


def _save(form: SessionForm, action) -> bool:
    """Run a save/submit action; on refusal put the message on the form. True when saved."""
    try:
        action(_input(form), submit=bool(form.submit.data))
    except services.IdentifiersFound as exc:
        db.session.rollback()
        form.findings = exc.findings
        return False
    except services.SupervisionRefused as exc:
        db.session.rollback()
        _show_refusal(form, exc)
        return False
    db.session.commit()
    flash("Session submitted to your supervisor." if form.submit.data else "Draft saved.", "success")
    return True


def _load_session(session_id: int) -> SupervisionSession:
    session = db.session.get(SupervisionSession, session_id) or abort(404)
    supervises = services.is_supervisor_of(current_user, session.trainee_id)
    not_found_unless(policy.can_view_trainee_hours(current_user, session.trainee, supervises=supervises)
                     or policy.can_read_session_notes(current_user, session, supervises=supervises))
    return session


@bp.get("/")
@guard(policy.can_log_supervision)
def index():
    return render_template("supervision/ledger.html", ledger=ledgers.ledger_for(current_user, _program_arg()), own=True)


@bp.route("/sessions/new", methods=["GET", "POST"])
@guard(policy.can_log_supervision)
def new_session():
    form = _session_form()
    if form.validate_on_submit() and _save(form, lambda data, submit: services.log_session(
            current_user, data, submit=submit)):
        return redirect(url_for("supervision.index"))
    return render_template("supervision/session_form.html", form=form, title="Log a supervision session")


def _own_session_form(session_id: int) -> tuple[SupervisionSession, SessionForm]:
    """One of the current trainee's sessions and the log form, filled from it on GET."""
    session = _load_session(session_id)
    authorize(policy.can_change_hours_record(current_user, session))
    form = _session_form(obj=session if request.method == "GET" else None)
    if request.method == "GET":
        form.attested.data = False  # attest again each time
    return session, form


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@guard(policy.can_log_supervision)
def edit_session(session_id: int):
    session, form = _own_session_form(session_id)
    if form.validate_on_submit() and _save(form, lambda data, submit: services.update_session(
            session, current_user, data, submit=submit)):
        return redirect(url_for("supervision.index"))
    return render_template("supervision/session_form.html", form=form, record=session,
                           title="Change a supervision session")


@bp.route("/sessions/<int:session_id>/amend", methods=["GET", "POST"])
@guard(policy.can_log_supervision)
def amend_session(session_id: int):
    original, form = _own_session_form(session_id)
    if form.validate_on_submit() and _save(form, lambda data, submit: services.amend_session(
            original, current_user, data, submit=submit)):
        return redirect(url_for("supervision.index"))
    return render_template("supervision/session_form.html", form=form, record=original,
                           title="Amend an approved session", amending=True)


@bp.get("/sessions/<int:session_id>")
@guard(policy.signed_in)
def show_session(session_id: int):
    session = _load_session(session_id)
    supervises = services.is_supervisor_of(current_user, session.trainee_id)
    return render_template("supervision/session.html", session=session,
                           notes=policy.can_read_session_notes(current_user, session, supervises=supervises))


@bp.get("/queue")
@guard(policy.can_sign_off)
def queue():
    return render_template("supervision/queue.html", sessions=services.queue_for(current_user),
                           credential=services.credential_of(current_user))


@bp.route("/sessions/<int:session_id>/decide", methods=["GET", "POST"])
@guard(policy.can_sign_off)
def decide(session_id: int):
    session = _load_session(session_id)
    authorize(policy.can_decide_session(current_user, session))
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if form.approve.data:
                services.approve_session(session, current_user, password=form.password.data,
                                         ip=request.remote_addr)
            else:
                services.return_session(session, current_user, reason=form.reason.data, ip=request.remote_addr)
        except services.SupervisionRefused as exc:
            db.session.rollback()
            _show_refusal(form, exc)
        else:
            db.session.commit()
            issue_after([session.trainee_id])  # an approval may meet the last requirement
            flash("Session approved and signed." if form.approve.data else "Session returned to the trainee.",
                  "success")
            return redirect(url_for("supervision.queue"))
    return render_template("supervision/decide.html", session=session, form=form,
                           credential=services.credential_of(current_user))


@bp.route("/group/new", methods=["GET", "POST"])
@guard(policy.can_sign_off)
def new_group_session():
    supervisees = services.supervisees_of(current_user)
    form = GroupSessionForm(supervisees=supervisees,
                            categories=services.categories_of(services.programs_of_all(supervisees)))
    if form.validate_on_submit():
        data = services.GroupInput(
            attendee_ids=form.attendee_ids.data or [], session_date=form.session_date.data,
            start_time=form.start_time.data, duration_minutes=form.duration_minutes.data,
            delivery_mode=DeliveryMode(form.delivery_mode.data), topics=form.topics.data or [],
            summary=form.summary.data or "", action_items=form.action_items.data or "",
            identifiers_confirmed=form.identifiers_confirmed.data, category=form.category.data or None)
        try:
            rows = services.create_group_session(current_user, data, password=form.password.data,
                                                 ip=request.remote_addr)
        except services.IdentifiersFound as exc:
            db.session.rollback()
            form.findings = exc.findings
        except services.SupervisionRefused as exc:
            db.session.rollback()
            _show_refusal(form, exc)
        else:
            db.session.commit()
            flash(f"Group session signed. {len(rows)} attendees are asked to confirm it.", "success")
            return redirect(url_for("supervision.queue"))
    return render_template("supervision/group_form.html", form=form)


@bp.post("/sessions/<int:session_id>/confirm")
@guard(policy.can_log_supervision)
def confirm_group(session_id: int):
    session = _load_session(session_id)
    if ActionForm().validate_on_submit():
        try:
            services.confirm_group_session(session, current_user)
        except services.SupervisionRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            issue_after([session.trainee_id])
            flash("Thanks: the group session counts toward your hours.", "success")
    return redirect(url_for("supervision.index"))


@bp.route("/sessions/<int:session_id>/decline", methods=["GET", "POST"])
@guard(policy.can_log_supervision)
def decline_group(session_id: int):
    session = _load_session(session_id)
    authorize(policy.can_change_hours_record(current_user, session))
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_group_session(session, current_user, reason=form.reason.data)
        except services.SupervisionRefused as exc:
            db.session.rollback()
            form.reason.errors.append(str(exc))
        else:
            db.session.commit()
            flash("You declined the group session; your supervisor can see why.", "success")
            return redirect(url_for("supervision.index"))
    return render_template("supervision/decline.html", form=form, record=session)


@bp.get("/trainees/<int:trainee_id>/ledger")
@guard(policy.signed_in)
def trainee_ledger(trainee_id: int):
    trainee = db.session.get(User, trainee_id) or abort(404)
    supervises = services.is_supervisor_of(current_user, trainee.id)
    not_found_unless(policy.can_view_trainee_hours(current_user, trainee, supervises=supervises))
    return render_template("supervision/ledger.html", ledger=ledgers.ledger_for(trainee, _program_arg()), own=False,
                           supervises=supervises)


@bp.get("/statement.pdf")
@guard(policy.can_log_supervision)
def statement():
    ledger = ledgers.ledger_for(current_user, _program_arg())
    record = ledgers.create_statement(ledger, secret=current_app.config["SECRET_KEY"])
    pdf = ledgers.statement_pdf(ledger, record, url_for("supervision.verify_statement",
                                                        reference=record.reference, _external=True))
    db.session.commit()  # after the PDF is built: a commit expires the ledger, which would reload row by row
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="hours-statement-{record.reference}.pdf"'})


@bp.get("/statements/<reference>")
@guard(policy.public)
def verify_statement(reference: str):
    record = db.session.scalar(db.select(HoursStatement).where(HoursStatement.reference == reference.upper()))
    if record is None:
        return render_template("supervision/statement_unknown.html", reference=reference), 404
    return render_template("supervision/statement_verified.html", record=record)


@bp.route("/credential", methods=["GET", "POST"])
@guard(policy.can_sign_off)
def credential():
    current = services.credential_of(current_user)
    form = CredentialForm(obj=current if request.method == "GET" else None)
    if form.validate_on_submit():
        services.save_credential(current_user, credential_type=CredentialType(form.credential_type.data),
                                 license_number=form.license_number.data, state=form.state.data,
                                 expires_on=form.expires_on.data)
        db.session.commit()
        flash("Credential saved. Your organization's administrator verifies it before you can sign sessions.",
              "success")
        return redirect(url_for("supervision.queue"))
    return render_template("supervision/credential.html", form=form, current=current)


@bp.get("/credentials")
@guard(policy.can_manage_credentials)
def credentials():
    assignments, supervisors = services.assignment_rows(current_user)
    return render_template("supervision/credentials.html", rows=services.supervisors_with_credentials(current_user),
                           assignments=assignments, supervisors=supervisors, form=ActionForm())


@bp.post("/assignments")
@guard(policy.can_manage_credentials)
def assign():
    trainee = db.session.get(User, request.form.get("trainee_id", type=db_int) or 0) or abort(404)
    supervisor = db.session.get(User, request.form.get("supervisor_id", type=db_int) or 0) or abort(404)
    not_found_unless(policy.can_assign_supervisor(current_user, trainee, supervisor))
    if ActionForm().validate_on_submit():
        try:
            services.assign_supervisor(trainee, supervisor, actor=current_user)
        except services.SupervisionRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{supervisor.name} now supervises {trainee.name}.", "success")
    return redirect(url_for("supervision.credentials") + "#assignments")


@bp.post("/assignments/<int:assignment_id>/remove")
@guard(policy.can_manage_credentials)
def unassign(assignment_id: int):
    row = db.session.get(SupervisorAssignment, assignment_id) or abort(404)
    not_found_unless(policy.can_assign_supervisor(current_user, row.trainee, row.supervisor))
    if ActionForm().validate_on_submit():
        try:
            services.unassign_supervisor(row, actor=current_user)
        except services.SupervisionRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Assignment removed.", "success")
    return redirect(url_for("supervision.credentials") + "#assignments")


@bp.post("/credentials/<int:user_id>/verify")
@guard(policy.can_manage_credentials)
def verify_credential(user_id: int):
    supervisor = db.session.get(User, user_id) or abort(404)
    not_found_unless(policy.can_verify_credential(current_user, supervisor))
    cred = services.credential_of(supervisor) or abort(404)
    if ActionForm().validate_on_submit():
        services.verify_credential(cred, current_user)
        db.session.commit()
        flash(f"{supervisor.name}'s credential is verified.", "success")
    return redirect(url_for("supervision.credentials"))
