"""Platform admins register a partner's LMS and hand its administrator the tool's URLs."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db as _db
from app.models import AuditEvent, LtiPlatform
from tests.conftest import csrf_token

FORM = {"name": "Org A Moodle", "issuer": "https://moodle.example.org", "client_id": "abc123",
        "deployment_ids": "1\n2\n1", "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.org/mod/lti/token.php",
        "key_set_url": "https://moodle.example.org/mod/lti/certs.php", "allow_instructors": "y", "is_active": "y",
        "lms_url": ""}


def test_an_admin_registers_a_platform_and_sees_the_urls_to_paste(people, login_as):
    admin = login_as("admin")
    answer = admin.post("/lti/platforms/new", data={**FORM, "organization_id": people["org_a"].id,
                                                    "csrf_token": csrf_token(admin)})
    assert answer.status_code == 302
    platform = _db.session.scalar(sa.select(LtiPlatform))
    assert (platform.organization_id, platform.deployment_ids, platform.allow_instructors) == (
        people["org_a"].id, ["1", "2"], True)
    page = admin.get(answer.headers["Location"]).get_data(as_text=True)
    for url in ("http://localhost/lti/login", "http://localhost/lti/launch", "http://localhost/lti/jwks.json"):
        assert url in page
    assert _db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "LtiPlatform")) == \
        "lti.platform_saved"


def test_the_same_issuer_and_client_id_cannot_be_registered_twice(people, login_as):
    admin = login_as("admin")
    data = {**FORM, "organization_id": people["org_a"].id, "csrf_token": csrf_token(admin)}
    assert admin.post("/lti/platforms/new", data=data).status_code == 302
    again = admin.post("/lti/platforms/new", data={**data, "organization_id": people["org_b"].id})
    assert again.status_code == 200
    assert "already registered" in again.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(LtiPlatform)) == 1


def test_a_platform_url_that_is_not_a_url_is_refused_at_its_field(people, login_as):
    admin = login_as("admin")
    answer = admin.post("/lti/platforms/new", data={**FORM, "key_set_url": "certs.php",
                                                    "organization_id": people["org_a"].id,
                                                    "csrf_token": csrf_token(admin)})
    assert "Enter the public keyset URL as a full URL." in answer.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(LtiPlatform)) == 0
