"""The partner organization admin's portal. Platform admins may open any organization's portal;
an organization admin only their own (another organization's objects answer 404)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.admin import queries as admin_queries
from app.admin.routes import committed, invitation
from app.admin.services import resend_invitation as resend
from app.api import keys
from app.certificates.services import requirements_for
from app.extensions import db
from app.forms import ActionForm
from app.guards import guard, not_found_unless
from app.inputs import db_int, safe_next
from app.main.services import seat_history, seats_in_use
from app.models import ApiKey, Cohort, Course, Enrollment, Organization, RosterImport, User
from app.partners import dashboard, roster, services
from app.partners.forms import ApiKeyForm, CohortForm, MoveForm, RevokeKeyForm, RosterUploadForm, WithdrawForm
from app.supervision.services import supervisors_with_credentials

bp = Blueprint("partners", __name__, url_prefix="/partners", template_folder="templates")


def load_org(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    not_found_unless(org is not None and policy.can_manage_organization(current_user, org))
    return org


def load_cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    not_found_unless(cohort is not None and policy.can_manage_organization(current_user, cohort.organization))
    return cohort


def load_enrollment(enrollment_id: int) -> Enrollment:
    enrollment = db.session.get(Enrollment, enrollment_id)
    not_found_unless(enrollment is not None
                     and policy.can_manage_organization(current_user, enrollment.cohort.organization))
    return enrollment


@bp.get("/")
@guard(policy.can_use_partner_portal)
def home():
    """An organization admin's own portal; platform admins choose an organization first."""
    if current_user.organization_id is None:
        return redirect(url_for("admin.organizations"))
    return redirect(url_for("partners.organization", org_id=current_user.organization_id))


@bp.get("/organizations/<int:org_id>")
@guard(policy.can_use_partner_portal)
def organization(org_id: int):
    org = load_org(org_id)
    cohorts = services.org_cohorts(org)
    return render_template("partners/organization.html", org=org, in_use=seats_in_use(org.id),
                           history=seat_history(org.id), cohorts=cohorts,
                           counts=admin_queries.enrollment_counts([c.id for c in cohorts]),
                           supervisors=supervisors_with_credentials(current_user, organization_id=org.id))


@bp.route("/organizations/<int:org_id>/cohorts/new", methods=["GET", "POST"])
@guard(policy.can_use_partner_portal)
def new_cohort(org_id: int):
    org = load_org(org_id)
    form = CohortForm(courses=services.open_courses(), instructors=admin_queries.active_instructors())
    if form.validate_on_submit():
        ok, cohort = committed(lambda: services.create_cohort(
            org, course=db.session.get(Course, form.course_id.data) or abort(400), name=form.name.data,
            start_date=form.start_date.data, timezone=form.timezone.data, instructor_ids=form.instructors.data or [],
            session_weekday=form.session_weekday.data, session_time=form.session_time.data, actor=current_user,
            ip=request.remote_addr), field=form.name)
        if ok:
            flash(f"{cohort.name} is created with its weekly live sessions. Now enroll its trainees.", "success")
            return redirect(url_for("partners.cohort", cohort_id=cohort.id))
    return render_template("partners/cohort_form.html", form=form, org=org)


# Roster enrollment ---------------------------------------------------------------------------

@bp.route("/organizations/<int:org_id>/roster", methods=["GET", "POST"])
@guard(policy.can_use_partner_portal)
def upload_roster(org_id: int):
    org = load_org(org_id)
    cohorts = services.org_cohorts(org)
    form = RosterUploadForm(cohorts=cohorts)
    if request.method == "GET":
        # the cohort the admin came from, or the organization's only cohort: rows without a cohort go there
        only = cohorts[0].id if len(cohorts) == 1 else 0
        form.cohort_id.data = request.args.get("cohort", only, type=db_int)
    if form.validate_on_submit():
        default = next((c for c in cohorts if c.id == form.cohort_id.data), None)
        ok, imp = committed(lambda: roster.create_import(
            org, filename=form.file.data.filename, data=form.file.data.read(roster.MAX_BYTES + 1),
            default_cohort=default, actor=current_user), field=form.file)
        if ok:
            return redirect(url_for("partners.roster_preview", org_id=org.id, import_id=imp.id))
    return render_template("partners/roster_upload.html", form=form, org=org, cohorts=cohorts,
                           max_rows=roster.MAX_ROWS)


def load_import(org: Organization, import_id: int) -> RosterImport:
    imp = db.session.get(RosterImport, import_id)
    not_found_unless(imp is not None and imp.organization_id == org.id)
    return imp


@bp.get("/organizations/<int:org_id>/roster/<int:import_id>")
@guard(policy.can_use_partner_portal)
def roster_preview(org_id: int, import_id: int):
    org = load_org(org_id)
    imp = load_import(org, import_id)
    return render_template("partners/roster_preview.html", org=org, imp=imp, preview=roster.check(imp, org),
                           form=ActionForm(), ENROLL=roster.ENROLL, ALREADY=roster.ALREADY)


@bp.post("/organizations/<int:org_id>/roster/<int:import_id>/confirm")
@guard(policy.can_use_partner_portal)
def confirm_roster(org_id: int, import_id: int):
    org = load_org(org_id)
    imp = load_import(org, import_id)
    if ActionForm().validate_on_submit():
        ok, outcome = committed(lambda: roster.confirm(imp, org, actor=current_user, invitation=invitation(),
                                                       ip=request.remote_addr))
        if ok:
            flash(f"{outcome.enrolled} trainees enrolled; {outcome.invited} invitations sent; "
                  f"{outcome.skipped} rows left out.", "success")
            cohort_id = imp.default_cohort_id
            if cohort_id:
                return redirect(url_for("partners.cohort", cohort_id=cohort_id))
            return redirect(url_for("partners.organization", org_id=org.id))
    return redirect(url_for("partners.roster_preview", org_id=org.id, import_id=imp.id))


