"""A trainee reads week 1, passes its quiz, and sees the week complete on the dashboard."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import Quiz
from tests import factories
from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser



def test_trainee_reads_week_one_passes_the_quiz_and_sees_it_complete(live_server, page, running_cohort, db):
    rc = running_cohort
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-01-quiz"))
    right = {(q.key, o["key"]) for q in quiz.questions for o in q.options if o["correct"]}

    sign_in(page, live_server, rc["trainee"])
    week1 = page.locator(".week-row").first
    assert "Not started" in week1.inner_text()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Week 1:", exact=False).first.click()
    assert "Week 1" in page.locator("h1").inner_text()
    expect(page.get_by_role("heading", name="You will be able to")).to_be_visible()
    assert serious_violations(page) == []
    # Opening the page is not reading it: the trainee says so at the end of the lecture.
    page.get_by_role("button", name="I have read this lecture").click()
    expect(page.get_by_text("You have read this lecture")).to_be_visible()

    page.get_by_role("link", name="Quiz:", exact=False).click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Start the quiz").click()
    assert serious_violations(page) == []
    for box in page.locator("fieldset.question input").all():
        if (box.get_attribute("name").removeprefix("q-"), box.get_attribute("value")) in right:
            box.check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/result")
    assert "100%" in page.locator(".result").inner_text()
    assert "Passed" in page.locator(".result").inner_text()
    assert serious_violations(page) == []

    # The week's discussion (tested on its own in test_discussion) completes the week.
    factories.take_part(factories.make_prompt_thread(rc["cohort"], 1), rc["trainee"], [rc["peer"]])
    db.session.commit()
    page.goto(f"{live_server}/dashboard")
    assert "Complete" in page.locator(".week-row").first.inner_text()
    assert serious_violations(page) == []


def test_instructor_pages_for_a_week_are_accessible(live_server, page, running_cohort):
    rc = running_cohort
    sign_in(page, live_server, rc["instructor"])
    cid = rc["cohort"].id
    for path in (f"/cohorts/{cid}/weeks/2", f"/cohorts/{cid}/weeks/2/attendance",
                 f"/cohorts/{cid}/weeks/2/session", f"/cohorts/{cid}/weeks/2/progress", "/account"):
        page.goto(f"{live_server}{path}")
        assert serious_violations(page) == [], path


def test_timed_quiz_counts_down_and_hides_answers_until_they_are_due(live_server, page, running_cohort, db):
    from tests.conftest import set_course_rules

    rc = running_cohort
    set_course_rules(db, rc["course"], "quizzes", time_limit_minutes=15)
    quiz = db.session.scalar(sa.select(Quiz).where(Quiz.slug == "week-01-quiz"))
    right = {(q.key, o["key"]) for q in quiz.questions for o in q.options if o["correct"]}
    sign_in(page, live_server, rc["trainee"])
    page.goto(f"{live_server}/cohorts/{rc['cohort'].id}/weeks/1/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_contain_text("14:5")  # the script (CSP-safe, from app/static) ticks
    assert serious_violations(page) == []
    for box in page.locator("fieldset.question input").all():
        if (box.get_attribute("name").removeprefix("q-"), box.get_attribute("value")) not in right:
            box.check()
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/result")
    expect(page.locator(".result")).to_contain_text("Not passed yet")
    expect(page.locator("#answers-later")).to_contain_text("once you pass this quiz or have used all your attempts")
    assert page.get_by_text("Correct option").count() == 0
    assert serious_violations(page) == []
