"""Accounts: sign-in, password reset by single-use link, password change, profile."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash

from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.mailer import queue_mail
from app.models import AuthToken, TokenPurpose, User

MIN_PASSWORD_LENGTH = 10
# A real hash to compare against when the account does not exist, so a wrong
# email and a wrong password take the same time.
_DUMMY_HASH = "scrypt:32768:8:1$Jm0QyXMw8hLrCfKq$" + "0" * 128


def _platform(name: str | None) -> str:
    """The platform's name in mail: the one passed in, else config PLATFORM_NAME."""
    return name or current_app.config["PLATFORM_NAME"]


class InvalidToken(DomainError):
    pass


class WrongPassword(DomainError):
    pass


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (whatever was wrong)."""
    user = find_user_by_email(email)
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not user.check_password(password or "") or not user.is_active:
        return None
    if user.organization is not None and not user.organization.is_active:
        return None  # the whole organization is deactivated
    return user


def record_login(user: User, *, now: datetime | None = None) -> None:
    user.last_login_at = now or utcnow()


def password_problem(password: str, *, email: str = "") -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if email and password.strip().lower() == email.lower():
        return "Your password cannot be your email address."
    return None


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: TokenPurpose, *, hours: int, now: datetime | None = None) -> str:
    """Create a single-use token; only its hash is stored. Earlier unused ones stop working."""
    now = now or utcnow()
    for old in db.session.scalars(
        sa.select(AuthToken).where(AuthToken.user_id == user.id, AuthToken.purpose == purpose,
                                   AuthToken.used_at.is_(None))
    ):
        old.used_at = now
    raw = secrets.token_urlsafe(32)
    db.session.add(AuthToken(user_id=user.id, purpose=purpose, token_hash=_hash_token(raw),
                             created_at=now, expires_at=now + timedelta(hours=hours)))
    db.session.flush()
    return raw


def check_token(raw: str, purpose: TokenPurpose, *, now: datetime | None = None) -> AuthToken:
    now = now or utcnow()
    token = db.session.scalar(sa.select(AuthToken).where(AuthToken.token_hash == _hash_token(raw or "")))
    if token is None or token.purpose != purpose:
        raise InvalidToken("This link is not valid. It may have been copied incompletely.")
    if token.used_at is not None:
        raise InvalidToken("This link has already been used. Each link works once.")
    if token.expires_at <= now:
        raise InvalidToken("This link has expired.")
    if not token.user.is_active:
        raise InvalidToken("This account is deactivated. Contact your program administrator.")
    return token


def request_password_reset(email: str, *, link_for: Callable[[str], str], hours: int,
                           backend: str, platform_name: str | None = None) -> None:
    """Mail a reset link if the account exists and is active; say nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, hours=hours)
    queue_mail(
        to=user.email,
        subject="Reset your password",
        body=(f"Hello {user.first_name},\n\nSomeone (we hope you) asked to reset the password "
              f"for your {_platform(platform_name)} account. Open this link to choose a new one:\n\n"
              f"{link_for(raw)}\n\nThe link works once and expires in {hours} hours. "
              "If you did not ask for this, you can ignore this email."),
        backend=backend,
    )


def reset_password(raw: str, new_password: str, *, now: datetime | None = None) -> User:
    return _set_password_by_link(raw, TokenPurpose.PASSWORD_RESET, new_password, now=now)


def accept_invitation(raw: str, new_password: str, *, now: datetime | None = None) -> User:
    """An invited person chooses their first password through the single-use link."""
    return _set_password_by_link(raw, TokenPurpose.INVITATION, new_password, now=now)


def _set_password_by_link(raw: str, purpose: TokenPurpose, new_password: str, *,
                          now: datetime | None = None) -> User:
    now = now or utcnow()
    token = check_token(raw, purpose, now=now)
    user = token.user
    problem = password_problem(new_password, email=user.email)
    if problem:
        raise DomainError(problem)
    user.set_password(new_password)
    user.end_other_sessions()
    token.used_at = now
    db.session.flush()
    return user


def send_invitation(user: User, *, link_for: Callable[[str], str], hours: int, backend: str,
                    invited_by: str = "The program team", platform_name: str | None = None) -> str:
    """Mail a single-use set-password link (earlier invitation links stop working); returns the link."""
    link = link_for(issue_token(user, TokenPurpose.INVITATION, hours=hours))
    platform = _platform(platform_name)
    queue_mail(
        to=user.email,
        subject=f"You are invited to {platform}",
        body=(f"Hello {user.first_name},\n\n{invited_by} has created a {platform} account "
              f"for you ({user.role.label}). Open this link to choose your password:\n\n{link}\n\n"
              f"The link works once and expires in {hours} hours. If it has expired, ask for a new "
              "invitation or use \"Forgot your password?\" on the sign-in page."),
        backend=backend,
    )
    return link


def change_password(user: User, *, current: str, new: str) -> None:
    if not user.check_password(current):
        raise WrongPassword("Your current password is not correct.")
    problem = password_problem(new, email=user.email)
    if problem:
        raise DomainError(problem)
    user.set_password(new)
    user.end_other_sessions()
    db.session.flush()


def update_profile(user: User, *, name: str, timezone: str) -> None:
    user.name = name.strip()
    user.timezone = timezone
    db.session.flush()
