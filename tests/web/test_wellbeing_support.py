""""I need to talk to someone": a route to a person today, acknowledged, escalated exactly once, and never
shown to the organization admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.jobs import JOBS
from app.jobs.record import run_recorded
from app.models import OutboxMessage, Role, SupportRequest
from app.pacing import cohort_today
from app.wellbeing import support
from tests import factories
from tests.conftest import csrf_token, login, race, set_course_rules

SECRET = "REQUEST-TEXT-ONLY-FOR-SAM-4417"


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302, user
    return client


@pytest.fixture
def week9(supervised, db):
    """The supervised trainee's cohort in week 9 (crisis response), with a platform admin (program director)."""
    rc = dict(supervised)
    rc["cohort"].start_date = cohort_today(rc["cohort"].timezone) - timedelta(weeks=8)
    rc["admin"] = factories.make_user(Role.ADMIN, name="Dana Director")
    db.session.commit()
    return rc


def ask(client, cohort, to: str, message: str = SECRET):
    page = f"/wellbeing/talk?cohort={cohort.id}"
    return client.post(page, data={"to": to, "message": message, "csrf_token": csrf_token(client, page)})


def mails(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_in_a_crisis_week_a_trainee_asks_to_talk_and_sees_who_has_it(week9, app, db):
    rc = week9
    trainee, cohort = rc["trainee"], rc["cohort"]
    client = signed_in(app, trainee)
    week_page = client.get(f"/cohorts/{cohort.id}/weeks/9").get_data(as_text=True)
    assert "I need to talk to someone" in week_page and 'href="tel:988"' in week_page
    assert f"/wellbeing/talk?cohort={cohort.id}" in week_page
    assert "I need to talk to someone" not in client.get(f"/cohorts/{cohort.id}/weeks/4").get_data(as_text=True)
    assert "I need to talk to someone" in client.get(f"/cohorts/{cohort.id}/weeks/9/role-play").get_data(as_text=True)
    staff_view = signed_in(app, rc["instructor"]).get(f"/cohorts/{cohort.id}/weeks/9").get_data(as_text=True)
    assert "I need to talk to someone" not in staff_view

    page = client.get(f"/wellbeing/talk?cohort={cohort.id}").get_data(as_text=True)
    assert "Ines Instructor, the program&#39;s wellbeing contact" in page  # the cohort's lead instructor
    assert "Sam Supervisor, your supervisor" in page
    assert "within 4 hours" in page  # the program's escalate_after_hours
    response = ask(client, cohort, f"supervisor-{rc['supervisor'].id}")
    assert response.status_code == 302
    req = db.session.scalar(sa.select(SupportRequest))
    assert (req.recipient_id, req.recipient_kind.value, req.message) == (rc["supervisor"].id, "supervisor", SECRET)
    assert req.escalate_at - req.created_at == timedelta(hours=4)
    [notice] = mails(db)
    assert notice.to_address == rc["supervisor"].email and f"/wellbeing/requests/{req.id}" in notice.body
    assert SECRET not in notice.body and trainee.name not in notice.body and trainee.name not in notice.subject
    mine = client.get("/wellbeing/talk").get_data(as_text=True)
    assert "Sam Supervisor, your supervisor" in mine and "Not yet" in mine

    sam = signed_in(app, rc["supervisor"])
    assert f"/wellbeing/requests/{req.id}" in sam.get("/wellbeing/requests").get_data(as_text=True)  # their inbox
    seen = sam.get(f"/wellbeing/requests/{req.id}").get_data(as_text=True)
    assert SECRET in seen and f"{trainee.name} asked to talk today" in seen
    sam.post(f"/wellbeing/requests/{req.id}/acknowledge",
             data={"reply": "I'll call you at 3 today.", "csrf_token": csrf_token(sam, "/wellbeing/requests")})
    mine = client.get("/wellbeing/talk").get_data(as_text=True)
    assert "Yes</strong> by Sam Supervisor" in mine and "I&#39;ll call you at 3 today." in mine
    acknowledged = mails(db)[-1]
    assert acknowledged.to_address == trainee.email and "Sam Supervisor has your request" in acknowledged.body
    # once only: a second acknowledgement is refused, naming who has it
    again = sam.post(f"/wellbeing/requests/{req.id}/acknowledge", data={"csrf_token": csrf_token(sam)},
                     follow_redirects=True).get_data(as_text=True)
    assert "Sam Supervisor already acknowledged this request." in again
    assert "Wellbeing" in sam.get("/dashboard").get_data(as_text=True)  # the inbox stays in the navigation


def test_only_people_who_can_receive_it_are_offered_and_others_are_refused(week9, app, db):
    rc = week9
    client = signed_in(app, rc["trainee"])
    stranger = factories.make_user(Role.SUPERVISOR, name="Not Theirs")
    db.session.commit()
    for to in (f"supervisor-{stranger.id}", f"supervisor-{rc['org_admin'].id}", "contact-999", ""):
        assert ask(client, rc["cohort"], to).status_code == 400, to
    rc["supervisor"].is_active = False  # a deactivated person is not offered and cannot be asked
    db.session.commit()
    page = client.get("/wellbeing/talk").get_data(as_text=True)
    assert "Sam Supervisor" not in page and "Ines Instructor" in page
    assert ask(client, rc["cohort"], f"supervisor-{rc['supervisor'].id}").status_code == 400
    rc["instructor"].is_active = False
    db.session.commit()
    page = client.get("/wellbeing/talk").get_data(as_text=True)
    assert "there is nobody to ask here" in page and 'href="tel:988"' in page
    assert ask(client, rc["cohort"], "contact").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupportRequest)) == 0
    assert mails(db) == []


