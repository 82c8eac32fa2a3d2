"""Supervision over HTTP: the log form, sign-off, the ledger, the statement, credentials, the CLI."""

from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from app.models import AuditEvent, SessionStatus, SupervisionSession
from app.supervision import services
from tests import factories
from tests.conftest import csrf_token, login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def form(s, **kw):
    values = {"supervisor_id": str(s["supervisor"].id), "session_date": (date.today() - timedelta(days=1)).isoformat(),
              "start_time": "10:00", "duration_minutes": "60", "supervision_type": "individual",
              "delivery_mode": "video", "topics": ["case_review", "ethics_boundaries"],
              "summary": "Practised reflections with case Y-3.", "action_items": "Try two complex reflections.",
              "attested": "y", "submit": "Submit to supervisor"}
    return {**values, **kw}


def test_logging_flags_identifiers_and_keeps_what_was_typed(supervised, app, db):
    client = signed_in(app, supervised["trainee"])
    page = "/supervision/sessions/new"
    response = client.post(page, data={**form(supervised, summary="Called his mom at 617-555-0199"),
                                       "csrf_token": csrf_token(client, page)})
    text = response.get_data(as_text=True)
    assert "may contain client identifiers" in text and "a phone number: “617-555-0199”" in text
    assert "Called his mom at 617-555-0199" in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionSession)) == 0
    response = client.post(page, data={**form(supervised, duration_minutes="0"), "csrf_token": csrf_token(client, page)})
    assert "between 1 and 180 minutes" in response.get_data(as_text=True)
    ok = client.post(page, data={**form(supervised), "csrf_token": csrf_token(client, page)})
    assert ok.status_code == 302
    ledger = client.get("/supervision/").get_data(as_text=True)
    assert "Waiting for supervisor" in ledger


def test_supervisor_approves_with_password_and_ledgers_show_the_hours(supervised, app, db):
    s = supervised
    session = factories.make_supervision(s["trainee"], s["supervisor"])
    db.session.commit()
    sup = signed_in(app, s["supervisor"])
    dashboard = sup.get("/dashboard").get_data(as_text=True)
    assert "1</strong> session waiting for you" in dashboard
    url = f"/supervision/sessions/{session.id}/decide"
    wrong = sup.post(url, data={"password": "nope", "approve": "1", "csrf_token": csrf_token(sup, url)})
    assert "Your password is not correct" in wrong.get_data(as_text=True)
    ok = sup.post(url, data={"password": factories.PASSWORD, "approve": "1", "csrf_token": csrf_token(sup, url)})
    assert ok.status_code == 302
    db.session.refresh(session)
    assert session.status is SessionStatus.APPROVED
    for viewer in (s["trainee"], s["supervisor"], s["org_admin"]):
        page = signed_in(app, viewer).get(f"/supervision/trainees/{s['trainee'].id}/ledger").get_data(as_text=True)
        assert "1.0 of 12 hours" in page, viewer


def test_hours_statement_pdf_and_its_public_verification(supervised, app, db):
    s = supervised
    session = factories.make_supervision(s["trainee"], s["supervisor"], duration_minutes=90)
    services.approve_session(session, s["supervisor"], password=factories.PASSWORD)
    db.session.commit()
    client = signed_in(app, s["trainee"])
    response = client.get("/supervision/statement.pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    reference = re.search(r'filename="hours-statement-(HS-[0-9A-F]+)\.pdf"',
                          response.headers["Content-Disposition"]).group(1)
    public = app.test_client().get(f"/supervision/statements/{reference}").get_data(as_text=True)
    assert s["trainee"].name in public and "1.50 hours" in public
    assert "Reviewed" not in public  # no session details
    assert app.test_client().get("/supervision/statements/HS-0000").status_code == 404
    again = client.get("/supervision/statement.pdf")
    assert reference in again.headers["Content-Disposition"]  # same sessions, same reference


