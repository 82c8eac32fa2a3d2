"""Buttons readable on the pages where conflicting styles once hid them.

axe's colour-contrast rule reports these only as "needs review", so the test measures the WCAG
contrast ratio of each button's text against its effective background itself.
"""

from __future__ import annotations

import pytest

from app.models import Role
from tests import factories
from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser

CONTRAST_JS = """
(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) bg = c.slice(0, 3);
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color).slice(0, 3);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def _contrast(locator) -> float:
    return locator.evaluate(CONTRAST_JS)


def test_resend_invitation_and_deactivate_buttons_are_readable(live_server, page, course, db):
    org = factories.make_org(seat_limit=10)
    cohort = factories.make_cohort(course, org)
    invited = factories.make_user(Role.TRAINEE, organization_id=org.id)
    invited.password_hash = None  # invited, not yet signed up
    factories.make_enrollment(cohort, invited)
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    admin = factories.make_user(Role.ADMIN)
    person = factories.make_user(Role.INSTRUCTOR)
    db.session.commit()
    sign_in(page, live_server, org_admin)
    page.goto(f"{live_server}/partners/cohorts/{cohort.id}")
    assert _contrast(page.get_by_role("button", name="Resend invitation", exact=False)) >= 4.5
    assert serious_violations(page) == []
    sign_in(page, live_server, admin)
    for path in (f"/admin/organizations/{org.id}", f"/admin/people/{person.id}"):
        page.goto(f"{live_server}{path}")
        assert _contrast(page.get_by_role("link", name="Deactivate", exact=False).first) >= 4.5, path
        assert serious_violations(page) == [], path