def test_asking_the_same_person_twice_before_they_acknowledge_is_refused(week9, app, db):
    rc = week9
    client = signed_in(app, rc["trainee"])
    assert ask(client, rc["cohort"], "contact").status_code == 302
    again = ask(client, rc["cohort"], "contact")
    assert again.status_code == 400 and "already has your request" in again.get_data(as_text=True)
    assert ask(client, rc["cohort"], f"supervisor-{rc['supervisor'].id}").status_code == 302


def test_requests_are_seen_by_the_trainee_the_person_asked_and_the_director_only_once_escalated(week9, app, db):
    """The privacy matrix for requests: the trainee, another trainee, the cohort's instructor (who was not
    asked), the supervisor (who was), the organization admin, and a platform admin before and after
    escalation."""
    rc = week9
    ask(signed_in(app, rc["trainee"]), rc["cohort"], f"supervisor-{rc['supervisor'].id}")
    req = db.session.scalar(sa.select(SupportRequest))
    personas = {"trainee": rc["trainee"], "other_trainee": rc["peer"], "instructor": rc["instructor"],
                "supervisor": rc["supervisor"], "org_admin": rc["org_admin"], "admin": rc["admin"]}
    before = {"trainee": (200, 403), "other_trainee": (404, 403), "instructor": (404, 200),
              "supervisor": (200, 200), "org_admin": (404, 403), "admin": (404, 200)}
    after = dict(before, admin=(200, 200))

    def check(expected, may_acknowledge):
        for name, user in personas.items():
            c = signed_in(app, user)
            shown, inbox = c.get(f"/wellbeing/requests/{req.id}"), c.get("/wellbeing/requests")
            assert (shown.status_code, inbox.status_code) == expected[name], name
            sees = expected[name][0] == 200
            for response in (shown, inbox, c.get("/dashboard"), c.get(f"/partners/cohorts/{rc['cohort'].id}"),
                             c.get(f"/partners/cohorts/{rc['cohort'].id}/export.csv")):
                assert (SECRET in response.get_data(as_text=True)) == (sees and response is shown), name
            if name not in may_acknowledge:  # (those who may are not made to, so the request stays open)
                ack = c.post(f"/wellbeing/requests/{req.id}/acknowledge", data={"csrf_token": csrf_token(c)})
                assert ack.status_code in (403, 404), name
        db.session.expire_all()
        assert db.session.get(SupportRequest, req.id).acknowledged_at is None

    check(before, {"supervisor"})
    req.escalate_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert run_recorded(app, JOBS["support-escalations"]).startswith("1 unacknowledged")
    check(after, {"supervisor", "admin"})


