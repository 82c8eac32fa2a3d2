"""Peer-support circles over HTTP (app/wellbeing/circles.py has the rules)."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_login import current_user

from app import policy
from app.extensions import db
from app.forms import ActionForm
from app.guards import guard, not_found_unless
from app.models import CirclePost, Cohort, PeerCircle, User
from app.views import committed
from app.wellbeing import circles
from app.wellbeing.forms import CircleForm, CirclePostForm
from app.wellbeing.routes import bp


def _cohort(cohort_id: int) -> tuple[Cohort, bool]:
    """The cohort, when the current person is its trainee or instructor and its program has circles."""
    cohort = db.session.get(Cohort, cohort_id) or abort(404)
    not_found_unless(policy.can_open_circles(current_user, cohort, has_circles=circles.mode(cohort) != "off",
                                             is_enrolled=current_user.id in circles.current_trainee_ids(cohort)))
    return cohort, policy.is_cohort_staff(current_user, cohort)


def _circle(circle_id: int) -> PeerCircle:
    circle = db.session.get(PeerCircle, circle_id) or abort(404)
    not_found_unless(policy.can_read_circle(current_user, circle))
    return circle


@bp.route("/cohorts/<int:cohort_id>/circles", methods=["GET", "POST"])
@guard(policy.can_use_circles)
def cohort_circles(cohort_id: int):
    cohort, teaches = _cohort(cohort_id)
    form = CircleForm()
    all_circles = circles.circles_of(cohort)
    placed = {m.user_id for c in all_circles for m in c.members}
    if teaches:
        free = circles.current_trainee_ids(cohort) - placed
        roster = db.session.scalars(db.select(User).where(User.id.in_(free)).order_by(User.name)) if free else []
        form.members.choices = [(u.id, u.name) for u in roster]
    else:
        del form.members
    if form.validate_on_submit():
        if teaches:
            ok, circle = committed(lambda: circles.create_by_instructor(
                cohort, current_user, name=form.name.data, member_ids=form.members.data or []), field=form.name)
        else:
            shown = circles.mode(cohort) == "self"  # otherwise the page has no form to show the reason on
            ok, circle = committed(lambda: circles.create_by_trainee(cohort, current_user, name=form.name.data),
                                   field=form.name if shown else None)
        if ok:
            return redirect(url_for("wellbeing.circle", circle_id=circle.id))
    mine = None if teaches else next((c for c in all_circles if circles.is_member(current_user, c)), None)
    return render_template("wellbeing/circles.html", cohort=cohort, circles=all_circles, teaches=teaches, mine=mine,
                           form=form, mode=circles.mode(cohort), size=circles.size(cohort),
                           action_form=ActionForm())


@bp.route("/circles/<int:circle_id>", methods=["GET", "POST"])
@guard(policy.can_use_circles)
def circle(circle_id: int):
    circle = _circle(circle_id)
    form = CirclePostForm()
    if form.validate_on_submit():
        ok, _ = committed(lambda: circles.add_post(circle, current_user, form.body.data), field=form.body)
        if ok:
            return redirect(url_for("wellbeing.circle", circle_id=circle.id) + "#latest")
    return render_template("wellbeing/circle.html", circle=circle, posts=circles.posts(circle), form=form,
                           action_form=ActionForm(), facilitates=circle.facilitator_id == current_user.id)


@bp.post("/circles/<int:circle_id>/join")
@guard(policy.can_use_circles)
def join_circle(circle_id: int):
    circle = db.session.get(PeerCircle, circle_id) or abort(404)
    _cohort(circle.cohort_id)
    if ActionForm().validate_on_submit():
        ok, _ = committed(lambda: circles.join(circle, current_user))
        if ok:
            return redirect(url_for("wellbeing.circle", circle_id=circle.id))
    return redirect(url_for("wellbeing.cohort_circles", cohort_id=circle.cohort_id))


@bp.post("/circles/<int:circle_id>/leave")
@guard(policy.can_use_circles)
def leave_circle(circle_id: int):
    circle = _circle(circle_id)
    if ActionForm().validate_on_submit():
        committed(lambda: circles.leave(circle, current_user))
    return redirect(url_for("wellbeing.cohort_circles", cohort_id=circle.cohort_id))


@bp.post("/circle-posts/<int:post_id>/hide")
@guard(policy.can_use_circles)
def hide_circle_post(post_id: int):
    post = db.session.get(CirclePost, post_id) or abort(404)
    circle = _circle(post.circle_id)
    if ActionForm().validate_on_submit():
        committed(lambda: circles.hide_post(post, circle, current_user))
    return redirect(url_for("wellbeing.circle", circle_id=circle.id) + f"#post-{post.id}")
