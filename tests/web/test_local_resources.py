"""Local resources: a partner organization's card shows on the crisis weeks for its own trainees (and in the
footer), the national lines for everyone else; only that organization's admins edit it."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import AuditEvent, LocalResources, Role
from tests import factories
from tests.web.test_roleplay import post, signed_in

CARD = {"state": "MA", "mobile_crisis": "Boston Emergency Services Team: 1-800-981-4357",
        "reporting_route": "Tell your supervisor the same day.\nThe program director files the 51A report.",
        "reporting_hotline": "DCF Child-at-Risk Hotline: 1-800-792-5200",
        "local_lines": "Samaritans Boston: 877-870-4673\n\nBridge Over Troubled Waters: 617-423-9575"}


def edit_url(org):
    return f"/partners/organizations/{org.id}/resources"


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_the_partners_card_shows_on_crisis_weeks_for_its_trainees_and_the_national_lines_for_others(
        app, roleplay_cohort, db):
    rc = roleplay_cohort
    other_org = factories.make_org()
    outsider = factories.make_user(Role.TRAINEE, organization_id=other_org.id, name="Olu Outsider")
    factories.make_enrollment(rc["cohort"], outsider)
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=rc["org"].id)
    db.session.commit()

    admin_client = signed_in(app, org_admin)
    assert "Local resources" in text(admin_client, f"/partners/organizations/{rc['org'].id}")
    response = post(admin_client, edit_url(rc["org"]), CARD)
    assert response.status_code == 302
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "local_resources.update"))

    cid = rc["cohort"].id
    own = signed_in(app, rc["trainee"])
    for url in (f"/cohorts/{cid}/weeks/9", f"/cohorts/{cid}/weeks/11/role-play"):  # crisis = true in the files
        page = text(own, url)
        assert "Local resources: Massachusetts" in page and "DCF Child-at-Risk Hotline: 1-800-792-5200" in page
        assert "<li>Samaritans Boston: 877-870-4673</li>" in page and "The program director files the 51A" in page
        assert "741741" in page  # the national lines stay under the local ones
    ordinary = text(own, f"/cohorts/{cid}/weeks/4")
    assert "DCF Child-at-Risk Hotline" not in ordinary  # not a crisis week: the card is not on the page...
    assert "Local crisis line (Massachusetts):</strong> Boston Emergency Services Team" in ordinary  # ...the footer is
    assert "DCF Child-at-Risk Hotline" in text(own, "/resources")
    talk = text(own, "/wellbeing/talk")  # the route to a person today names the local line beside 988
    assert "Your local mobile crisis line, from" in talk and "Boston Emergency Services Team: 1-800-981-4357" in talk

    other = signed_in(app, outsider)
    page = text(other, f"/cohorts/{cid}/weeks/9")
    assert "Crisis and reporting lines" in page and "Your organization has not set its local lines" in page
    assert "Boston Emergency Services Team" not in page and "DCF" not in page
    assert 'href="tel:18664887386"' in page and "741741" in page and 'href="tel:18006624357"' in page
    assert "Your local mobile crisis line" not in text(other, "/wellbeing/talk")


def test_another_organizations_admin_cannot_see_or_edit_the_card(app, roleplay_cohort, db):
    rc = roleplay_cohort
    other_org = factories.make_org()
    stranger = factories.make_user(Role.ORG_ADMIN, organization_id=other_org.id)
    db.session.commit()
    client = signed_in(app, stranger)
    assert client.get(edit_url(rc["org"])).status_code == 404
    assert post(client, edit_url(rc["org"]), CARD).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LocalResources)) == 0
    assert post(client, edit_url(other_org), CARD).status_code == 302  # their own organization's card


def test_hostile_input_is_refused_or_shown_as_text(app, roleplay_cohort, db):
    rc = roleplay_cohort
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=rc["org"].id)
    db.session.commit()
    client = signed_in(app, org_admin)
    for bad in ({"state": "ZZ"}, {"mobile_crisis": "call\x00me"}, {"mobile_crisis": "a\nb"},
                {"local_lines": "x" * 1001}):
        response = post(client, edit_url(rc["org"]), {**CARD, **bad})
        assert response.status_code == 422, bad
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LocalResources)) == 0
    assert post(client, edit_url(rc["org"]), {**CARD, "mobile_crisis": '<script>alert(1)</script>'}).status_code == 302
    page = text(signed_in(app, rc["trainee"]), "/resources")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
