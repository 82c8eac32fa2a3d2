"""Each event a person must act on, or would want to know, reaches them once: in-app, and by email as they
chose (at once, in the daily digest, or not at all). Double submits and retries tell nobody twice."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app import inbox
from app.certificates import services as certificates
from app.discuss.notify import save_preferences, send_digests
from app.models import EmailMode, EventNotice, OutboxMessage
from app.supervision import services as supervision
from tests import factories
from tests.conftest import issuer_settings
from tests.services.test_roleplay_grading import CLEAR_PASS, grade, submit
from tests.services.test_supervision import data, submitted


def notices_of(db, user, kind: str) -> list[EventNotice]:
    return list(db.session.scalars(sa.select(EventNotice).where(EventNotice.user_id == user.id,
                                                                EventNotice.kind == kind)))


def mails_to(db, user, subject_part: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.to_address == user.email, OutboxMessage.subject.contains(subject_part))))


def test_a_submitted_session_tells_its_supervisor_once_even_when_submitted_twice(supervised, db, app):
    s = supervised
    session = submitted(s, db)
    with pytest.raises(supervision.SupervisionRefused):  # the double submit: the session is no longer editable
        supervision.update_session(session, s["trainee"], data(s["supervisor"]), submit=True)
    db.session.rollback()
    (note,) = notices_of(db, s["supervisor"], "supervision.submitted")
    assert note.actor_id == s["trainee"].id and note.path == f"/supervision/sessions/{session.id}/decide"
    (mail,) = mails_to(db, s["supervisor"], "waiting for your sign-off")
    assert app.config["PUBLIC_BASE_URL"].rstrip("/") + note.path in mail.body
    assert inbox.unread_count(s["supervisor"]) == 1


def test_approved_and_returned_sessions_tell_the_trainee_once_each(supervised, db):
    s = supervised
    first = submitted(s, db)
    supervision.return_session(first, s["supervisor"], reason="Add the date of the case review.")
    db.session.commit()
    with pytest.raises(supervision.SupervisionRefused):  # a second click on "Return"
        supervision.return_session(first, s["supervisor"], reason="Again.")
    db.session.rollback()
    assert len(notices_of(db, s["trainee"], "supervision.returned")) == 1
    assert len(mails_to(db, s["trainee"], "returned to you")) == 1

    supervision.update_session(first, s["trainee"], data(s["supervisor"]), submit=True)  # fixed and resubmitted
    db.session.commit()
    assert len(notices_of(db, s["supervisor"], "supervision.submitted")) == 2  # a new submission is a new event
    supervision.approve_session(first, s["supervisor"], password=factories.PASSWORD)
    db.session.commit()
    with pytest.raises(supervision.SupervisionRefused):
        supervision.approve_session(first, s["supervisor"], password=factories.PASSWORD)
    db.session.rollback()
    (approved,) = notices_of(db, s["trainee"], "supervision.approved")
    assert approved.path == f"/supervision/sessions/{first.id}"
    assert len(mails_to(db, s["trainee"], "was approved")) == 1


def test_the_same_event_told_twice_is_stored_and_mailed_once(supervised, db):
    from app.supervision import tell

    session = submitted(supervised, db)
    tell.submitted(session)  # a retry of the same event
    db.session.commit()
    assert len(notices_of(db, supervised["supervisor"], "supervision.submitted")) == 1
    assert len(mails_to(db, supervised["supervisor"], "waiting for your sign-off")) == 1


def test_a_released_role_play_grade_tells_the_trainee_once(roleplay_cohort, db):
    rc = {**roleplay_cohort, "_db": db}
    sub = submit(rc)
    grade(rc, sub, "instructor", CLEAR_PASS)
    (note,) = notices_of(db, rc["trainee"], "roleplay.released")
    assert "has been graded: " in note.message and note.path == f"/role-play/submissions/{sub.id}"
    assert len(mails_to(db, rc["trainee"], "Your role-play grade")) == 1


def test_an_issued_certificate_tells_the_holder_once(nearly_complete, app, db):
    nc = nearly_complete
    certificates.sign_conduct(nc["trainee"], nc["cohort"])
    certificates.final_signoff(nc["trainee"], nc["cohort"], nc["lead"])
    (cert,) = certificates.issue_due([nc["trainee"].id], issuer_settings(app))
    assert certificates.issue_due([nc["trainee"].id], issuer_settings(app)) == []
    db.session.commit()
    (note,) = notices_of(db, nc["trainee"], "certificate.issued")
    assert cert.serial in note.message and note.path == f"/certificates/{cert.uuid}"
    assert len(mails_to(db, nc["trainee"], "Your certificate is ready")) == 1


def test_daily_digest_people_hear_once_in_the_digest_and_off_people_only_in_app(supervised, db, app):
    s = supervised
    save_preferences(s["supervisor"], replies=True, mentions=True, followed=True, email_mode=EmailMode.DAILY)
    save_preferences(s["trainee"], replies=True, mentions=True, followed=True, email_mode=EmailMode.OFF)
    session = submitted(s, db)
    assert mails_to(db, s["supervisor"], "waiting for your sign-off") == []
    with app.test_request_context():
        assert send_digests(mail_backend="outbox", link_for=lambda post: "") == 1
        assert send_digests(mail_backend="outbox", link_for=lambda post: "") == 0
    (digest,) = mails_to(db, s["supervisor"], "Your digest: 1 new notification")
    assert f"/supervision/sessions/{session.id}/decide" in digest.body and s["trainee"].name in digest.body
    supervision.approve_session(session, s["supervisor"], password=factories.PASSWORD)
    db.session.commit()
    assert len(notices_of(db, s["trainee"], "supervision.approved")) == 1
    assert mails_to(db, s["trainee"], "approved") == []


def test_marking_all_read_clears_the_count_of_both_kinds(supervised, db):
    session = submitted(supervised, db)
    supervision.return_session(session, supervised["supervisor"], reason="Add the date.")
    db.session.commit()
    assert inbox.unread_count(supervised["trainee"]) == 1
    assert inbox.mark_all_read(supervised["trainee"]) == 1
    assert inbox.unread_count(supervised["trainee"]) == 0