# Cohort dashboard ----------------------------------------------------------------------------

@bp.get("/cohorts/<int:cohort_id>")
@guard(policy.can_use_partner_portal)
def cohort(cohort_id: int):
    cohort = load_cohort(cohort_id)
    return render_template("partners/cohort.html", cohort=cohort, grid=dashboard.cohort_grid(cohort),
                           action_form=ActionForm())


@bp.get("/enrollments/<int:enrollment_id>")
@guard(policy.can_use_partner_portal)
def trainee(enrollment_id: int):
    """One trainee's "what is left", with due dates: the same list the trainee and instructors see
    (accommodations and their notes are not shown here)."""
    enrollment = load_enrollment(enrollment_id)
    reqs = requirements_for(enrollment.user, enrollment.cohort)
    return render_template("partners/trainee.html", enrollment=enrollment, requirements=reqs,
                           met=sum(q.met for q in reqs))


@bp.get("/cohorts/<int:cohort_id>/export.csv")
@guard(policy.can_use_partner_portal)
def export_cohort(cohort_id: int):
    cohort = load_cohort(cohort_id)
    lines = dashboard.grid_csv(dashboard.cohort_grid(cohort))
    return Response(lines, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="cohort-{cohort.id}-progress.csv"'})


# Trainees ------------------------------------------------------------------------------------

@bp.post("/trainees/<int:trainee_id>/resend-invitation")
@guard(policy.can_use_partner_portal)
def resend_invitation(trainee_id: int):
    trainee = db.session.get(User, trainee_id)
    not_found_unless(trainee is not None and trainee.organization is not None
                     and policy.can_manage_organization(current_user, trainee.organization)
                     and services.org_trainee(trainee.organization, trainee.id) is not None)
    if ActionForm().validate_on_submit() and committed(
            lambda: resend(trainee, actor=current_user, invitation=invitation(), ip=request.remote_addr))[0]:
        flash(f"A new invitation was sent to {trainee.email}. Earlier links no longer work.", "success")
    return redirect(safe_next(request.form.get("next"),
                              url_for("partners.organization", org_id=trainee.organization_id)))


@bp.route("/enrollments/<int:enrollment_id>/withdraw", methods=["GET", "POST"])
@guard(policy.can_use_partner_portal)
def withdraw(enrollment_id: int):
    enrollment = load_enrollment(enrollment_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        ok, _ = committed(lambda: services.withdraw(enrollment, actor=current_user, ip=request.remote_addr),
                          field=form.confirm)
        if ok:
            flash(f"{enrollment.user.name} is withdrawn from {enrollment.cohort.name}. Their seat is free again.",
                  "success")
            return redirect(url_for("partners.cohort", cohort_id=enrollment.cohort_id))
    return render_template("partners/withdraw.html", form=form, enrollment=enrollment)


@bp.route("/enrollments/<int:enrollment_id>/move", methods=["GET", "POST"])
@guard(policy.can_use_partner_portal)
def move(enrollment_id: int):
    enrollment = load_enrollment(enrollment_id)
    from_id = enrollment.cohort_id
    others = [c for c in services.org_cohorts(enrollment.cohort.organization) if c.id != from_id]
    form = MoveForm(cohorts=others)
    if form.validate_on_submit():
        target = next((c for c in others if c.id == form.cohort_id.data), None)
        not_found_unless(target is not None)
        ok, _ = committed(lambda: services.move(enrollment, target, actor=current_user, ip=request.remote_addr),
                          field=form.cohort_id)
        if ok:
            flash(f"{enrollment.user.name} moved to {target.name}.", "success")
            return redirect(url_for("partners.cohort", cohort_id=from_id))
    return render_template("partners/move.html", form=form, enrollment=enrollment, others=others)


# API keys ------------------------------------------------------------------------------------

@bp.route("/organizations/<int:org_id>/api-keys", methods=["GET", "POST"])
@guard(policy.can_use_partner_portal)
def api_keys(org_id: int):
    org = load_org(org_id)
    form = ApiKeyForm()
    raw = None
    if form.validate_on_submit():
        ok, created = committed(lambda: keys.create_key(org, name=form.name.data, actor=current_user,
                                                        ip=request.remote_addr), field=form.name)
        if ok:
            raw = created[1]  # shown on this page only; never stored
            form = ApiKeyForm(formdata=None)
    return render_template("partners/api_keys.html", org=org, form=form, raw=raw, keys=keys.org_keys(org))


@bp.route("/api-keys/<int:key_id>/revoke", methods=["GET", "POST"])
@guard(policy.can_use_partner_portal)
def revoke_api_key(key_id: int):
    key = db.session.get(ApiKey, key_id)
    not_found_unless(key is not None and policy.can_manage_organization(current_user, key.organization))
    form = RevokeKeyForm()
    if form.validate_on_submit():
        ok, _ = committed(lambda: keys.revoke_key(key, actor=current_user, ip=request.remote_addr),
                          field=form.confirm)
        if ok:
            flash(f"The key “{key.name}” is revoked. Requests with it are refused from now on.", "success")
            return redirect(url_for("partners.api_keys", org_id=key.organization_id))
    return render_template("partners/revoke_key.html", form=form, key=key)
