"""Data rights pages: a person's "Your data" (what is held, the download, asking for erasure) and the
admins' download of anyone's data and erasure with a typed confirmation. Every route goes through policy."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app import audit, policy
from app.db import utcnow
from app.extensions import db
from app.forms import ActionForm
from app.guards import authorize, guard
from app.models import User
from app.privacy import erasure, export, registry
from app.privacy.forms import ErasureForm, ErasureRequestForm
from app.roleplay import uploads
from app.views import committed

bp = Blueprint("privacy", __name__, template_folder="templates")


def _upload_dir():
    return uploads.upload_dir(current_app.config, current_app.instance_path)


def _download(person: User):
    archive = export.build(person, upload_dir=_upload_dir(), platform=current_app.config["PLATFORM_NAME"])
    export.record_export(person, actor=current_user, ip=request.remote_addr)
    db.session.commit()
    response = send_file(archive, mimetype="application/zip", as_attachment=True,
                         download_name=export.filename(person))
    response.headers["Cache-Control"] = "no-store"
    return response


def _held(person: User) -> list[tuple[str, int]]:
    return [(entry.title, n) for entry, n in export.counts(person) if n]


@bp.get("/account/data")
@guard(policy.can_manage_own_data)
def mine():
    return render_template("privacy/mine.html", held=_held(current_user), action_form=ActionForm(),
                           request_form=ErasureRequestForm(formdata=None))


@bp.post("/account/data/download")
@guard(policy.can_manage_own_data)
def download_mine():
    if not ActionForm().validate_on_submit():
        flash("The page had expired. Press the button again.", "error")
        return redirect(url_for("privacy.mine"))
    return _download(current_user)


@bp.post("/account/data/erasure")
@guard(policy.can_manage_own_data)
def request_erasure():
    form = ErasureRequestForm()
    if not form.validate_on_submit():
        flash(" ".join(form.confirm.errors) or "The page had expired. Try again.", "error")
        return redirect(url_for("privacy.mine"))
    if current_user.erasure_requested_at is None:
        current_user.erasure_requested_at = utcnow()
        audit.record("user.erasure_requested", current_user, actor=current_user, ip=request.remote_addr)
        db.session.commit()
    flash("Your request is recorded. A platform admin will process it; until then your account works as "
          "before.", "success")
    return redirect(url_for("privacy.mine"))


def _person(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.post("/admin/people/<int:user_id>/data")
@guard(policy.can_process_data_requests)
def admin_download(user_id: int):
    person = _person(user_id)
    if not ActionForm().validate_on_submit():
        flash("The page had expired. Press the button again.", "error")
        return redirect(url_for("admin.person", user_id=person.id))
    return _download(person)


@bp.route("/admin/people/<int:user_id>/erase", methods=["GET", "POST"])
@guard(policy.can_process_data_requests)
def erase(user_id: int):
    person = _person(user_id)
    if person.erased_at is not None:
        flash(f"This person's data was erased on {person.erased_at:%Y-%m-%d}.", "warning")
        return redirect(url_for("admin.person", user_id=person.id))
    authorize(policy.can_erase(current_user, person))
    form = ErasureForm()
    if form.validate_on_submit():
        ok, done = committed(lambda: erasure.erase(person, actor=current_user, confirmation=form.confirmation.data,
                                                   ip=request.remote_addr), field=form.confirmation)
        if ok:
            erasure.remove_files(done, _upload_dir())
            flash(f"Erased. The account is now {done.pseudonym}: deactivated, its name and email replaced "
                  f"everywhere, what they wrote erased. Their certificates still verify.", "success")
            return redirect(url_for("admin.person", user_id=person.id))
    return render_template("privacy/erase.html", person=person, form=form, held=_held(person),
                           phrase=erasure.confirmation_phrase(person), withheld=registry.WITHHELD_NAME)