def test_an_unacknowledged_request_is_escalated_exactly_once(week9, app, db):
    rc = week9
    second_director = factories.make_user(Role.ADMIN, name="Eli Director")
    factories.make_user(Role.ADMIN, name="Gone Director", is_active=False)
    db.session.commit()
    client = signed_in(app, rc["trainee"])
    ask(client, rc["cohort"], "contact")
    ask(client, rc["cohort"], f"supervisor-{rc['supervisor'].id}")
    due, acknowledged = db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)).all()
    past = utcnow() - timedelta(minutes=5)
    due.escalate_at = acknowledged.escalate_at = past
    acknowledged.acknowledged_at, acknowledged.acknowledged_by_id = past, rc["supervisor"].id
    db.session.commit()
    before = len(mails(db))
    for _ in range(3):  # the job runs every five minutes, and may be run by hand too
        run_recorded(app, JOBS["support-escalations"])
    new = mails(db)[before:]
    assert sorted(m.to_address for m in new) == sorted([rc["admin"].email, second_director.email])
    assert all(SECRET not in m.body and rc["trainee"].name not in m.body for m in new)
    assert all(f"/wellbeing/requests/{due.id}" in m.body for m in new)
    db.session.expire_all()
    assert db.session.get(SupportRequest, due.id).escalated_at is not None
    assert db.session.get(SupportRequest, acknowledged.id).escalated_at is None
    # the trainee sees that the program director was asked
    assert "Asked to step in" in client.get("/wellbeing/talk").get_data(as_text=True)
    # and the director finds it, acknowledges it, and the trainee sees who has it
    director = signed_in(app, rc["admin"])
    assert f"/wellbeing/requests/{due.id}" in director.get("/wellbeing/requests").get_data(as_text=True)
    director.post(f"/wellbeing/requests/{due.id}/acknowledge", data={"csrf_token": csrf_token(director)})
    assert "Yes</strong> by Dana Director" in client.get("/wellbeing/talk").get_data(as_text=True)


def test_two_workers_escalating_at_once_send_one_set_of_mails(week9, app, db):
    rc = week9
    ask(signed_in(app, rc["trainee"]), rc["cohort"], "contact")
    req = db.session.scalar(sa.select(SupportRequest))
    req.escalate_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = len(mails(db))

    def escalate():
        return lambda: support.escalate_due(backend="outbox", link_for=lambda r: f"http://x/{r.id}")

    outcomes = race(app, [escalate, escalate])
    assert all(o in ("ok", "locked") for o in outcomes), outcomes
    assert [m.to_address for m in mails(db)[before:]] == [rc["admin"].email]


def test_the_hours_before_escalation_come_from_the_program(week9, app, db):
    rc = week9
    set_course_rules(db, rc["course"], "wellbeing", escalate_after_hours=1)
    client = signed_in(app, rc["trainee"])
    assert "within 1 hour," in client.get("/wellbeing/talk").get_data(as_text=True)
    ask(client, rc["cohort"], "contact")
    set_course_rules(db, rc["course"], "wellbeing", escalate_after_hours=6)
    ask(client, rc["cohort"], f"supervisor-{rc['supervisor'].id}")
    quick, slow = db.session.scalars(sa.select(SupportRequest).order_by(SupportRequest.id)).all()
    assert quick.escalate_at - quick.created_at == timedelta(hours=1)
    assert slow.escalate_at - slow.created_at == timedelta(hours=6)
    assert support.escalate_due(backend="outbox", link_for=lambda r: "", now=utcnow() + timedelta(hours=2)) == 1
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(SupportRequest, quick.id).escalated_at is not None
    assert db.session.get(SupportRequest, slow.id).escalated_at is None
