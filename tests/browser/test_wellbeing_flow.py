"""In week 9 (crisis response) a trainee checks in, asks to talk to someone, their supervisor acknowledges,
and the trainee sees who has it: in real Chromium, with axe's serious findings and a phone's width checked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.pacing import cohort_today
from tests.browser.conftest import serious_violations, sign_in, sign_out

pytestmark = pytest.mark.browser


def test_week_nine_check_in_ask_acknowledge_and_see_it(live_server, page, supervised, db):
    rc = supervised
    rc["cohort"].start_date = cohort_today(rc["cohort"].timezone) - timedelta(weeks=8)
    db.session.commit()
    base = live_server
    sign_in(page, base, rc["trainee"])
    page.goto(f"{base}/cohorts/{rc['cohort'].id}/weeks/9")
    assert page.get_by_role("heading", name="If this week stays with you").is_visible()

    page.get_by_role("link", name="Wellbeing").click()
    assert serious_violations(page) == []
    for question, answer in (("energy", "Low"), ("manageable", "Hard to manage"), ("sleeping", "Poorly"),
                             ("supported", "Somewhat"), ("set the work down", "A little")):
        page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()
    page.get_by_label("Yes, it would help to talk to someone today").check()
    page.get_by_role("button", name="Save my check-in").click()
    assert page.get_by_text("Your check-in is saved. Only you can see it.").is_visible()
    assert page.get_by_role("heading", name="You don't have to carry this alone").is_visible()
    assert page.locator("svg.wellbeing-chart").is_visible()

    page.get_by_role("link", name="I need to talk to someone").last.click()
    assert serious_violations(page) == []
    page.get_by_label("Sam Supervisor, your supervisor").check()
    page.get_by_label("Anything you want them to know first").fill("Week 9 brought something back. Today?")
    page.get_by_role("button", name="Ask them to reach me today").click()
    assert page.get_by_text("Not yet").first.is_visible()
    sign_out(page)

    sign_in(page, base, rc["supervisor"])
    page.get_by_role("link", name="Wellbeing", exact=True).click()
    page.get_by_role("link", name=rc["trainee"].name).click()
    assert page.get_by_text("Week 9 brought something back. Today?").is_visible()
    assert serious_violations(page) == []
    page.get_by_label("A note back (optional)").fill("Calling you at 4.")
    page.get_by_role("button", name="I have this: acknowledge").click()
    assert page.get_by_text("can see that you have it").is_visible()
    sign_out(page)

    sign_in(page, base, rc["trainee"])
    page.goto(f"{base}/wellbeing/talk")
    card = page.locator("article.card").first
    assert "by Sam Supervisor" in card.inner_text() and "Calling you at 4." in card.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/wellbeing/", "/wellbeing/talk", "/wellbeing/journal"):
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
