"""The last requirement met, the certificate appears, a visitor verifies it; revoked, they see that."""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import expect

from app.models import Role
from tests import factories
from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser



def test_certificate_issued_verified_and_revoked(live_server, page, nearly_complete, app, db):
    nc = nearly_complete
    app.config["PUBLIC_BASE_URL"] = live_server
    # a program whose course files need no final sign-off: the trainee's signature is the last step
    course = nc["course"]
    rules = copy.deepcopy(course.rules)
    rules["certificate"]["require_final_signoff"] = False
    course.rules = rules
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    try:
        sign_in(page, live_server, nc["trainee"])
        page.get_by_role("link", name="Certificate", exact=True).click()
        expect(page.locator("body")).to_contain_text("Sign the code of conduct")
        assert serious_violations(page) == []
        page.get_by_label("I have read the code of conduct", exact=False).check()
        page.get_by_role("button", name="Sign the code of conduct").click()
        expect(page.locator("body")).to_contain_text("Certificate issued.")
        page.get_by_role("link", name="View your certificate").click()
        expect(page.locator("body")).to_contain_text("Awarded to")
        expect(page.locator("body")).to_contain_text(nc["trainee"].name)
        assert serious_violations(page) == []
        with page.expect_download() as download:
            page.get_by_role("link", name="Download PDF").click()
        assert download.value.suggested_filename.startswith("TMC-")
        verify_url = page.locator("dd a[href*='/verify/']").get_attribute("href")
        assert verify_url.startswith(live_server)

        page.context.clear_cookies()
        page.goto(verify_url)
        expect(page.locator("body")).to_contain_text("This certificate is valid")
        assert serious_violations(page) == []

        sign_in(page, live_server, admin)
        page.goto(verify_url.replace("/verify/", "/admin/certificates?q="))
        page.get_by_role("link", name="TMC-", exact=False).first.click()
        page.get_by_role("link", name="Revoke, suspend or reinstate").click()
        assert serious_violations(page) == []
        page.get_by_label("Reason", exact=False).fill("Issued in error.")
        page.get_by_label("I understand", exact=False).check()
        page.get_by_role("button", name="Apply").click()
        expect(page.locator("body")).to_contain_text("is now revoked")

        page.context.clear_cookies()
        page.goto(verify_url)
        expect(page.locator("body")).to_contain_text("This certificate was revoked")
        assert serious_violations(page) == []
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://localhost"
