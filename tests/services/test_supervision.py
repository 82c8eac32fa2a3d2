"""Logging, signing, locking, amendments, refusals and reminders for supervision sessions."""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.eligibility.records import load_records
from app.models import AuditEvent, DeliveryMode, OutboxMessage, SessionStatus, SupervisionSession, SupervisionType
from app.supervision import services
from app.supervision.reminders import send_reminders
from tests import factories


def data(sup, **kw) -> services.SessionInput:
    values = {"supervisor_id": sup.id, "session_date": date.today() - timedelta(days=2), "start_time": time(10, 0),
              "duration_minutes": 60, "supervision_type": SupervisionType.INDIVIDUAL,
              "delivery_mode": DeliveryMode.VIDEO, "topics": ["case_review"],
              "summary": "Reviewed reflections and OARS practice with case Y-3.", "attested": True}
    return services.SessionInput(**{**values, **kw})


def submitted(s, db, **kw) -> SupervisionSession:
    session = services.log_session(s["trainee"], data(s["supervisor"], **kw), submit=True)
    db.session.commit()
    return session


@pytest.mark.parametrize(("change", "message"), [
    ({"duration_minutes": 0}, "between 1 and 180 minutes"),
    ({"duration_minutes": -30}, "between 1 and 180 minutes"),
    ({"duration_minutes": 181}, "between 1 and 180 minutes"),
    ({"session_date": date.today() + timedelta(days=2)}, "in the future"),
    ({"session_date": date.today() - timedelta(weeks=6)}, "before your training started"),
    ({"topics": ["gossip"]}, "Choose topics from the list"),
])
def test_bad_sessions_are_refused_and_nothing_is_saved(supervised, db, change, message):
    with pytest.raises(services.SupervisionRefused, match=message):
        services.log_session(supervised["trainee"], data(supervised["supervisor"], **change), submit=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionSession)) == 0


def test_only_an_assigned_supervisor_can_be_named(supervised, db):
    stranger = factories.make_user(factories.Role.SUPERVISOR)
    with pytest.raises(services.SupervisionRefused, match="assigned supervisors"):
        services.log_session(supervised["trainee"], data(stranger), submit=False)


def test_a_duplicate_session_is_refused(supervised, db):
    submitted(supervised, db)
    with pytest.raises(services.SupervisionRefused, match="already logged a session"):
        services.log_session(supervised["trainee"], data(supervised["supervisor"]), submit=False)


def test_submitting_needs_the_attestation_but_a_draft_does_not(supervised, db):
    draft = services.log_session(supervised["trainee"], data(supervised["supervisor"], attested=False), submit=False)
    assert draft.status is SessionStatus.DRAFT
    with pytest.raises(services.SupervisionRefused, match="attestation"):
        services.update_session(draft, supervised["trainee"], data(supervised["supervisor"], attested=False),
                                submit=True)


def test_client_identifiers_are_flagged_until_confirmed(supervised, db):
    risky = data(supervised["supervisor"], summary="Talked about calling 617-555-0199 after school.")
    with pytest.raises(services.IdentifiersFound) as found:
        services.log_session(supervised["trainee"], risky, submit=True)
    assert found.value.findings == ["a phone number: “617-555-0199”"]
    risky.identifiers_confirmed = True
    assert services.log_session(supervised["trainee"], risky, submit=True).status is SessionStatus.SUBMITTED


def test_approval_is_an_electronic_signature_with_the_credential_of_the_day(supervised, db):
    s = supervised
    session = submitted(s, db)
    services.approve_session(session, s["supervisor"], password=factories.PASSWORD)
    db.session.commit()
    assert session.status is SessionStatus.APPROVED
    payload = services.signature_payload(session, s["supervisor"], session.signed_at)
    assert session.signature_hash == hashlib.sha256(payload.encode()).hexdigest()
    assert session.credential_snapshot["type"] == "LICSW" and session.credential_snapshot["state"] == "MA"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "supervision.approved"))
    assert event.actor_id == s["supervisor"].id and event.after["signature_hash"] == session.signature_hash
    # the credential changes later; the record keeps what it was
    cred = services.credential_of(s["supervisor"])
    cred.state = "NH"
    db.session.commit()
    assert db.session.get(SupervisionSession, session.id).credential_snapshot["state"] == "MA"


