"""Sign-in, sign-out, password reset and change, profile."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.db import utcnow
from app.models import AuthToken, OutboxMessage, Role
from tests import factories
from tests.conftest import csrf_token, login

GENERIC = "That email and password do not match an active account."


def test_sign_in_reaches_the_dashboard(client, db):
    user = factories.make_user(Role.TRAINEE, name="Rosa Diaz")
    db.session.commit()
    response = login(client, user)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Welcome, Rosa" in page
    assert db.session.get(type(user), user.id).last_login_at is not None


def test_wrong_password_and_unknown_email_get_the_same_message(client, db):
    user = factories.make_user()
    db.session.commit()
    wrong = login(client, user, password="not the password")
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "x" * 12,
                                          "csrf_token": csrf_token(client)})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert GENERIC in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still signed out


def test_email_is_case_insensitive(client, db):
    factories.make_user(email="mixed@example.org")
    db.session.commit()
    response = client.post("/login", data={"email": "  MIXED@Example.org ", "password": factories.PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302


def test_deactivated_account_cannot_sign_in_and_its_session_ends(app, db):
    user = factories.make_user()
    db.session.commit()
    client = app.test_client()
    login(client, user)
    assert client.get("/dashboard").status_code == 200
    user.is_active = False
    db.session.commit()
    assert client.get("/dashboard").status_code == 302
    assert GENERIC in login(app.test_client(), user).get_data(as_text=True)


def test_sign_out_ends_the_session(client, db):
    user = factories.make_user()
    db.session.commit()
    login(client, user)
    token = csrf_token(client, "/dashboard")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_next_parameter_cannot_send_users_off_site(client, db):
    user = factories.make_user()
    db.session.commit()
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/steal", data={
        "email": user.email, "password": factories.PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/dashboard"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    response = client.post("/login?next=/courses/", data={
        "email": user.email, "password": factories.PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/courses/"


def _request_reset(client, email: str):
    return client.post("/forgot-password", data={"email": email, "csrf_token": csrf_token(client)})


def _reset_link(db, email: str) -> str:
    msg = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == email)
                             .order_by(OutboxMessage.id.desc())).first()
    assert msg is not None, "no reset email in the outbox"
    return re.search(r"http://localhost(/reset/\S+)", msg.body).group(1)


def test_password_reset_by_emailed_single_use_link(client, db):
    user = factories.make_user(email="reset@example.org")
    db.session.commit()
    response = _request_reset(client, "reset@example.org")
    assert "Check your email" in response.get_data(as_text=True)
    link = _reset_link(db, "reset@example.org")
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.to_address == "reset@example.org"))
    assert "for your Recovery Workforce Training account" in body and "Therapeutic Mentoring" not in body
    assert client.get(link).status_code == 200
    response = client.post(link, data={"new_password": "a brand new phrase", "confirm": "a brand new phrase",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 302
    assert login(client, user, "a brand new phrase").status_code == 302
    # the link works once
    reused = client.get(link)
    assert reused.status_code == 410
    assert "already been used" in reused.get_data(as_text=True)


def test_reset_for_unknown_email_looks_the_same_and_sends_nothing(client, db):
    response = _request_reset(client, "ghost@example.org")
    assert "Check your email" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_expired_reset_link_changes_nothing(client, db):
    user = factories.make_user(email="late@example.org")
    db.session.commit()
    _request_reset(client, "late@example.org")
    link = _reset_link(db, "late@example.org")
    token = db.session.scalar(sa.select(AuthToken))
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(link, data={"new_password": "another new phrase", "confirm": "another new phrase",
                                       "csrf_token": csrf_token(client)})
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert login(client, user).status_code == 302  # the old password still works


def test_a_new_reset_link_cancels_the_previous_one(client, db):
    factories.make_user(email="twice@example.org")
    db.session.commit()
    _request_reset(client, "twice@example.org")
    first = _reset_link(db, "twice@example.org")
    _request_reset(client, "twice@example.org")
    assert client.get(first).status_code == 410
    assert client.get(_reset_link(db, "twice@example.org")).status_code == 200


def test_reset_refuses_mismatched_passwords_and_keeps_the_link(client, db):
    factories.make_user(email="typo@example.org")
    db.session.commit()
    _request_reset(client, "typo@example.org")
    link = _reset_link(db, "typo@example.org")
    response = client.post(link, data={"new_password": "first version ok", "confirm": "second version",
                                       "csrf_token": csrf_token(client, link)})
    assert response.status_code == 200
    assert "The two passwords do not match." in response.get_data(as_text=True)
    assert client.get(link).status_code == 200


def test_change_password_signs_out_other_devices(app, db):
    user = factories.make_user()
    db.session.commit()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)
    token = csrf_token(here, "/account/password")
    response = here.post("/account/password", data={
        "current_password": factories.PASSWORD, "new_password": "a fresh passphrase",
        "confirm": "a fresh passphrase", "csrf_token": token})
    assert response.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302


def test_change_password_with_wrong_current_password(app, client, db):
    user = factories.make_user()
    db.session.commit()
    login(client, user)
    response = client.post("/account/password", data={
        "current_password": "wrong one here", "new_password": "a fresh passphrase",
        "confirm": "a fresh passphrase", "csrf_token": csrf_token(client, "/account/password")})
    assert "Your current password is not correct." in response.get_data(as_text=True)
    assert login(app.test_client(), user).status_code == 302  # the old password still works


def test_profile_update_and_bad_time_zone(client, db):
    user = factories.make_user(name="Old Name")
    db.session.commit()
    login(client, user)
    token = csrf_token(client, "/account")
    response = client.post("/account", data={"name": "New Name", "timezone": "Mars/Olympus",
                                             "csrf_token": token})
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    assert 'value="New Name"' in response.get_data(as_text=True)  # what was typed is kept
    response = client.post("/account", data={"name": "New Name", "timezone": "America/Chicago",
                                             "csrf_token": token}, follow_redirects=True)
    assert "Profile saved." in response.get_data(as_text=True)
    db.session.refresh(user)
    assert (user.name, user.timezone) == ("New Name", "America/Chicago")


def test_authenticated_pages_are_not_cached_and_carry_security_headers(client, db):
    user = factories.make_user()
    db.session.commit()
    login(client, user)
    response = client.get("/dashboard")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
