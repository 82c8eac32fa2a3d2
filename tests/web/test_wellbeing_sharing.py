"""Sharing on the trainee's terms: a check-in trend or a journal entry shown to their supervisor for the next
session, seen by nobody else, withdrawn at any time."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import JournalEntry, Role, SupervisorAssignment, WellbeingCheckin, WellbeingShare
from app.wellbeing import checkin as questions
from tests import factories
from tests.conftest import csrf_token, login

NOTE, ENTRY = "NOTE-NEVER-SHARED-8812", "ENTRY-SHARED-ON-PURPOSE-3390"


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302, user
    return client


def setup(rc, db):
    for week, values in ((3, (4, 4, 4, 4, 4)), (4, (2, 3, 1, 3, 2))):
        db.session.add(WellbeingCheckin(user_id=rc["trainee"].id, cohort_id=rc["cohort"].id, week=week, note=NOTE,
                                        wants_to_talk=True, answers=dict(zip(questions.KEYS, values, strict=True))))
    entry = JournalEntry(user_id=rc["trainee"].id, body=ENTRY)
    db.session.add(entry)
    db.session.commit()
    return entry


def share(client, rc, kind, **ids):
    data = {"kind": kind, "supervisor_id": str(rc["supervisor"].id), "cohort_id": "", "entry_id": "",
            **{k: str(v) for k, v in ids.items()}, "csrf_token": csrf_token(client, "/wellbeing/")}
    return client.post("/wellbeing/shares", data=data, follow_redirects=True)


def test_a_trainee_shares_a_trend_and_an_entry_with_their_supervisor_and_withdraws_them(supervised, app, db):
    rc = supervised
    entry = setup(rc, db)
    trainee = signed_in(app, rc["trainee"])
    page = trainee.get("/wellbeing/").get_data(as_text=True)
    assert "Share this trend (your answers, not your notes) with" in page and "Sam Supervisor" in page
    assert "Shared with Sam Supervisor" in share(trainee, rc, "trend", cohort_id=rc["cohort"].id).get_data(
        as_text=True)
    assert "Shared with Sam Supervisor" in share(trainee, rc, "journal", entry_id=entry.id).get_data(as_text=True)
    trend_share, entry_share = db.session.scalars(sa.select(WellbeingShare).order_by(WellbeingShare.id)).all()

    sam = signed_in(app, rc["supervisor"])
    workspace = sam.get("/wellbeing/requests").get_data(as_text=True)
    assert "Shared with you for your next session" in workspace
    assert "Tara Trainee: check-in trend" in workspace and "Tara Trainee: a journal entry" in workspace
    trend = sam.get(f"/wellbeing/shared/{trend_share.id}").get_data(as_text=True)
    assert "Tara Trainee shared this with you" in trend and "Week 4</th><td>2.2</td>" in trend
    assert "Very poorly (1)" in trend
    assert NOTE not in trend and "talk" not in trend.split("<main")[1].split("</main>")[0].lower()
    assert ENTRY in sam.get(f"/wellbeing/shared/{entry_share.id}").get_data(as_text=True)
    # the supervisor sees the entry as it is now
    trainee.post(f"/wellbeing/journal/{entry.id}", data={"body": f"{ENTRY} (edited)", "csrf_token": csrf_token(trainee)})
    assert f"{ENTRY} (edited)" in sam.get(f"/wellbeing/shared/{entry_share.id}").get_data(as_text=True)

    # the trainee sees what is shared, and withdraws it
    mine = trainee.get("/wellbeing/").get_data(as_text=True)
    assert "What you are sharing" in mine and "See what they see" in mine
    assert "Share this trend" not in mine  # already shared with their only supervisor
    trainee.post(f"/wellbeing/shares/{trend_share.id}/withdraw", data={"csrf_token": csrf_token(trainee)})
    assert sam.get(f"/wellbeing/shared/{trend_share.id}").status_code == 404
    assert "Tara Trainee: check-in trend" not in sam.get("/wellbeing/requests").get_data(as_text=True)
    # deleting a shared entry withdraws it first
    trainee.post(f"/wellbeing/journal/{entry.id}/delete", data={"csrf_token": csrf_token(trainee)})
    assert sam.get(f"/wellbeing/shared/{entry_share.id}").status_code == 404
    db.session.expire_all()
    assert all(s.withdrawn_at is not None for s in db.session.scalars(sa.select(WellbeingShare)))


def test_what_is_shared_is_seen_by_the_trainee_and_that_supervisor_only(supervised, app, db):
    rc = supervised
    entry = setup(rc, db)
    share(signed_in(app, rc["trainee"]), rc, "journal", entry_id=entry.id)
    row = db.session.scalar(sa.select(WellbeingShare))
    other_supervisor = factories.make_user(Role.SUPERVISOR, organization_id=rc["org"].id)
    factories.make_assignment(rc["peer"], other_supervisor)
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    expected = {"trainee": 200, "peer": 404, "instructor": 404, "supervisor": 200, "other_supervisor": 404,
                "org_admin": 404, "admin": 404}
    people = {**{k: rc[k] for k in ("trainee", "peer", "instructor", "supervisor", "org_admin")},
              "other_supervisor": other_supervisor, "admin": admin}
    for name, user in people.items():
        c = signed_in(app, user)
        response = c.get(f"/wellbeing/shared/{row.id}")
        assert response.status_code == expected[name], name
        if expected[name] != 200:
            assert ENTRY not in response.get_data(as_text=True)
            for path in ("/wellbeing/requests", "/dashboard", f"/partners/cohorts/{rc['cohort'].id}"):
                assert ENTRY not in c.get(path).get_data(as_text=True), (name, path)
            withdraw = c.post(f"/wellbeing/shares/{row.id}/withdraw", data={"csrf_token": csrf_token(c)})
            assert withdraw.status_code in (403, 404), name
    # no longer their supervisor: no longer theirs to see
    db.session.execute(sa.delete(SupervisorAssignment).where(SupervisorAssignment.trainee_id == rc["trainee"].id))
    db.session.commit()
    assert signed_in(app, rc["supervisor"]).get(f"/wellbeing/shared/{row.id}").status_code == 404


def test_only_ones_own_things_with_ones_own_supervisor_once(supervised, app, db):
    rc = supervised
    entry = setup(rc, db)
    peers_entry = JournalEntry(user_id=rc["peer"].id, body="not Tara's")
    stranger = factories.make_user(Role.SUPERVISOR)
    db.session.add(peers_entry)
    db.session.commit()
    trainee = signed_in(app, rc["trainee"])
    refused = share(trainee, rc, "journal", entry_id=peers_entry.id).get_data(as_text=True)
    assert "That journal entry is not yours to share." in refused
    data = {"kind": "journal", "entry_id": str(entry.id), "supervisor_id": str(stranger.id),
            "csrf_token": csrf_token(trainee)}
    assert "Choose one of your supervisors" in trainee.post("/wellbeing/shares", data=data,
                                                           follow_redirects=True).get_data(as_text=True)
    other_cohort = factories.make_cohort(rc["course"], rc["org"])
    db.session.commit()
    assert "no check-in trend of yours" in share(trainee, rc, "trend", cohort_id=other_cohort.id).get_data(
        as_text=True)
    share(trainee, rc, "journal", entry_id=entry.id)
    assert "Sam Supervisor can already see it." in share(trainee, rc, "journal", entry_id=entry.id).get_data(
        as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WellbeingShare)) == 1
