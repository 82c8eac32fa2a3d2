"""A peer-support circle in Chromium: the instructor sets one up from the cohort page, a trainee writes in it,
the instructor (its facilitator) reads it. Each page fits 390 px and has no serious accessibility finding; with
SCREENSHOT_DIR set, each is saved there at 1280 and 390 px."""

from __future__ import annotations

import pytest

from tests.browser.conftest import serious_violations, sign_in, sign_out
from tests.browser.test_privacy_flow import _shoot

pytestmark = pytest.mark.browser


def test_set_up_a_circle_write_in_it_and_read_it(live_server, page, running_cohort):
    rc = running_cohort
    base = live_server
    sign_in(page, base, rc["instructor"])
    page.goto(f"{base}/cohorts/{rc['cohort'].id}")
    page.get_by_role("link", name="Peer-support circles").click()
    assert page.get_by_text("No circles yet. Set up the first one below.").is_visible()
    page.get_by_label("Name of the circle").fill("Tuesday circle")
    page.get_by_label("Tara Trainee").check()
    page.get_by_label("Pat Peer").check()
    _shoot(page, "circles-instructor")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Set up the circle").click()
    assert page.get_by_role("heading", name="Tuesday circle").is_visible()
    sign_out(page)

    sign_in(page, base, rc["trainee"])
    page.get_by_role("link", name="Wellbeing").click()
    page.get_by_role("link", name="Peer-support circles").click()
    page.get_by_role("link", name="Open your circle's thread").click()
    assert page.get_by_text("Facilitator: Ines Instructor, who can read and moderate this thread.").is_visible()
    page.get_by_label("Write to your circle").fill("Week 4 felt long. Anyone up for a walk on Thursday?")
    page.get_by_role("button", name="Post to the circle").click()
    assert page.get_by_text("Anyone up for a walk on Thursday?").is_visible()
    _shoot(page, "circle-thread")
    assert serious_violations(page) == []
    sign_out(page)

    sign_in(page, base, rc["instructor"])
    page.goto(f"{base}/wellbeing/cohorts/{rc['cohort'].id}/circles")
    page.get_by_role("link", name="Tuesday circle").click()
    assert page.get_by_text("Anyone up for a walk on Thursday?").is_visible()
    assert page.get_by_role("button", name="Hide this post").is_visible()
