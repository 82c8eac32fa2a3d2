"""An instructor grants an extension; the trainee sees the new due date, completes the item, and is certified."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import Attendance, LectureView, LiveSession, Module
from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_extension_then_completion_then_certificate(live_server, page, nearly_complete, app, db):
    nc = nearly_complete
    app.config["PUBLIC_BASE_URL"] = live_server
    course, cohort, trainee = nc["course"], nc["cohort"], nc["trainee"]
    rules = copy.deepcopy(course.rules)
    rules["deadlines"]["lecture"] = {"due_days": 7, "late": "not_counted"}  # this program's rule: no late reading
    rules["certificate"]["require_final_signoff"] = False
    course.rules = rules
    week12 = db.session.scalar(sa.select(Module).where(Module.course_id == course.id, Module.week == 12))
    db.session.execute(sa.delete(LectureView).where(LectureView.module_id == week12.id))
    session12 = db.session.scalar(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id,
                                                               LiveSession.week == 12))
    db.session.execute(sa.delete(Attendance).where(Attendance.live_session_id == session12.id))
    db.session.commit()

    sign_in(page, live_server, trainee)
    page.goto(f"{live_server}/certificate")
    item = page.locator(".left-list li", has_text="week 12 lecture")
    expect(item).to_contain_text("Was due")
    expect(item).to_contain_text("Needs your instructor")

    sign_in(page, live_server, nc["lead"])
    page.goto(f"{live_server}/cohorts/{cohort.id}")
    page.get_by_role("link", name=f"Exceptions and what is left for {trainee.name}").click()
    assert serious_violations(page) == []
    page.get_by_label("Exception", exact=True).select_option(label="Deadline extension")
    page.get_by_label("For", exact=True).select_option(label="Week 12 lecture")
    page.get_by_label("Extra days (extensions)").fill("30")
    page.get_by_label("Reason", exact=True).fill("In hospital the week it was due.")
    page.get_by_role("button", name="Grant").click()
    expect(page.locator("body")).to_contain_text("Deadline extension granted")

    sign_in(page, live_server, trainee)
    item = page.locator(".left-list li", has_text="week 12 lecture")
    expect(item).to_contain_text("Extended by 30 days")
    expect(item).to_contain_text("Due ")
    expect(item).not_to_contain_text("Was due")
    assert serious_violations(page) == []
    page.goto(f"{live_server}/cohorts/{cohort.id}/weeks/12")
    page.get_by_role("button", name="I have read this lecture").click()
    expect(page.locator("body")).to_contain_text("You have read this lecture")

    page.goto(f"{live_server}/certificate")
    page.get_by_label("I have read the code of conduct", exact=False).check()
    page.get_by_role("button", name="Sign the code of conduct").click()
    expect(page.locator("body")).to_contain_text("Certificate issued.")
