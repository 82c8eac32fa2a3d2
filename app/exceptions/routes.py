"""Staff pages for one trainee's exceptions and accommodations, and a cohort's exceptions list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app import policy
from app.exceptions import services
from app.exceptions.forms import AccommodationForm, DeferForm, GrantForm, RevokeForm
from app.extensions import db
from app.guards import authorize, guard, not_found_unless
from app.models import Cohort, ExceptionKind, GrantedException, User
from app.views import committed

bp = Blueprint("exceptions", __name__, template_folder="templates")


def _trainee_in(cohort_id: int, trainee_id: int) -> tuple[Cohort, User]:
    """The cohort (the viewer must teach it) and one of its trainees; anything else is 404."""
    cohort = db.session.get(Cohort, cohort_id) or abort(404)
    not_found_unless(policy.can_teach(current_user, cohort))
    enrollment = services.enrollment_of(cohort, trainee_id) or abort(404)
    return cohort, enrollment.user


def _show(cohort: Cohort, trainee: User, *, form=None, status=200):
    groups = services.all_item_choices(cohort, trainee)
    if form is None:
        form = GrantForm()
    form.item.choices = groups
    defer_form = DeferForm()
    defer_form.cohort_id.choices = [(c.id, f"{c.name} (starts {c.start_date:%B %-d, %Y})")
                                    for c in services.later_cohorts(cohort)]
    return render_template(
        "exceptions/trainee.html", cohort=cohort, trainee=trainee, form=form, revoke_form=RevokeForm(),
        grants=services.exceptions_of(cohort, trainee), requirements=services.requirements(cohort, trainee),
        accommodation=services.accommodation_of(trainee.id), acc_form=_acc_form(trainee),
        defer_form=defer_form, all_items={k: v for items in groups.values() for k, v in items}), status


def _acc_form(trainee: User) -> AccommodationForm | None:
    if not policy.can_set_accommodation(current_user):
        return None
    return AccommodationForm(obj=services.accommodation_of(trainee.id))


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/exceptions")
@guard(policy.signed_in)
def trainee(cohort_id: int, trainee_id: int):
    cohort, person = _trainee_in(cohort_id, trainee_id)
    return _show(cohort, person)


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/exceptions")
@guard(policy.signed_in)
def grant(cohort_id: int, trainee_id: int):
    cohort, person = _trainee_in(cohort_id, trainee_id)
    form = GrantForm()
    kind = ExceptionKind(form.kind.data) if form.kind.data in {k.value for k in ExceptionKind} else None
    if kind is None:
        abort(400)
    authorize(policy.can_grant_exception(current_user, cohort, kind.value))
    if form.validate_on_submit():
        try:
            services.grant(cohort, person, kind=kind, item=form.item.data, reason=form.reason.data,
                           actor=current_user, days=form.days.data, alternative=form.alternative.data or "")
        except services.ExceptionRefused as exc:
            db.session.rollback()
            (getattr(form, exc.field).errors if exc.field and hasattr(form, exc.field) else form.form_errors).append(
                str(exc))
        else:
            db.session.commit()
            flash(f"{kind.label} granted to {person.name}.", "success")
            return redirect(url_for("exceptions.trainee", cohort_id=cohort.id, trainee_id=person.id))
    return _show(cohort, person, form=form, status=422)


def _own_grant(cohort_id: int, trainee_id: int, grant_id: int) -> tuple[Cohort, User, GrantedException]:
    cohort, person = _trainee_in(cohort_id, trainee_id)
    row = db.session.get(GrantedException, grant_id)
    if row is None or row.cohort_id != cohort.id or row.user_id != person.id:
        abort(404)
    authorize(policy.can_grant_exception(current_user, cohort, row.kind.value))
    return cohort, person, row


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/exceptions/<int:grant_id>/revoke")
@guard(policy.signed_in)
def revoke(cohort_id: int, trainee_id: int, grant_id: int):
    cohort, person, row = _own_grant(cohort_id, trainee_id, grant_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errs in form.errors.values() for e in errs), "error")
    elif committed(lambda: services.revoke(row, actor=current_user, reason=form.reason.data))[0]:
        flash(f"{row.kind.label} revoked.", "success")
    return redirect(url_for("exceptions.trainee", cohort_id=cohort.id, trainee_id=person.id))


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/exceptions/<int:grant_id>/done")
@guard(policy.signed_in)
def alternative_done(cohort_id: int, trainee_id: int, grant_id: int):
    cohort, person, row = _own_grant(cohort_id, trainee_id, grant_id)
    if committed(lambda: services.mark_alternative_done(row, actor=current_user))[0]:
        flash("The alternative activity is recorded as done.", "success")
    return redirect(url_for("exceptions.trainee", cohort_id=cohort.id, trainee_id=person.id))


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/accommodations")
@guard(policy.can_set_accommodation)
def accommodations(cohort_id: int, trainee_id: int):
    cohort, person = _trainee_in(cohort_id, trainee_id)
    form = AccommodationForm()
    if form.validate_on_submit():
        if committed(lambda: services.set_accommodation(
                person, actor=current_user, quiz_time_factor=form.quiz_time_factor.data,
                extra_days=form.extra_days.data, alternative_format=form.alternative_format.data,
                note=form.note.data or ""))[0]:
            flash(f"Accommodations saved for {person.name}.", "success")
    else:
        flash(" ".join(e for errs in form.errors.values() for e in errs), "error")
    return redirect(url_for("exceptions.trainee", cohort_id=cohort.id, trainee_id=person.id))


@bp.post("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/defer")
@guard(policy.can_defer)
def defer(cohort_id: int, trainee_id: int):
    cohort, person = _trainee_in(cohort_id, trainee_id)
    form = DeferForm()
    target = db.session.get(Cohort, form.cohort_id.data or 0) if form.validate_on_submit() else None
    if target is None:
        flash("Choose a later cohort and write the reason.", "error")
        return redirect(url_for("exceptions.trainee", cohort_id=cohort.id, trainee_id=person.id))
    ok, _ = committed(lambda: services.defer(services.enrollment_of(cohort, person.id), target,
                                             actor=current_user, reason=form.reason.data))
    if not ok:
        return redirect(url_for("exceptions.trainee", cohort_id=cohort.id, trainee_id=person.id))
    flash(f"{person.name} moved to {target.name}; what they completed counts there.", "success")
    return redirect(url_for("exceptions.trainee", cohort_id=target.id, trainee_id=person.id))


@bp.get("/cohorts/<int:cohort_id>/exceptions")
@guard(policy.signed_in)
def cohort(cohort_id: int):
    row = db.session.get(Cohort, cohort_id) or abort(404)
    not_found_unless(policy.can_teach(current_user, row))
    return render_template("exceptions/cohort.html", cohort=row, grants=services.cohort_exceptions(row))
