"""Platform administration: organizations and their seats, courses, cohorts across organizations."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.admin import queries, services
from app.admin.forms import (
    ConfirmForm,
    EditOrganizationForm,
    OrganizationForm,
    PersonForm,
    SeatsForm,
    StaffAssignmentForm,
)
from app.cohorts.services import visible_cohorts_query
from app.extensions import db
from app.forms import ActionForm
from app.guards import guard
from app.inputs import page_number
from app.main.services import seat_history, seats_in_use
from app.models import Cohort, Organization, Role
from app.pacing import cohort_today, week_number
from app.views import committed

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def invitation() -> services.Invitation:
    return services.Invitation(
        link_for=lambda raw: url_for("auth.accept_invitation", token=raw, _external=True),
        hours=current_app.config["INVITATION_HOURS"], backend=current_app.config["MAIL_BACKEND"])


def load_org(org_id: int) -> Organization:
    return db.session.get(Organization, org_id) or abort(404)


# Organizations ------------------------------------------------------------------------------

@bp.get("/organizations")
@guard(policy.can_administer)
def organizations():
    return render_template("admin/organizations.html", rows=queries.organizations_overview())


@bp.route("/organizations/new", methods=["GET", "POST"])
@guard(policy.can_administer)
def new_organization():
    form = OrganizationForm()
    if form.validate_on_submit():
        ok, org = committed(lambda: services.create_organization(
            name=form.name.data, seats=form.seats.data, actor=current_user, ip=request.remote_addr), field=form.name)
        if ok:
            flash(f"{org.name} is created with {org.seat_limit} seats. Now name its organization admin.", "success")
            return redirect(url_for("admin.organization", org_id=org.id))
    return render_template("admin/organization_form.html", form=form, org=None)


@bp.get("/organizations/<int:org_id>")
@guard(policy.can_administer)
def organization(org_id: int):
    return _organization_page(load_org(org_id), SeatsForm(formdata=None))


def _organization_page(org: Organization, seats_form: SeatsForm):
    return render_template("admin/organization.html", org=org, seats_form=seats_form,
                           in_use=seats_in_use(org.id), admins=queries.org_admins(org),
                           history=seat_history(org.id), action_form=ActionForm())


@bp.route("/organizations/<int:org_id>/edit", methods=["GET", "POST"])
@guard(policy.can_administer)
def edit_organization(org_id: int):
    org = load_org(org_id)
    form = EditOrganizationForm(obj=org) if request.method == "GET" else EditOrganizationForm()
    if form.validate_on_submit():
        ok, _ = committed(lambda: services.update_organization(org, name=form.name.data, actor=current_user,
                                                               ip=request.remote_addr), field=form.name)
        if ok:
            flash("Organization saved.", "success")
            return redirect(url_for("admin.organization", org_id=org.id))
    return render_template("admin/organization_form.html", form=form, org=org)


@bp.post("/organizations/<int:org_id>/seats")
@guard(policy.can_administer)
def change_seats(org_id: int):
    org = load_org(org_id)
    form = SeatsForm()
    if form.validate_on_submit():
        ok, change = committed(lambda: services.change_seats(org, form.delta, reason=form.reason.data,
                                                             actor=current_user, ip=request.remote_addr),
                               field=form.seats)
        if ok:
            verb = "granted" if change.delta > 0 else "removed"
            flash(f"{abs(change.delta)} seats {verb}. {org.name} now has {org.seat_limit} seats.", "success")
            return redirect(url_for("admin.organization", org_id=org.id))
    return _organization_page(org, form)


@bp.route("/organizations/<int:org_id>/deactivate", methods=["GET", "POST"])
@guard(policy.can_administer)
def deactivate_organization(org_id: int):
    org = load_org(org_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if committed(lambda: services.set_organization_active(org, False, actor=current_user,
                                                              ip=request.remote_addr))[0]:
            flash(f"{org.name} is deactivated. Its members are signed out and cannot sign in.", "success")
        return redirect(url_for("admin.organization", org_id=org.id))
    return render_template("admin/confirm_deactivate.html", form=form, name=org.name,
                           back=url_for("admin.organization", org_id=org.id),
                           consequences=["Everyone in the organization is signed out at once and cannot sign in "
                                         "until you reactivate it.",
                                         "Its cohorts, records and certificates are kept.",
                                         "No seats can be granted and no admins named while it is deactivated."])


@bp.post("/organizations/<int:org_id>/reactivate")
@guard(policy.can_administer)
def reactivate_organization(org_id: int):
    org = load_org(org_id)
    if ActionForm().validate_on_submit() and committed(
            lambda: services.set_organization_active(org, True, actor=current_user, ip=request.remote_addr))[0]:
        flash(f"{org.name} is active again; its members can sign in.", "success")
    return redirect(url_for("admin.organization", org_id=org.id))


@bp.route("/organizations/<int:org_id>/admins/new", methods=["GET", "POST"])
@guard(policy.can_administer)
def new_org_admin(org_id: int):
    org = load_org(org_id)
    form = PersonForm()
    if form.validate_on_submit():
        ok, created = committed(lambda: services.create_person(
            name=form.name.data, email=form.email.data, role=Role.ORG_ADMIN, organization=org, actor=current_user,
            invitation=invitation(), ip=request.remote_addr), field=form.email)
        if ok:
            user = created[0]
            flash(f"{user.name} is an organization admin of {org.name}. An invitation was sent to {user.email}.",
                  "success")
            return redirect(url_for("admin.organization", org_id=org.id))
    return render_template("admin/org_admin_form.html", form=form, org=org)


# Courses and cohorts ---------------------------------------------------------------------------

@bp.get("/courses")
@guard(policy.can_administer)
def courses():
    return render_template("admin/courses.html", courses=queries.courses_overview())


def week_of(cohort: Cohort) -> int:
    return week_number(cohort.start_date, cohort_today(cohort.timezone))


@bp.get("/cohorts")
@guard(policy.can_administer)
def cohorts():
    page = db.paginate(visible_cohorts_query(current_user), page=request.args.get("page", 1, type=page_number),
                       per_page=25, error_out=False)
    return render_template("admin/cohorts.html", page=page, week_of=week_of,
                           counts=queries.enrollment_counts([c.id for c in page.items]))


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@guard(policy.can_administer)
def cohort(cohort_id: int):
    cohort = db.session.get(Cohort, cohort_id) or abort(404)
    form = StaffAssignmentForm(instructors=queries.active_instructors())
    if request.method == "GET":
        form.instructors.data = [s.user_id for s in cohort.staff]
        form.lead_id.data = next((s.user_id for s in cohort.staff if s.is_lead), 0)
    elif form.validate_on_submit():
        ok, _ = committed(lambda: services.set_cohort_staff(
            cohort, instructor_ids=form.instructors.data or [], lead_id=form.lead_id.data or None,
            actor=current_user, ip=request.remote_addr), field=form.lead_id)
        if ok:
            flash("Instructors saved.", "success")
            return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    return render_template("admin/cohort.html", cohort=cohort, form=form, week=week_of(cohort),
                           standing=queries.cohort_standing(cohort))