def test_org_admin_verifies_their_own_supervisors_only(supervised, app, db):
    s = supervised
    cred = services.credential_of(s["supervisor"])
    cred.verified_at = None
    outsider = factories.make_user(factories.Role.SUPERVISOR, organization_id=factories.make_org().id)
    factories.make_credential(outsider, verified=False)
    db.session.commit()
    admin = signed_in(app, s["org_admin"])
    page = admin.get("/supervision/credentials").get_data(as_text=True)
    assert s["supervisor"].name in page and outsider.name not in page
    token = csrf_token(admin, "/supervision/credentials")
    assert admin.post(f"/supervision/credentials/{s['supervisor'].id}/verify",
                      data={"csrf_token": token}).status_code == 302
    assert admin.post(f"/supervision/credentials/{outsider.id}/verify",
                      data={"csrf_token": token}).status_code == 404
    db.session.refresh(cred)
    assert cred.verified_by_id == s["org_admin"].id
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "credential.verified"))


def test_supervisor_editing_their_credential_needs_verification_again(supervised, app, db):
    s = supervised
    sup = signed_in(app, s["supervisor"])
    response = sup.post("/supervision/credential", data={
        "credential_type": "LMHC", "license_number": "L-9", "state": "Mass", "expires_on": "2028-01-01",
        "csrf_token": csrf_token(sup, "/supervision/credential")})
    assert "two-letter state code" in response.get_data(as_text=True)
    sup.post("/supervision/credential", data={
        "credential_type": "LMHC", "license_number": "L-9", "state": "ma", "expires_on": "2028-01-01",
        "csrf_token": csrf_token(sup, "/supervision/credential")})
    cred = services.credential_of(s["supervisor"])
    db.session.refresh(cred)
    assert (cred.credential_type.value, cred.state, cred.verified_at) == ("LMHC", "MA", None)


def test_remind_command(supervised, app, db, runner):
    from app.db import utcnow

    session = factories.make_supervision(supervised["trainee"], supervised["supervisor"])
    session.submitted_at = utcnow() - timedelta(days=9)
    db.session.commit()
    saved = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = "https://training.example.org"
    try:
        result = runner.invoke(args=["supervision", "remind"])
    finally:
        app.config["PUBLIC_BASE_URL"] = saved
    assert result.exit_code == 0
    assert "1 supervisor reminder(s), 0 escalation(s)" in result.output
    from app.models import OutboxMessage

    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.to_address == supervised["supervisor"].email))
    assert "https://training.example.org/supervision/queue" in body  # the public address, not localhost


def test_org_admin_assigns_and_removes_supervisors_in_their_organization(supervised, app, db):
    from app.models import SupervisorAssignment

    s = supervised
    second = factories.make_user(factories.Role.SUPERVISOR, organization_id=s["org"].id, name="Second Sup")
    outsider = factories.make_user(factories.Role.SUPERVISOR, organization_id=factories.make_org().id)
    db.session.commit()
    admin = signed_in(app, s["org_admin"])
    page = admin.get("/supervision/credentials").get_data(as_text=True)
    assert "Who supervises whom" in page and s["trainee"].name in page
    token = csrf_token(admin, "/supervision/credentials")
    ok = admin.post("/supervision/assignments", data={"trainee_id": s["trainee"].id, "supervisor_id": second.id,
                                                      "csrf_token": token}, follow_redirects=True)
    assert "Second Sup now supervises" in ok.get_data(as_text=True)
    again = admin.post("/supervision/assignments", data={"trainee_id": s["trainee"].id, "supervisor_id": second.id,
                                                         "csrf_token": token}, follow_redirects=True)
    assert "already supervises" in again.get_data(as_text=True)
    foreign = admin.post("/supervision/assignments", data={"trainee_id": s["trainee"].id,
                                                           "supervisor_id": outsider.id, "csrf_token": token})
    assert foreign.status_code == 404
    waiting = factories.make_supervision(s["trainee"], s["supervisor"])
    row = db.session.scalar(sa.select(SupervisorAssignment).where(SupervisorAssignment.supervisor_id == s["supervisor"].id))
    db.session.commit()
    refused = admin.post(f"/supervision/assignments/{row.id}/remove", data={"csrf_token": token}, follow_redirects=True)
    assert "still wait for this supervisor" in refused.get_data(as_text=True)
    waiting.status = SessionStatus.RETURNED
    db.session.commit()
    row_id = row.id
    admin.post(f"/supervision/assignments/{row_id}/remove", data={"csrf_token": token})
    assert db.session.get(SupervisorAssignment, row_id) is None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"supervisor.assigned", "supervisor.unassigned"} <= actions
