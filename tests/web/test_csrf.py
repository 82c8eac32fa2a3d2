"""Every POST route refuses a request without a CSRF token, signed in or not."""

from __future__ import annotations

import pytest

from app.models import AuditEvent, User
from tests.web.test_route_matrix import _url_args

#: authenticated by something other than cookies: the API by key, one-click unsubscribe by a signed token
EXEMPT = {"api", "unsubscribe"}
#: the LMS's cross-site login initiation and launch: authenticated by the platform's signed id_token, the state
#: cookie and a single-use nonce (app/lti), which no form token could add
EXEMPT_VIEWS = {"app.lti.routes.login", "app.lti.routes.launch"}
EXEMPT_ENDPOINTS = {"lti.login", "lti.launch"}


def _post_rules(app):
    """Every POST route except the exempt ones, which send no cookies."""
    return sorted((r for r in app.url_map.iter_rules()
                   if "POST" in r.methods and r.endpoint.split(".")[0] not in EXEMPT
                   and r.endpoint not in EXEMPT_ENDPOINTS), key=lambda r: r.endpoint)


def test_only_the_api_one_click_unsubscribe_and_the_lti_launch_are_exempt_from_csrf(app, people, login_as):
    from app.extensions import csrf

    assert {getattr(b, "name", b) for b in csrf._exempt_blueprints} == EXEMPT
    assert set(csrf._exempt_views) == EXEMPT_VIEWS
    # a signed-in browser cannot use its cookie on the API: without a key it is refused
    response = login_as("org_admin").post(f"/api/v1/cohorts/{people['cohort'].id}/enrollments",
                                          json={"email": "x@example.org", "first_name": "X", "last_name": "Y"})
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    # nor post a launch: without the LMS's signed token and the state cookie it is refused, nothing created
    assert login_as("trainee").post("/lti/launch", data={"id_token": "x", "state": "y"}).status_code == 400


def test_there_are_post_routes_to_check(app):
    assert len(_post_rules(app)) >= 6


@pytest.mark.parametrize("who", ["anonymous", "admin", "trainee"])
def test_post_without_token_is_refused(app, people, login_as, who, db):
    client = login_as(who)
    # the URLs first: some arguments are rows made for the purpose (a transcript share is audited when made)
    urls = [(rule, rule.build({k: v for k, v in _url_args(people, rule.endpoint).items() if k in rule.arguments})[1])
            for rule in _post_rules(app)]
    audited_before = db.session.query(AuditEvent).count()
    refused = []
    for rule, url in urls:
        response = client.post(url, data={"email": people["admin"].email, "password": "whatever",
                                          "name": "Changed", "body": "Changed", "reason": "Changed"})
        refused.append((rule.endpoint, response.status_code))
        if response.status_code == 400:
            assert "The form expired" in response.get_data(as_text=True)
    assert all(code == 400 for _, code in refused), refused
    # and nothing changed: the profile name was not saved, nobody signed out
    assert db.session.query(User).filter_by(name="Changed").count() == 0
    assert db.session.query(AuditEvent).count() == audited_before
