"""Signals without exposing anyone: an organization sees a cohort's check-in averages only for weeks when
at least five trainees answered, and nothing at all of a smaller group, on any page, export or API path."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from app.models import Enrollment, JournalEntry, Role, SupportRequest, WellbeingCheckin, WellbeingShare
from app.wellbeing import checkin as questions
from app.wellbeing import sharing, signals, support
from app.wellbeing.services import add_entry
from tests import factories
from tests.conftest import login

NOTE, ENTRY, REQUEST = "NOTE-MARK-", "JOURNAL-MARK-", "REQUEST-MARK-2291"


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302, user
    return client


def check_in(db, trainee, cohort, week, values, n):
    db.session.add(WellbeingCheckin(user_id=trainee.id, cohort_id=cohort.id, week=week, note=f"{NOTE}{n}",
                                    wants_to_talk=n == 0, answers=dict(zip(questions.KEYS, values, strict=True))))


@pytest.fixture
def group(supervised, db):
    """The supervised cohort (week 4) with five trainees in all; each has a journal entry, and the first has
    asked their supervisor to talk and shared their entry with them. Nobody has checked in yet."""
    rc = dict(supervised)
    trainees = [rc["trainee"], rc["peer"]]
    for n in range(3):
        t = factories.make_user(Role.TRAINEE, organization_id=rc["org"].id, name=f"Extra Trainee {n}")
        factories.make_enrollment(rc["cohort"], t)
        trainees.append(t)
    for n, t in enumerate(trainees):
        add_entry(t, f"{ENTRY}{n}")
    support.request_support(rc["trainee"], rc["cohort"], f"supervisor-{rc['supervisor'].id}", REQUEST,
                            backend="outbox", link_for=lambda r: "")
    entry_id = db.session.scalar(sa.select(JournalEntry.id).where(JournalEntry.user_id == rc["trainee"].id))
    sharing.share(rc["trainee"], rc["supervisor"].id, "journal", entry_id=entry_id)  # shared with Sam only
    rc["admin"] = factories.make_user(Role.ADMIN)
    rc["api_key"] = factories.make_api_key(rc["org"])[1]
    db.session.commit()
    rc["trainees"] = trainees
    return rc


ANSWERS = [(1, 2, 1, 2, 1), (2, 2, 2, 3, 2), (3, 3, 2, 3, 3), (4, 3, 3, 4, 4), (5, 4, 4, 5, 5)]


def test_five_answers_show_the_cohort_average_and_four_show_nothing(group, app, db):
    rc = group
    for n, t in enumerate(rc["trainees"]):
        check_in(db, t, rc["cohort"], 4, ANSWERS[n], n)  # week 4: five answered
        if n < 4:
            check_in(db, t, rc["cohort"], 3, ANSWERS[n], n)  # week 3: four answered
    db.session.commit()
    weeks = {s.week: s for s in signals.week_signals(rc["cohort"])}
    assert [w for w, s in weeks.items() if s.enough] == [4]
    assert weeks[4].responses == 5 and weeks[4].means["energy"] == 3.0 and weeks[4].means["sleep"] == 2.4
    assert weeks[3] == signals.WeekSignal(3)  # nothing of the four: not even how many
    page = signed_in(app, rc["org_admin"]).get(f"/wellbeing/cohorts/{rc['cohort'].id}/signals")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    week4 = text[text.index('<th scope="row">Week 4</th>'):text.index("</tr>", text.index('<th scope="row">Week 4'))]
    assert "<td>5</td>" in week4 and "<td>2.4</td>" in week4
    week3 = text[text.index('<th scope="row">Week 3</th>'):text.index("</tr>", text.index('<th scope="row">Week 3'))]
    assert "Not enough responses" in week3 and "<td>" not in week3.replace('<td colspan', '')
    csv = signed_in(app, rc["org_admin"]).get(f"/wellbeing/cohorts/{rc['cohort'].id}/signals.csv").get_data(
        as_text=True).splitlines()
    assert csv[3] == "3,Not enough responses,,,,,,"
    assert csv[4].startswith("4,5,") and ",2.4," in csv[4]


def _candidates(rc, db) -> dict[str, list]:
    ids = [t.id for t in rc["trainees"]]
    return {
        "cohort_id": [rc["cohort"].id], "week": [3, 4], "trainee_id": ids, "user_id": ids,
        "enrollment_id": db.session.scalars(sa.select(Enrollment.id)).all(),
        "entry_id": db.session.scalars(sa.select(JournalEntry.id)).all(),
        "request_id": db.session.scalars(sa.select(SupportRequest.id)).all(),
        "share_id": db.session.scalars(sa.select(WellbeingShare.id)).all(), "fmt": ["json", "txt"],
        "org_id": [rc["org"].id], "slug": [rc["course"].slug], "purpose": ["revocation"],
    }


def _every_get_url(app, rc, db) -> list[str]:
    from flask import url_for

    values = _candidates(rc, db)
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static" or "GET" not in rule.methods:
                continue
            names = sorted(rule.arguments)
            for combo in itertools.product(*(values.get(n, [1]) for n in names)):
                urls.append(url_for(rule.endpoint, **dict(zip(names, combo, strict=True))))
    return urls


def test_every_route_export_and_api_path_shows_an_organization_admin_nothing_of_a_group_of_four(group, app, db):
    rc = group
    for n, t in enumerate(rc["trainees"][:4]):
        check_in(db, t, rc["cohort"], 4, ANSWERS[n], n)
    db.session.commit()
    org_admin = signed_in(app, rc["org_admin"])
    api = app.test_client()
    urls = _every_get_url(app, rc, db)
    assert len(urls) > 150
    markers = [f"{NOTE}{n}" for n in range(5)] + [f"{ENTRY}{n}" for n in range(5)] + [REQUEST]
    seen = {}
    for url in urls:
        client, headers = (api, {"Authorization": f"Bearer {rc['api_key']}"}) if url.startswith("/api/") \
            else (org_admin, {})
        response = client.get(url, headers=headers)
        assert response.status_code < 500, url
        body = response.get_data().decode("utf-8", "replace")  # PDFs and icons too
        leaked = [m for m in markers if m in body]
        assert not leaked, (url, leaked)
        seen[url] = (response.status_code, body)
    signals_url = f"/wellbeing/cohorts/{rc['cohort'].id}/signals"
    status, body = seen[signals_url]
    assert status == 200 and "Not enough responses" in body and "<td>4</td>" not in body
    assert "<rect" not in body  # no bar drawn
    status, body = seen[signals_url + ".csv"]
    assert body.splitlines()[4] == "4,Not enough responses,,,,,,"
    # the organization admin's own organization pages were reached, not just refused
    assert seen[f"/partners/cohorts/{rc['cohort'].id}"][0] == 200
    assert seen[f"/wellbeing/requests/{db.session.scalar(sa.select(SupportRequest.id))}"][0] == 404

    # the markers are there to be found by those allowed: the supervisor the entry was shared with
    share_id = db.session.scalar(sa.select(WellbeingShare.id))
    assert f"{ENTRY}0" in signed_in(app, rc["supervisor"]).get(f"/wellbeing/shared/{share_id}").get_data(as_text=True)
    assert seen[f"/wellbeing/shared/{share_id}"][0] == 404

    # a fifth answer makes the week's average (and only the average) visible
    check_in(db, rc["trainees"][4], rc["cohort"], 4, ANSWERS[4], 4)
    db.session.commit()
    body = org_admin.get(signals_url).get_data(as_text=True)
    assert "<td>5</td>" in body and "<td>2.4</td>" in body and "<rect" in body
    assert not [m for m in markers if m in body]


def test_another_organizations_admin_and_staff_get_no_signals(group, app, db):
    rc = group
    other_org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=factories.make_org().id)
    db.session.commit()
    url = f"/wellbeing/cohorts/{rc['cohort'].id}/signals"
    expected = {"other_org_admin": 404, "instructor": 403, "supervisor": 403, "trainee": 403, "admin": 200,
                "org_admin": 200}
    people = {**{k: rc[k] for k in ("instructor", "supervisor", "trainee", "admin", "org_admin")},
              "other_org_admin": other_org_admin}
    for name, user in people.items():
        c = signed_in(app, user)
        assert (c.get(url).status_code, c.get(url + ".csv").status_code) == (expected[name],) * 2, name


def test_the_load_factors_are_what_the_organization_controls(group, app, db):
    from app.models import SessionStatus

    rc = group
    factories.make_supervision(rc["trainee"], rc["supervisor"], status=SessionStatus.APPROVED, duration_minutes=120)
    factories.make_supervision(rc["peer"], rc["supervisor"], status=SessionStatus.SUBMITTED)
    db.session.commit()
    load = signals.load_factors(rc["cohort"])
    assert (load.trainees, load.waiting_signoff, load.hours_target) == (5, 1, 12.0)
    assert load.mean_hours == 0.4 and load.expected_by_now == round(12 * 4 / 12, 1)
    page = signed_in(app, rc["org_admin"]).get(f"/wellbeing/cohorts/{rc['cohort'].id}/signals").get_data(
        as_text=True)
    assert "0.4 approved hours per trainee on average, of the 12 the program requires" in page
    assert "1 supervision session waiting for a supervisor" in page
