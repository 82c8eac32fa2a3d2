"""A learner opens the course from their LMS's course page: the launch runs inside the LMS's iframe and the
cohort's page shows there, signed in. Where the browser blocks the tool's cookies in another site's frame
(Chromium does), the frame says so instead of an error."""

from __future__ import annotations

import pytest

from app.extensions import db as _db
from app.models import LtiPlatform, LtiResourceLink
from tests import factories
from tests.lti.lms import Launch, Lms

pytestmark = pytest.mark.browser
FRAME = "iframe[title='Peer support course']"


@pytest.fixture
def lms(live_server, course, db):
    org = factories.make_org(name="Harbor Peer Services", seat_limit=5)
    cohort = factories.make_cohort(course, org, name="Spring cohort")
    lms = Lms("https://lms.example.org", "tool-client", "dep-1", live_server)
    lms.site = lms.base  # 127.0.0.1 on another port: another origin, the same site as the tool
    platform = LtiPlatform(organization_id=org.id, name="Harbor Moodle", issuer="https://lms.example.org",
                           client_id="tool-client", deployment_ids=["dep-1"],
                           lms_url=lms.base.replace("127.0.0.1", "localhost"), **lms.urls)
    _db.session.add(platform)
    _db.session.flush()
    _db.session.add(LtiResourceLink(platform_id=platform.id, resource_link_id="link-1", cohort_id=cohort.id))
    _db.session.commit()
    lms.browser, lms.plan = True, Launch(sub="learner-1", name="Lee Learner")
    yield lms
    lms.close()


def test_a_learner_launches_from_the_lms_page_into_the_embedded_cohort(lms, page, tmp_path):
    page.goto(f"{lms.base}/course")
    frame = page.frame_locator(FRAME)
    frame.get_by_role("heading", name="Spring cohort").wait_for()
    assert "Lee Learner" in frame.locator("header").inner_text()
    page.screenshot(path=str(tmp_path / "lti-embedded.png"), full_page=True)


def test_where_the_browser_blocks_cookies_in_the_lms_frame_the_frame_says_so(lms, page):
    page.goto(f"{lms.base.replace('127.0.0.1', 'localhost')}/course")  # another site than the tool's
    frame = page.frame_locator(FRAME)
    frame.get_by_role("heading", name="This launch was refused").wait_for()
    assert "Your browser blocks this site's cookies" in frame.locator("main").inner_text()