def test_approved_sessions_are_locked(supervised, db):
    s = supervised
    session = submitted(s, db)
    services.approve_session(session, s["supervisor"], password=factories.PASSWORD)
    with pytest.raises(services.SupervisionRefused, match="cannot be changed"):
        services.update_session(session, s["trainee"], data(s["supervisor"], duration_minutes=90), submit=True)
    with pytest.raises(services.SupervisionRefused, match="already approved and locked"):
        services.approve_session(session, s["supervisor"], password=factories.PASSWORD)
    with pytest.raises(services.SupervisionRefused, match="already approved"):
        services.return_session(session, s["supervisor"], reason="oops")


@pytest.mark.parametrize("problem", ["wrong supervisor", "wrong password", "unverified", "expired", "returned"])
def test_approval_refusals_change_nothing(supervised, db, problem):
    s = supervised
    session = submitted(s, db)
    signer, password = s["supervisor"], factories.PASSWORD
    if problem == "wrong supervisor":
        signer = factories.make_user(factories.Role.SUPERVISOR)
        factories.make_credential(signer)
        message = "Only the supervisor named on the session"
    elif problem == "wrong password":
        password, message = "not my password", "password is not correct"
    elif problem == "unverified":
        services.credential_of(signer).verified_at = None
        message = "not verified, or had expired"
    elif problem == "expired":
        services.credential_of(signer).expires_on = session.session_date - timedelta(days=1)
        message = "not verified, or had expired"
    else:
        services.return_session(session, signer, reason="Add the topics.")
        message = "not waiting for a decision"
    db.session.commit()
    before = session.status
    with pytest.raises(services.SupervisionRefused, match=message):
        services.approve_session(session, signer, password=password)
    db.session.rollback()
    fresh = db.session.get(SupervisionSession, session.id)
    assert fresh.status is before and fresh.signature_hash is None


def test_returned_session_is_fixed_and_resubmitted(supervised, db):
    s = supervised
    session = submitted(s, db)
    with pytest.raises(services.SupervisionRefused, match="Say what the trainee should change"):
        services.return_session(session, s["supervisor"], reason="  ")
    services.return_session(session, s["supervisor"], reason="The session was 45 minutes, not 60.")
    services.update_session(session, s["trainee"], data(s["supervisor"], duration_minutes=45), submit=True)
    assert session.status is SessionStatus.SUBMITTED and session.return_reason is None
    services.approve_session(session, s["supervisor"], password=factories.PASSWORD)
    assert session.duration_minutes == 45


def test_amendment_replaces_the_original_in_the_hours_once_approved(supervised, db):
    s = supervised
    original = submitted(s, db)
    services.approve_session(original, s["supervisor"], password=factories.PASSWORD)
    amendment = services.amend_session(original, s["trainee"], data(s["supervisor"], duration_minutes=90),
                                       submit=True)
    assert amendment.amends_id == original.id and amendment.revision == 1
    with pytest.raises(services.SupervisionRefused, match="already in progress"):
        services.amend_session(original, s["trainee"], data(s["supervisor"]), submit=True)
    db.session.commit()
    uid = s["trainee"].id
    assert [e.minutes for e in load_records(s["cohort"], [uid])[uid].supervision] == [60]
    services.approve_session(amendment, s["supervisor"], password=factories.PASSWORD)
    db.session.commit()
    assert original.superseded_at is not None and original.status is SessionStatus.APPROVED
    assert [e.minutes for e in load_records(s["cohort"], [uid])[uid].supervision] == [90]


