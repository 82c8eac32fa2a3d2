"""Sign in and out, password reset, profile and password change."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from app import policy
from app.auth import services
from app.auth.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ProfileForm, ResetPasswordForm
from app.errors import DomainError
from app.extensions import db, limiter
from app.forms import ActionForm
from app.guards import guard
from app.inputs import safe_next
from app.learn.calendar import feed_token
from app.models import TokenPurpose

bp = Blueprint("auth", __name__, template_folder="templates")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["ACCOUNT_LOGIN_RATE_LIMIT"]


def _email_limit() -> str:
    return current_app.config["EMAIL_MAIL_RATE_LIMIT"]


def _submitted_email() -> str:
    """The account a sign-in or reset request is about, whichever address it comes from."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _failed(response) -> bool:
    return response.status_code != 302  # a sign-in that worked redirects; only failures count


@bp.route("/login", methods=["GET", "POST"])
@guard(policy.public)
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_submitted_email, deduct_when=_failed,
               error_message="Too many failed sign-ins for this account. Wait a few minutes, then try again "
                             "(or reset your password).")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            flash("That email and password do not match an active account.", "error")
        else:
            next_url = safe_next(request.args.get("next"), url_for("main.dashboard"))
            session.clear()  # a fresh session on every sign-in
            login_user(user)
            services.record_login(user)
            db.session.commit()
            return redirect(next_url)
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@guard(policy.signed_in)
def logout():
    if ActionForm().validate_on_submit():
        current_user.end_other_sessions()
        db.session.commit()
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@guard(policy.public)
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_email_limit, methods=["POST"], key_func=_submitted_email)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            link_for=lambda raw: url_for("auth.reset_password", token=raw, _external=True),
            hours=current_app.config["PASSWORD_RESET_HOURS"],
            backend=current_app.config["MAIL_BACKEND"],
        )
        db.session.commit()
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@guard(policy.public)
def reset_password(token: str):
    return _set_password_page(token, TokenPurpose.PASSWORD_RESET, services.reset_password,
                              done="Your password is changed. Sign in with the new one.")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@guard(policy.public)
def accept_invitation(token: str):
    return _set_password_page(token, TokenPurpose.INVITATION, services.accept_invitation,
                              done="Your password is set. Sign in to start.", invitation=True)


def _set_password_page(token: str, purpose: TokenPurpose, set_password, *, done: str, invitation: bool = False):
    """The page behind a single-use link: check the link, then let its owner choose a password."""
    try:
        user = services.check_token(token, purpose).user
    except services.InvalidToken as exc:
        return render_template("auth/link_invalid.html", message=str(exc)), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(token, form.new_password.data)
        except DomainError as exc:
            db.session.rollback()
            form.new_password.errors.append(str(exc))
        else:
            db.session.commit()
            logout_user()
            flash(done, "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, invited=user if invitation else None)


@bp.route("/account", methods=["GET", "POST"])
@guard(policy.signed_in)
def profile():
    form = ProfileForm(obj=current_user) if request.method == "GET" else ProfileForm()
    if form.validate_on_submit():
        services.update_profile(current_user, name=form.name.data, timezone=form.timezone.data)
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("auth.profile"))
    feed_url = url_for("learn.calendar_feed", _external=True,
                       token=feed_token(current_user, current_app.config["SECRET_KEY"]))
    return render_template("auth/profile.html", form=form, feed_url=feed_url, action_form=ActionForm())


@bp.route("/account/password", methods=["GET", "POST"])
@guard(policy.signed_in)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current=form.current_password.data,
                                     new=form.new_password.data)
        except services.WrongPassword as exc:
            form.current_password.errors.append(str(exc))
        except DomainError as exc:
            form.new_password.errors.append(str(exc))
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # keep this session, end the others
            flash("Password changed. Other devices have been signed out.", "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/change_password.html", form=form)
