"""A visitor with the holder's Open Badge file checks it on the verify page, on a laptop and on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations
from tests.interop.test_open_badges import issue

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results"))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_uploads_an_open_badge_and_reads_the_verdict(live_server, page, nearly_complete, app, db,
                                                              tmp_path, width):
    cert = issue(nearly_complete, app, db)
    badge = tmp_path / f"{cert.serial}-open-badge.jwt"
    badge.write_text(cert.credential_jwt)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/verify")
    expect(page.get_by_role("heading", name="Verify a certificate")).to_be_visible()
    assert serious_violations(page) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"verify-form-{width}.png"), full_page=True)

    page.get_by_label("Or upload a file").set_input_files(str(badge))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="This certificate is valid")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Genuine. Issued to Cora Complete")
    expect(page.locator("main")).to_contain_text("The signature is valid.")
    assert serious_violations(page) == []
    no_overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_overflow, "the page scrolls sideways"
    page.screenshot(path=str(SHOTS / f"verify-verdict-{width}.png"), full_page=True)

    page.get_by_label("Serial, certificate ID").fill("TMC-2026-999999")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Not confirmed")).to_be_visible()
    expect(page.locator("main")).to_contain_text("No certificate has this reference")
    page.screenshot(path=str(SHOTS / f"verify-refused-{width}.png"), full_page=True)
