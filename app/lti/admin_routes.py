"""Platform admins: register a partner's LMS, and the page of tool URLs its administrator pastes."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import policy
from app.extensions import db
from app.guards import guard, not_found_unless
from app.lti import platforms
from app.lti.forms import PlatformForm
from app.lti.routes import bp
from app.models import LtiPlatform, Organization
from app.views import committed


def _form(platform: LtiPlatform | None) -> PlatformForm:
    form = PlatformForm(obj=platform)
    if platform is not None and request.method == "GET":
        form.deployment_ids.data = "\n".join(platform.deployment_ids)
    orgs = db.session.scalars(sa.select(Organization).order_by(Organization.name))
    form.organization_id.choices = [(o.id, o.name) for o in orgs]
    return form


def _values(form: PlatformForm) -> dict:
    return {"organization_id": form.organization_id.data, "name": form.name.data.strip(),
            "issuer": form.issuer.data.strip(), "client_id": form.client_id.data.strip(),
            "deployment_ids": form.deployment_list(), "auth_login_url": form.auth_login_url.data.strip(),
            "auth_token_url": form.auth_token_url.data.strip(), "key_set_url": form.key_set_url.data.strip(),
            "lms_url": (form.lms_url.data or "").strip() or None,
            "allow_instructors": form.allow_instructors.data, "is_active": form.is_active.data}


@bp.get("/platforms")
@guard(policy.can_administer)
def platform_list():
    return render_template("lti/platforms.html", platforms=platforms.all_platforms())


def _form_page(platform: LtiPlatform | None, done: str):
    form = _form(platform)
    if form.validate_on_submit():
        ok, saved = committed(lambda: platforms.save(platform, _values(form), actor=current_user,
                                                     ip=request.remote_addr), field=form.client_id)
        if ok:
            flash(done.format(name=saved.name), "success")
            return redirect(url_for("lti.platform", platform_id=saved.id))
    return render_template("lti/platform_form.html", form=form, platform=platform)


@bp.route("/platforms/new", methods=["GET", "POST"])
@guard(policy.can_administer)
def new_platform():
    return _form_page(None, "{name} is registered. Give its administrator the URLs below.")


@bp.route("/platforms/<int:platform_id>/edit", methods=["GET", "POST"])
@guard(policy.can_administer)
def edit_platform(platform_id: int):
    platform = db.session.get(LtiPlatform, platform_id)
    not_found_unless(platform is not None)
    return _form_page(platform, "{name} is saved.")


@bp.get("/platforms/<int:platform_id>")
@guard(policy.can_administer)
def platform(platform_id: int):
    platform = db.session.get(LtiPlatform, platform_id)
    not_found_unless(platform is not None)
    tool_urls = [("Login initiation URL (OpenID Connect)", url_for("lti.login", _external=True)),
                 ("Launch / redirection URL", url_for("lti.launch", _external=True)),
                 ("Public keyset URL (JWKS)", url_for("lti.jwks", _external=True)),
                 ("Tool URL (target link URI)", url_for("lti.launch", _external=True))]
    return render_template("lti/platform.html", platform=platform, tool_urls=tool_urls)
