"""Two trainees and their instructor hold a short discussion; one post is reported and hidden."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations, sign_in, sign_out

pytestmark = pytest.mark.browser



def test_a_short_discussion_with_a_report_and_a_hidden_post(live_server, page, running_cohort):
    rc = running_cohort
    week_url = f"{live_server}/cohorts/{rc['cohort'].id}/weeks/4"

    # Tara opens the week, follows its discussion link, previews and posts.
    sign_in(page, live_server, rc["trainee"])
    page.goto(week_url)
    page.get_by_role("link", name="Discussion:", exact=False).click()
    assert "Discussion" in page.locator("h1").inner_text()
    assert serious_violations(page) == []
    # The week's prompt leads the page, with a live count toward the program's minimum.
    page.get_by_label("Your answer").fill("I trusted a coach who kept")
    expect(page.locator(".word-count")).to_have_text("6 words of at least 150: 144 to go.")
    page.get_by_label("Your answer").fill("I trusted a coach who **kept small promises**.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview strong").inner_text() == "kept small promises"
    assert serious_violations(page) == []
    page.get_by_role("button", name="Post", exact=True).click()
    assert "Posted." in page.locator(".flashes").inner_text()
    sign_out(page)

    # Pat replies to Tara, mentioning the instructor, and posts something that should not be there.
    sign_in(page, live_server, rc["peer"])
    page.goto(week_url + "/discussion")
    assert "1 new" in page.locator(".prompt-card").inner_text()
    page.get_by_role("link", name="Read what others wrote").click()
    page.get_by_text("Reply to Tara Trainee").click()
    page.get_by_label("Your reply").fill("Same here. @Ines Instructor, is that a good first-session goal?")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".replies").get_by_text("Same here.")).to_be_visible()
    page.get_by_label("Your post").fill("My client Jordan at Lincoln High told me everything about home.")
    page.get_by_role("button", name="Post", exact=True).click()
    assert serious_violations(page) == []
    sign_out(page)

    # Tara (who follows the thread she posted in) sees both in her notifications and reports Pat's post.
    sign_in(page, live_server, rc["trainee"])
    assert page.locator(".nav .count").inner_text().startswith("2")
    page.get_by_role("link", name="Notifications", exact=False).click()
    notes = page.locator(".notifications").inner_text()
    assert "Pat Peer replied to your post" in notes and "Pat Peer posted in a thread you follow" in notes
    assert serious_violations(page) == []
    page.locator(".notifications a").first.click()
    jordan = page.locator("article.post", has_text="Jordan")
    jordan.get_by_role("link", name="Report").click()
    assert serious_violations(page) == []
    page.get_by_label("Why are you reporting this post?").fill("It names a client and their school.")
    page.get_by_role("button", name="Send the report").click()
    assert "instructors will look at this post" in page.locator(".flashes").inner_text()
    sign_out(page)

    # The instructor answers, then hides the reported post from the moderation queue.
    sign_in(page, live_server, rc["instructor"])
    assert page.locator(".nav .count").inner_text().startswith("1")  # the mention
    page.goto(week_url + "/discussion")
    assert "1 report waiting" in page.locator("main").inner_text()
    page.get_by_role("link", name="Moderation queue").click()
    assert "It names a client and their school." in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Hide the post").click()
    assert "No reports waiting" in page.locator("main").inner_text()
    page.goto(week_url + "/discussion")
    page.get_by_role("link", name="Read what others wrote").click()
    page.get_by_label("Your post").fill("Yes, small kept promises are a great goal. Keep client details out of posts.")
    page.get_by_role("button", name="Post", exact=True).click()
    assert serious_violations(page) == []
    sign_out(page)

    # Tara no longer sees the hidden text.
    sign_in(page, live_server, rc["trainee"])
    page.goto(week_url + "/discussion")
    page.get_by_role("link", name="Read the answers and reply to classmates").click()
    main = page.locator("main").inner_text()
    assert "Jordan" not in main and "This post was hidden by a moderator." in main
    assert "Keep client details out of posts." in main
    assert serious_violations(page) == []
