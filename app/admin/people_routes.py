"""People across organizations: search, create staff, change roles, deactivate, invite again."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.admin import queries, services
from app.admin.forms import ConfirmForm, PeopleSearchForm, RoleForm, StaffForm
from app.admin.routes import bp, committed, invitation
from app.extensions import db
from app.forms import ActionForm
from app.guards import guard
from app.inputs import db_int, page_number
from app.models import Organization, Role, User


def load_user(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _org(org_id: int | None) -> Organization | None:
    return db.session.get(Organization, org_id) if org_id else None


@bp.get("/people")
@guard(policy.can_administer)
def people():
    form = PeopleSearchForm(request.args)
    form.validate()
    stmt = queries.people_query(form.q.data or "", role=form.role.data or "", status=form.status.data or "",
                                org_id=request.args.get("org", type=db_int))
    page = db.paginate(stmt, page=request.args.get("page", 1, type=page_number), per_page=25, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/people.html", form=form, page=page, args=args,
                           cohort_counts=queries.cohort_counts_for([u.id for u in page.items]))


@bp.route("/people/new", methods=["GET", "POST"])
@guard(policy.can_administer)
def new_person():
    form = StaffForm(organizations=queries.organization_choices())
    if form.validate_on_submit():
        ok, created = committed(lambda: services.create_person(
            name=form.name.data, email=form.email.data, role=Role(form.role.data),
            organization=_org(form.organization_id.data), actor=current_user, invitation=invitation(),
            ip=request.remote_addr), field=form.email)
        if ok:
            user = created[0]
            flash(f"{user.name} ({user.role.label}) is created. An invitation was sent to {user.email}.", "success")
            return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/person_form.html", form=form)


@bp.get("/people/<int:user_id>")
@guard(policy.can_administer)
def person(user_id: int):
    user = load_user(user_id)
    return _person_page(user, RoleForm(formdata=None, organizations=queries.organization_choices(),
                                       data={"role": user.role.value, "organization_id": user.organization_id or 0}))


def _person_page(user: User, role_form: RoleForm):
    return render_template("admin/person.html", person=user, detail=queries.person_detail(user),
                           role_form=role_form, action_form=ActionForm())


@bp.post("/people/<int:user_id>/role")
@guard(policy.can_administer)
def change_role(user_id: int):
    user = load_user(user_id)
    form = RoleForm(organizations=queries.organization_choices())
    if form.validate_on_submit():
        ok, _ = committed(lambda: services.change_role(
            user, role=Role(form.role.data), organization=_org(form.organization_id.data), actor=current_user,
            ip=request.remote_addr), field=form.role)
        if ok:
            flash(f"{user.name} is now {user.role.label}.", "success")
            return redirect(url_for("admin.person", user_id=user.id))
    return _person_page(user, form)


@bp.route("/people/<int:user_id>/deactivate", methods=["GET", "POST"])
@guard(policy.can_administer)
def deactivate_person(user_id: int):
    user = load_user(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        if committed(lambda: services.set_user_active(user, False, actor=current_user, ip=request.remote_addr))[0]:
            flash(f"{user.name} is deactivated and signed out everywhere.", "success")
        return redirect(url_for("admin.person", user_id=user.id))
    return render_template("admin/confirm_deactivate.html", form=form, name=user.name,
                           back=url_for("admin.person", user_id=user.id),
                           consequences=["They are signed out everywhere at once and cannot sign in.",
                                         "Their records, grades, hours and certificates are kept.",
                                         "You can reactivate the account later."])


@bp.post("/people/<int:user_id>/reactivate")
@guard(policy.can_administer)
def reactivate_person(user_id: int):
    user = load_user(user_id)
    if ActionForm().validate_on_submit() and committed(
            lambda: services.set_user_active(user, True, actor=current_user, ip=request.remote_addr))[0]:
        flash(f"{user.name} is active again and can sign in.", "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/people/<int:user_id>/invitation")
@guard(policy.can_administer)
def resend_invitation(user_id: int):
    user = load_user(user_id)
    if ActionForm().validate_on_submit() and committed(
            lambda: services.resend_invitation(user, actor=current_user, invitation=invitation(),
                                               ip=request.remote_addr))[0]:
        flash(f"A new invitation was sent to {user.email}. Earlier invitation links no longer work.", "success")
    return redirect(url_for("admin.person", user_id=user.id))
