"""The local resources card: a person's own page, and the organization admin's edit page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.extensions import db
from app.guards import guard, not_found_unless
from app.models import Organization
from app.resources import services
from app.resources.forms import LocalResourcesForm

bp = Blueprint("resources", __name__, template_folder="templates")


@bp.app_context_processor
def local_resources():
    return {"local_card": services.card_for}


@bp.get("/resources")
@guard(policy.signed_in)
def mine():
    return render_template("resources/mine.html", card=services.card_for(current_user))


@bp.route("/partners/organizations/<int:org_id>/resources", methods=["GET", "POST"])
@guard(policy.can_use_partner_portal)
def edit(org_id: int):
    org = db.session.get(Organization, org_id)
    not_found_unless(org is not None and policy.can_edit_local_resources(current_user, org))
    row = services.resources_of(org)
    form = LocalResourcesForm(obj=row)
    if form.validate_on_submit():
        services.save(org, {f: getattr(form, f).data for f in services.FIELDS}, actor=current_user,
                      ip=request.remote_addr)
        db.session.commit()
        flash("Saved. Your trainees see these lines on the crisis weeks' pages and in the footer.", "success")
        return redirect(url_for("resources.edit", org_id=org.id))
    return render_template("resources/edit.html", org=org, form=form), 422 if form.errors else 200
