"""Supervision notes are clinical: the trainee, their supervisors and the program's instructors read a
session's summary, action items and return reason; the organization's admin and platform admins see hours,
dates and status only, on every page that lists sessions."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import SessionStatus
from tests import factories

SUMMARY = "Talked through the school refusal and the family meeting."
ACTIONS = "Call the school counsellor before Friday."
REASON = "Please add the start time of the home visit."

READERS = ["trainee", "supervisor", "instructor"]
HOURS_ONLY = ["org_admin", "admin"]


@pytest.fixture
def returned(people):
    session = factories.make_supervision(people["trainee"], people["supervisor"], status=SessionStatus.RETURNED,
                                         summary=SUMMARY, action_items=ACTIONS, return_reason=REASON)
    db.session.commit()
    return session


@pytest.mark.parametrize("who", READERS)
def test_the_trainee_their_supervisor_and_the_instructor_read_the_notes(login_as, returned, who):
    page = login_as(who).get(f"/supervision/sessions/{returned.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert SUMMARY in html and ACTIONS in html and REASON in html


@pytest.mark.parametrize("who", HOURS_ONLY)
def test_admins_see_the_hours_but_never_the_notes(login_as, returned, who):
    page = login_as(who).get(f"/supervision/sessions/{returned.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "60 minutes" in html and returned.session_date.strftime("%B") in html
    assert SUMMARY not in html and ACTIONS not in html and REASON not in html
    assert "clinical notes" in html


@pytest.mark.parametrize("who", HOURS_ONLY)
def test_the_ledger_shows_the_organization_admin_no_return_reason(login_as, people, returned, who):
    page = login_as(who).get(f"/supervision/trainees/{people['trainee'].id}/ledger")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Returned" in html and REASON not in html


def test_the_supervisor_reads_the_return_reason_in_the_ledger(login_as, people, returned):
    html = login_as("supervisor").get(f"/supervision/trainees/{people['trainee'].id}/ledger").get_data(as_text=True)
    assert REASON in html


def test_another_organizations_admin_sees_nothing(login_as, returned):
    assert login_as("other_org").get(f"/supervision/sessions/{returned.id}").status_code == 404
