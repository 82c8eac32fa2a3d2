"""Data rights in Chromium: a trainee downloads their data and asks for erasure; an admin erases them after
typing their email; the verify page then withholds the name while the certificate stays valid. Each page
fits 390 px without sideways scrolling and has no serious accessibility finding. With SCREENSHOT_DIR set,
each page is saved there at 1280 and 390 px."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from app.certificates import services as certificates
from app.models import Role
from tests import factories
from tests.browser.conftest import serious_violations, sign_in
from tests.conftest import issuer_settings

pytestmark = pytest.mark.browser


#: the first elements that reach past the viewport, to say what makes a page scroll sideways
WIDER_THAN = """w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w)
                .slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60))"""


def _shoot(page, name: str) -> None:
    """At both widths: no sideways scroll at 390 px, and a screenshot when asked for one."""
    folder = os.environ.get("SCREENSHOT_DIR")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(WIDER_THAN, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is too wide at {width}: {wide}"
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_download_ask_erase_and_verify(live_server, page, nearly_complete, app, db, tmp_path):
    nc = nearly_complete
    trainee = nc["trainee"]
    admin = factories.make_user(Role.ADMIN, name="Ada Admin")
    certificates.sign_conduct(trainee, nc["cohort"])
    certificates.final_signoff(trainee, nc["cohort"], nc["lead"])
    (cert,) = certificates.issue_due([trainee.id], issuer_settings(app))
    db.session.commit()
    email, serial = trainee.email, cert.serial

    sign_in(page, live_server, trainee)
    page.goto(f"{live_server}/account")
    page.get_by_role("link", name="Your data").click()
    page.wait_for_url(f"{live_server}/account/data")
    assert serious_violations(page) == []
    _shoot(page, "your-data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download your data (.zip)").click()
    saved = tmp_path / "mine.zip"
    info.value.save_as(saved)
    with zipfile.ZipFile(saved) as zf:
        assert "data/posts.json" in zf.namelist() and f"files/certificates/{serial}.jwt" in zf.namelist()
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Ask for my data to be erased").click()
    page.get_by_text("Your request is recorded").wait_for()
    _shoot(page, "your-data-requested")

    sign_in(page, live_server, admin)
    page.goto(f"{live_server}/admin/people?status=erasure_requested")
    page.get_by_role("link", name=trainee.name).click()
    page.get_by_role("link", name="Erase their personal data…").click()
    assert serious_violations(page) == []
    _shoot(page, "erase-confirm")
    page.get_by_label("Type their email address to confirm").fill("not the address")
    page.get_by_role("button", name="Erase this person's data").click()
    page.get_by_text("Nothing was erased").wait_for()
    _shoot(page, "erase-refused")
    page.get_by_label("Type their email address to confirm").fill(email)
    page.get_by_role("button", name="Erase this person's data").click()
    page.get_by_text("Erased. The account is now").wait_for()
    assert "Cora Complete" not in page.content()
    _shoot(page, "erased-person")

    page.goto(f"{live_server}/verify/{serial}")
    page.get_by_text("This certificate is valid").wait_for()
    assert "withheld" in page.content() and "Cora Complete" not in page.content()
    assert serious_violations(page) == []
    _shoot(page, "verify-erased-holder")
