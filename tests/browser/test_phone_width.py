"""At 390 px wide no page scrolls sideways as a whole: wide tables scroll inside their own region."""

from __future__ import annotations

import pytest

from app.models import Role
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_pages_fit_a_phone(live_server, browser, nearly_complete, db):
    nc = nearly_complete
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    cid, tid = nc["cohort"].id, nc["trainee"].id
    visits = [
        (nc["org_admin"], [f"/partners/cohorts/{cid}"]),
        (nc["trainee"], ["/dashboard", "/supervision/", f"/cohorts/{cid}/weeks/3", "/certificate"]),
        (nc["lead"], [f"/cohorts/{cid}/trainees/{tid}/exceptions", f"/cohorts/{cid}/weeks/3/progress"]),
        (admin, ["/admin/audit"]),
    ]
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    too_wide = []
    try:
        for user, paths in visits:
            sign_in(page, live_server, user)
            for path in paths:
                page.goto(f"{live_server}{path}")
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > 390:
                    too_wide.append((path, width))
    finally:
        context.close()
    assert too_wide == []
