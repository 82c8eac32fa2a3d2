"""A trainee submits a role-play, an instructor grades it, a second grader marks it blind, the trainee
sees the released grade; every page on the way has no serious or critical axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations, sign_in, sign_out
from tests.conftest import set_role_play_rules

pytestmark = pytest.mark.browser

LEVELS = {"engagement-rapport": 4, "questions-reflections": 4, "empathy-validation": 3,
          "collaboration-autonomy-goals": 4, "role-boundaries-ethics": 3, "safety-escalation": 3,
          "cultural-humility": 4}



def fill_rubric(page, comment: str):
    for key, level in LEVELS.items():
        page.locator(f"input[name='level-{key}'][value='{level}']").check()
    page.get_by_label("Overall comment").fill(comment)


def grade_from_queue(page, base, grader, comment: str, *, must_see: str = "", must_not_see: str = "") -> str:
    """Sign in, open the oldest item of the grading queue, grade it, sign out; returns the page after saving."""
    sign_in(page, base, grader)
    page.get_by_role("link", name="Grading queue").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Grade", exact=False).first.click()
    page.wait_for_load_state()
    content = page.content()
    assert must_see in content
    assert not must_not_see or must_not_see not in content
    assert serious_violations(page) == []
    fill_rubric(page, comment)
    page.get_by_role("button", name="Save grade").click()
    page.wait_for_load_state()
    after = page.content()
    sign_out(page)
    return after


def test_submit_grade_second_mark_and_release(live_server, page, roleplay_cohort, db):
    rc = roleplay_cohort
    set_role_play_rules(db, rc["course"], double_mark_share=1.0)  # this one is sampled for double-marking
    cid = rc["cohort"].id

    sign_in(page, live_server, rc["trainee"])
    page.goto(f"{live_server}/cohorts/{cid}/weeks/6")
    page.get_by_role("link", name="Role-play:", exact=False).click()
    page.get_by_role("link", name="Mentor", exact=True).click()  # the scenario's role names
    expect(page.get_by_role("heading", name="Your brief: Mentor")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Submit your role-play").click()
    assert serious_violations(page) == []
    page.get_by_label("Transcript").fill("**Mentor:** I'm going to sit here for a bit. You're not in trouble.")
    page.get_by_label("Self-reflection (private)").fill("I wanted to fix it too fast.")
    page.get_by_role("button", name="Submit attempt").click()
    expect(page.locator("body")).to_contain_text("Attempt 1 submitted")
    assert serious_violations(page) == []
    sign_out(page)

    first = grade_from_queue(page, live_server, rc["grader_a"], "Calm, few words, real choices.",
                             must_see="I wanted to fix it too fast.")
    assert "goes to a second grader" in first
    second = grade_from_queue(page, live_server, rc["grader_b"], "Agree: strong regulation.",
                              must_not_see="Calm, few words, real choices.")  # blind to the first grade
    assert "The graders agree" in second

    sign_in(page, live_server, rc["trainee"])
    page.goto(f"{live_server}/cohorts/{cid}/weeks/6/role-play")
    page.get_by_role("link", name="Attempt 1").click()
    result = page.locator(".status-card").inner_text()
    assert "Pass" in result and "both graders agreed" in result
    assert "Calm, few words, real choices." in result
    assert serious_violations(page) == []


def test_staff_pages_for_role_plays_are_accessible(live_server, page, roleplay_cohort):
    rc = roleplay_cohort
    sign_in(page, live_server, rc["instructor"])
    cid = rc["cohort"].id
    for path in (f"/cohorts/{cid}/weeks/9/role-play", "/grading", f"/cohorts/{cid}/gradebook", "/calibration"):
        page.goto(f"{live_server}{path}")
        assert serious_violations(page) == [], path


def test_an_uncalibrated_grader_is_told_why_and_sent_to_calibrate(live_server, page, roleplay_cohort, db):
    import sqlalchemy as sa

    from app.models import Module, Scenario
    from app.roleplay.services import rubric_for
    from tests import factories

    rc = roleplay_cohort
    rubric = rubric_for(rc["course"].id)
    rubric.calibration = {**rubric.calibration, "required_exemplars": 3}
    scenario = db.session.scalar(sa.select(Scenario).join(Module).where(Module.week == 6))
    factories.make_submission(scenario, rc["cohort"], rc["trainee"], submitted_at=factories.utcnow())
    db.session.commit()
    sign_in(page, live_server, rc["grader_a"])
    page.goto(f"{live_server}/grading")
    expect(page.locator("#calibrate-first")).to_contain_text("needs a calibrated grader")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Calibrate first: why?", exact=False).click()
    expect(page.get_by_role("heading", name="You cannot grade this assessed role-play yet")).to_be_visible()
    expect(page.locator(".refusal")).to_contain_text("0 of the 3 required calibration exemplars graded")
    assert page.get_by_role("button", name="Save grade").count() == 0
    assert serious_violations(page) == []
    page.get_by_role("link", name="Go to calibration").click()
    expect(page.locator("h1")).to_contain_text("Rater calibration")
