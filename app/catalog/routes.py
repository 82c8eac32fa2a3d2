"""The public catalog of open cohorts, sign-up, and the confirmation link."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from app import policy
from app.admin.routes import invitation
from app.catalog import services
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import ActionForm, Form
from app.guards import guard
from app.models import Cohort

bp = Blueprint("catalog", __name__, url_prefix="/catalog", template_folder="templates")
CONFIRM_HOURS = 48


class SignupForm(Form):
    name = StringField("Full name", validators=[DataRequired(message="Enter your name."), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(message="Enter your email address."),
                                            Email(check_deliverability=False, message="Enter a valid email address."),
                                            Length(max=254)])
    submit = SubmitField("Send me the confirmation link")


def today():
    return utcnow().date()


@bp.get("/")
@guard(policy.public)
def index():
    return render_template("catalog/index.html", cohorts=services.open_cohorts(today()))


@bp.route("/cohorts/<int:cohort_id>/signup", methods=["GET", "POST"])
@guard(policy.public)
@limiter.limit("10 per hour", methods=["POST"])
def signup(cohort_id: int):
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not services.is_open(cohort, today()):
        abort(404)
    form = SignupForm()
    if form.validate_on_submit():
        try:
            services.request_signup(
                cohort, name=form.name.data, email=form.email.data, today=today(),
                secret=current_app.config["SECRET_KEY"], hours=CONFIRM_HOURS,
                link_for=lambda t: url_for("catalog.confirm", token=t, _external=True),
                backend=current_app.config["MAIL_BACKEND"])
        except DomainError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            db.session.commit()
            return render_template("catalog/check_email.html", cohort=cohort, email=form.email.data.strip())
    return render_template("catalog/signup.html", cohort=cohort, form=form)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@guard(policy.public)
def confirm(token: str):
    """GET shows a button (mail scanners that open links enroll nobody); POST enrolls."""
    try:
        signup = services.read_token(token, secret=current_app.config["SECRET_KEY"], hours=CONFIRM_HOURS)
    except services.SignupRefused as exc:
        return render_template("catalog/message.html", title="Link not valid", message=str(exc)), 410
    form = ActionForm()
    if form.validate_on_submit():
        try:
            _, created = services.confirm_signup(signup, today=today(), invitation=invitation())
        except DomainError as exc:
            db.session.rollback()
            return render_template("catalog/message.html", title="Not enrolled", message=str(exc)), 409
        db.session.commit()
        message = (f"You have a place in {signup.cohort.name}. We sent you an email to choose your password."
                   if created else f"You are already enrolled in {signup.cohort.name}. Sign in to start.")
        return render_template("catalog/message.html", title="You are enrolled", message=message)
    return render_template("catalog/confirm.html", signup=signup, form=form)