def test_reminders_after_seven_days_and_escalation_after_fourteen(supervised, db):
    s = supervised
    old = submitted(s, db)
    older = submitted(s, db, start_time=time(14, 0))
    now = utcnow()
    old.submitted_at = now - timedelta(days=8)
    older.submitted_at = now - timedelta(days=15)
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id)))  # the mails telling of the submissions
    reminded, escalated = send_reminders(backend="outbox", queue_url=lambda: "http://x/queue", now=now)
    assert (reminded, escalated) == (2, 1)
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > before)).all()
    to = sorted(m.to_address for m in mail)
    assert to == sorted([s["supervisor"].email, s["supervisor"].email, s["org_admin"].email])
    assert send_reminders(backend="outbox", queue_url=lambda: "x", now=now) == (0, 0)  # once each
    fresh = submitted(s, db, start_time=time(16, 0))
    fresh.submitted_at = now - timedelta(days=6)
    assert send_reminders(backend="outbox", queue_url=lambda: "x", now=now) == (0, 0)


def group(s, db, ids, **kw):
    values = {"attendee_ids": ids, "session_date": date.today() - timedelta(days=3), "start_time": time(15, 0),
              "duration_minutes": 90, "delivery_mode": DeliveryMode.IN_PERSON, "topics": ["skill_practice"],
              "summary": "Role-play practice on closure."}
    return services.GroupInput(**{**values, **kw})


def test_group_session_counts_for_each_attendee_once_they_confirm(supervised, db):
    s = supervised
    factories.make_assignment(s["peer"], s["supervisor"])
    rows = services.create_group_session(s["supervisor"], group(s, db, [s["trainee"].id, s["peer"].id]),
                                         password=factories.PASSWORD)
    db.session.commit()
    assert {r.status for r in rows} == {SessionStatus.TO_CONFIRM}
    assert len({r.group_key for r in rows}) == 1 and all(r.signature_hash for r in rows)
    uid = s["trainee"].id
    assert load_records(s["cohort"], [uid])[uid].supervision == []
    mine = next(r for r in rows if r.trainee_id == uid)
    services.confirm_group_session(mine, s["trainee"])
    db.session.commit()
    assert [(e.kind, e.minutes) for e in load_records(s["cohort"], [uid])[uid].supervision] == [("group", 90)]
    theirs = next(r for r in rows if r.trainee_id == s["peer"].id)
    with pytest.raises(services.SupervisionRefused, match="Only the attendee"):
        services.confirm_group_session(theirs, s["trainee"])
    with pytest.raises(services.SupervisionRefused, match="Say why"):
        services.decline_group_session(theirs, s["peer"], reason="")
    services.decline_group_session(theirs, s["peer"], reason="I was not there.")
    assert theirs.status is SessionStatus.DECLINED


@pytest.mark.parametrize(("ids", "password", "message"), [
    ("one", factories.PASSWORD, "at least two attendees"),
    ("stranger", factories.PASSWORD, "must be your supervisees"),
    ("both", "wrong", "password is not correct"),
])
def test_group_session_refusals(supervised, db, ids, password, message):
    s = supervised
    factories.make_assignment(s["peer"], s["supervisor"])
    stranger = factories.make_user(factories.Role.TRAINEE)
    attendee_ids = {"one": [s["trainee"].id], "stranger": [s["trainee"].id, stranger.id],
                    "both": [s["trainee"].id, s["peer"].id]}[ids]
    with pytest.raises(services.SupervisionRefused, match=message):
        services.create_group_session(s["supervisor"], group(s, db, attendee_ids), password=password)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionSession)) == 0


def test_reminder_and_escalation_days_come_from_the_program(supervised, db):
    s = supervised
    course = s["cohort"].course
    course.rules = {**course.rules, "supervision": {**course.rules["supervision"],
                                                    "remind_after_days": 3, "escalate_after_days": 5}}
    waiting = submitted(s, db)
    now = utcnow()
    waiting.submitted_at = now - timedelta(days=4)
    db.session.commit()
    assert send_reminders(backend="outbox", queue_url=lambda: "x", now=now) == (1, 0)
    assert send_reminders(backend="outbox", queue_url=lambda: "x", now=now + timedelta(days=1, hours=1)) == (0, 1)
