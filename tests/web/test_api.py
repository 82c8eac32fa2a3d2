"""The partner API: keys, isolation, idempotent enroll, pagination, one error format, and the
OpenAPI document checked against every response these tests receive."""

from __future__ import annotations

import re
from datetime import timedelta

import jwt
import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.models import (
    ApiKey,
    AuditEvent,
    CertificateStatus,
    Enrollment,
    Organization,
    OutboxMessage,
    Role,
    TranscriptShare,
    User,
)
from app.pacing import cohort_today
from tests import factories
from tests.conftest import QueryCounter, csrf_token
from tests.web.test_learning import post, signed_in
from tests.web.test_transcript import pdf_text

CALLED: set[tuple[str, str]] = set()


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        node = doc
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def conforms(doc: dict, schema: dict, value, where: str = "$") -> list[str]:
    """The subset of JSON Schema the document uses: type, required, properties, items, enum, nullable, $ref."""
    schema = _resolve(doc, schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{where} is null"]
    kind = schema.get("type")
    checks = {"object": dict, "array": list, "string": str, "boolean": bool}
    if kind in checks and not isinstance(value, checks[kind]):
        return [f"{where} is not {kind}"]
    if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        return [f"{where} is not integer"]
    if kind == "number" and not isinstance(value, int | float):
        return [f"{where} is not number"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}={value!r} not in {schema['enum']}"]
    problems = []
    if kind == "object":
        problems += [f"{where}.{k} missing" for k in schema.get("required", []) if k not in value]
        problems += [f"{where}.{k} undocumented" for k in value if k not in schema.get("properties", {})]
        for k, sub in schema.get("properties", {}).items():
            if k in value:
                problems += conforms(doc, sub, value[k], f"{where}.{k}")
    if kind == "array":
        for n, item in enumerate(value):
            problems += conforms(doc, schema["items"], item, f"{where}[{n}]")
    return problems


def call(client, doc, method: str, path: str, key: str | None = None, **kw):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = getattr(client, method)(path, headers=headers, **kw)
    bare = path.split("?")[0].removeprefix("/api/v1")
    template = next((t for t in doc["paths"] if re.fullmatch(re.sub(r"\{\w+\}", r"\\d+", t), bare)), None)
    assert template, f"{path} is not in the OpenAPI document"
    operation = doc["paths"][template].get(method)
    assert operation, f"{method.upper()} {template} is not documented"
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{method.upper()} {template} answered {response.status_code}, which is not documented"
    documented = _resolve(doc, documented)
    assert response.mimetype in documented["content"], (path, response.mimetype)
    if response.mimetype == "application/json":
        assert conforms(doc, documented["content"]["application/json"]["schema"], response.json) == [], \
            (path, response.json)
    CALLED.add((method, template))
    return response


@pytest.fixture
def api(app, course, db):
    org = factories.make_org(name="Harbor House", seat_limit=3)
    admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    cohort = factories.make_cohort(course, org, name="Spring", start=cohort_today("America/New_York")
                                   - timedelta(weeks=2))
    trainee = factories.make_user(Role.TRAINEE, organization_id=org.id, name="Tara Trainee")
    factories.make_enrollment(cohort, trainee)
    factories.make_certificate(trainee, cohort)
    _, raw = factories.make_api_key(org)
    other = factories.make_org(name="Other")
    other_cohort = factories.make_cohort(course, other, name="Elsewhere")
    outsider = factories.make_user(Role.TRAINEE, organization_id=other.id)
    factories.make_enrollment(other_cohort, outsider)
    factories.make_certificate(outsider, other_cohort)
    _, other_raw = factories.make_api_key(other)
    db.session.commit()
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json").json
    return {"org": org, "admin": admin, "cohort": cohort, "trainee": trainee, "key": raw, "other_key": other_raw,
            "other_cohort": other_cohort, "outsider": outsider, "client": client, "doc": doc}


def test_the_openapi_document_is_openapi_3_with_every_route(app, api):
    doc = api["doc"]
    assert doc["openapi"].startswith("3.") and doc["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    assert doc["info"]["title"] == "Partner API"
    routes = {re.sub(r"<int:(\w+)>", r"{\1}", r.rule.removeprefix("/api/v1")) for r in app.url_map.iter_rules()
              if r.endpoint.startswith("api.") and r.endpoint != "api.openapi"}
    assert routes == set(doc["paths"])


def test_keys_missing_wrong_or_revoked_are_refused_in_one_format(api, db):
    c, doc = api["client"], api["doc"]
    for key in (None, "tmk_not-a-key"):
        response = call(c, doc, "get", "/api/v1/cohorts", key)
        assert response.status_code == 401 and "not valid" in response.json["error"]["message"]
    db.session.execute(sa.update(ApiKey).values(revoked_at=sa.func.now()))
    db.session.commit()
    response = call(c, doc, "get", "/api/v1/cohorts", api["key"])
    assert response.status_code == 401 and response.json["error"]["message"].startswith("This API key was revoked")


def test_an_organization_sees_only_its_own_cohorts_people_and_certificates(api):
    c, doc, key = api["client"], api["doc"], api["key"]
    cohorts = call(c, doc, "get", "/api/v1/cohorts", key).json
    assert [x["name"] for x in cohorts["data"]] == ["Spring"] and cohorts["meta"]["total"] == 1
    assert call(c, doc, "get", f"/api/v1/cohorts/{api['cohort'].id}", key).json["name"] == "Spring"
    assert call(c, doc, "get", f"/api/v1/cohorts/{api['other_cohort'].id}", key).status_code == 404
    assert call(c, doc, "get", f"/api/v1/cohorts/{api['other_cohort'].id}/enrollments", key).status_code == 404
    assert call(c, doc, "get", f"/api/v1/trainees/{api['outsider'].id}/progress", key).status_code == 404
    certs = call(c, doc, "get", "/api/v1/certificates", key).json["data"]
    assert [x["trainee_id"] for x in certs] == [api["trainee"].id] and certs[0]["status"] == "active"
    link = certs[0]["verify_url"]
    assert link == f"http://localhost/verify/{certs[0]['serial']}"
    assert "This certificate is valid" in c.get(link.removeprefix("http://localhost")).get_data(as_text=True)
    refused = call(c, doc, "post", f"/api/v1/cohorts/{api['other_cohort'].id}/enrollments", key,
                   json={"email": "x@example.org", "first_name": "X", "last_name": "Y"})
    assert refused.status_code == 404 and refused.json["error"]["code"] == "not_found"


def test_enroll_by_email_is_idempotent_and_respects_the_seats(api, db):
    c, doc, key = api["client"], api["doc"], api["key"]
    url = f"/api/v1/cohorts/{api['cohort'].id}/enrollments"
    body = {"email": "Ana@Harbor.example", "first_name": "Ana", "last_name": "Diaz"}
    first = call(c, doc, "post", url, key, json=body)
    assert first.status_code == 201 and first.json["email"] == "ana@harbor.example"
    assert first.json["invitation_pending"] is True
    again = call(c, doc, "post", url, key, json=body)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
    assert call(c, doc, "post", url, key, json={"email": "b@harbor.example", "first_name": "B",
                                                "last_name": "B"}).status_code == 201  # the third seat
    full = call(c, doc, "post", url, key, json={"email": "c@harbor.example", "first_name": "C", "last_name": "C"})
    assert full.status_code == 422 and "no free seat" in full.json["error"]["message"]
    bad = call(c, doc, "post", url, key, json={"email": "nope", "first_name": "N", "last_name": "N"})
    assert bad.status_code == 422 and "not a valid email" in bad.json["error"]["message"]
    malformed = call(c, doc, "post", url, key, data="not json")
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "bad_request"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.email.in_(["c@harbor.example", "nope"]))) == 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "enrollment.created")).first()
    assert "api_key_id" in event.after


def test_pagination_walks_every_enrollment(api, db):
    c, doc, key = api["client"], api["doc"], api["key"]
    for _ in range(4):
        factories.make_enrollment(api["cohort"], factories.make_user(Role.TRAINEE, organization_id=api["org"].id))
    db.session.commit()
    url = f"/api/v1/cohorts/{api['cohort'].id}/enrollments?per_page=2"
    seen = []
    while url:
        page = call(c, doc, "get", url, key).json
        seen += [e["id"] for e in page["data"]]
        url = page["meta"]["next"]
    assert len(seen) == len(set(seen)) == 5
    assert call(c, doc, "get", f"/api/v1/cohorts/{api['cohort'].id}/enrollments?per_page=500", key).status_code == 400
    assert call(c, doc, "get", "/api/v1/certificates?page=0", key).status_code == 400
    assert call(c, doc, "get", "/api/v1/cohorts?per_page=1", key).json["meta"]["next"] is None


def test_progress_reports_weeks_and_hours_from_the_eligibility_engine(api):
    c, doc, key = api["client"], api["doc"], api["key"]
    body = call(c, doc, "get", f"/api/v1/trainees/{api['trainee'].id}/progress", key).json
    (enrollment,) = body["enrollments"]
    assert enrollment["cohort_id"] == api["cohort"].id and len(enrollment["weeks"]) == 12
    assert enrollment["supervision"]["required_hours"] == 12 and enrollment["supervision"]["approved_hours"] == 0
    assert enrollment["eligible"] is False and enrollment["missing"]
    assert enrollment["supervision"]["categories"] == []  # the 12-week course has no hour categories


def test_progress_reports_a_programs_hour_categories(api, db):
    from app.curriculum.importer import sync_course
    from app.curriculum.loader import load_course
    from app.models import Course, SessionStatus
    from tests.conftest import COURSE_DIR

    sync_course(load_course(COURSE_DIR.parent / "peer-recovery-specialist"))
    prs = db.session.scalar(sa.select(Course).where(Course.slug == "peer-recovery-specialist"))
    cohort = factories.make_cohort(prs, api["org"])
    trainee = factories.make_user(Role.TRAINEE, organization_id=api["org"].id)
    factories.make_enrollment(cohort, trainee)
    supervisor = factories.make_user(Role.SUPERVISOR)
    factories.make_supervision(trainee, supervisor, cohort_id=cohort.id, category="advocacy", duration_minutes=90,
                               status=SessionStatus.APPROVED)
    db.session.commit()
    body = call(api["client"], api["doc"], "get", f"/api/v1/trainees/{trainee.id}/progress", api["key"]).json
    (enrollment,) = body["enrollments"]
    assert len(enrollment["weeks"]) == 8
    advocacy = next(c for c in enrollment["supervision"]["categories"] if c["key"] == "advocacy")
    assert advocacy == {"key": "advocacy", "label": "Advocacy", "hours": 1.5, "required_hours": 4}


def _trainees(api, key: str | None = None) -> dict[str, dict]:
    page = call(api["client"], api["doc"], "get", "/api/v1/trainees?per_page=100", key or api["key"]).json
    assert page["meta"]["next"] is None
    return {t["name"]: t for t in page["data"]}


def test_each_trainee_comes_with_their_credentials_links_and_standing(api, db):
    today = utcnow().date()
    standings = {"Sam Suspended": {"status": CertificateStatus.SUSPENDED},
                 "Rex Revoked": {"status": CertificateStatus.REVOKED, "active_key": None},
                 "Eve Expired": {"valid_until": today - timedelta(days=2)}, "Nia Nothing": None}
    for name, values in standings.items():
        person = factories.make_user(Role.TRAINEE, organization_id=api["org"].id, name=name)
        factories.make_enrollment(api["cohort"], person)
        if values is not None:
            factories.make_certificate(person, api["cohort"], credential_jwt="h.p.s", **values)
    db.session.commit()
    trainees = _trainees(api)
    assert set(trainees) == {"Tara Trainee", *standings}  # not the org admin, not the other organization's
    assert {name: [c["status"] for c in t["certificates"]] for name, t in trainees.items()} == {
        "Tara Trainee": ["active"], "Sam Suspended": ["suspended"], "Rex Revoked": ["revoked"],
        "Eve Expired": ["expired"], "Nia Nothing": []}
    (sam,) = trainees["Sam Suspended"]["certificates"]
    assert sam["verify_url"] == f"http://localhost/verify/{sam['serial']}"
    assert sam["credential_url"] == f"http://localhost/certificates/{sam['id']}/credential.jwt"
    assert trainees["Tara Trainee"]["certificates"][0]["credential_url"] is None  # no signed credential to fetch
    assert trainees["Nia Nothing"]["trainee_id"] and trainees["Nia Nothing"]["email"].endswith("@example.org")
    theirs = _trainees(api, api["other_key"])
    assert list(theirs) == [api["outsider"].name] and not set(theirs) & set(trainees)
    assert api["trainee"].email not in call(api["client"], api["doc"], "get", "/api/v1/trainees",
                                            api["other_key"]).get_data(as_text=True)


def test_the_links_lead_to_the_verdict_and_to_the_holder_only_and_no_transcript_is_shown(nearly_complete, app, db):
    from app.certificates import shares
    from tests.interop.test_open_badges import issue

    cert = issue(nearly_complete, app, db)
    trainee = nearly_complete["trainee"]
    _, token = shares.create_share(trainee, nearly_complete["cohort"], recipient="Northside Clinic HR", days=30,
                                   now=utcnow())
    _, raw = factories.make_api_key(db.session.get(Organization, trainee.organization_id))
    db.session.commit()
    client = app.test_client()
    response = call(client, client.get("/api/v1/openapi.json").json, "get", "/api/v1/trainees", raw)
    (cora,) = [t for t in response.json["data"] if t["trainee_id"] == trainee.id]
    (listed,) = cora["certificates"]
    assert listed["status"] == "active" and listed["serial"] == cert.serial
    assert "Genuine. Issued to <strong>Cora Complete</strong>" in client.get(
        listed["verify_url"].removeprefix("http://localhost")).get_data(as_text=True)
    download = listed["credential_url"].removeprefix("http://localhost")
    assert signed_in(app, trainee).get(download).get_data(as_text=True) == cert.credential_jwt
    assert signed_in(app, nearly_complete["org_admin"]).get(download).status_code in (403, 404)
    assert cert.credential_jwt not in client.get(download, headers={"Authorization": f"Bearer {raw}"}).get_data(
        as_text=True)
    body = response.get_data(as_text=True)
    assert token not in body and "Northside" not in body and cora["transcripts"] == []  # a link for a person


def test_a_transcript_shared_with_the_organization_is_read_through_the_api_until_withdrawn(nearly_complete, app, db):
    from tests.interop.test_open_badges import issue

    issue(nearly_complete, app, db)
    trainee, cohort = nearly_complete["trainee"], nearly_complete["cohort"]
    org = db.session.get(Organization, trainee.organization_id)
    _, raw = factories.make_api_key(org)
    _, other_raw = factories.make_api_key(factories.make_org(name="Elsewhere"))
    db.session.commit()
    client = app.test_client()
    doc = client.get("/api/v1/openapi.json").json

    me = signed_in(app, trainee)
    page = me.get("/certificate").get_data(as_text=True)
    assert f"Share with {org.name}" in page
    done = me.post(f"/certificate/{cohort.id}/org-share", follow_redirects=True,
                   data={"days": "7", "csrf_token": csrf_token(me, "/certificate")}).get_data(as_text=True)
    assert f"{org.name} can read this transcript from its own systems for 7 days" in done

    (cora,) = [t for t in call(client, doc, "get", "/api/v1/trainees", raw).json["data"]
               if t["trainee_id"] == trainee.id]
    (link,) = cora["transcripts"]
    assert link["cohort_id"] == cohort.id
    pdf = call(client, doc, "get", link["pdf_url"].removeprefix("http://localhost"), raw)
    assert pdf.status_code == 200 and "Trainee: Cora Complete" in pdf_text(pdf.data)
    record = call(client, doc, "get", link["learner_record_url"].removeprefix("http://localhost"), raw)
    assert record.status_code == 200
    claims = jwt.decode(record.get_data(as_text=True), options={"verify_signature": False})
    assert "ClrCredential" in claims["type"]
    # another organization's key sees nothing of it
    assert call(client, doc, "get", link["pdf_url"].removeprefix("http://localhost"), other_raw).status_code == 404

    share = db.session.scalar(sa.select(TranscriptShare).where(TranscriptShare.organization_id == org.id))
    me.post(f"/certificate/shares/{share.id}/withdraw", data={"csrf_token": csrf_token(me, "/certificate")})
    assert call(client, doc, "get", link["pdf_url"].removeprefix("http://localhost"), raw).status_code == 404
    assert call(client, doc, "get", link["learner_record_url"].removeprefix("http://localhost"), raw).status_code == 404
    (cora,) = [t for t in call(client, doc, "get", "/api/v1/trainees", raw).json["data"]
               if t["trainee_id"] == trainee.id]
    assert cora["transcripts"] == []


def test_the_trainee_list_takes_the_same_statements_for_one_trainee_or_many(api, db):
    def statements() -> int:
        with QueryCounter(db.engine) as qc:
            assert len(_trainees(api)) >= 1
        return qc.count

    _trainees(api)  # warm up
    one = statements()
    for _ in range(6):
        person = factories.make_user(Role.TRAINEE, organization_id=api["org"].id)
        factories.make_enrollment(api["cohort"], person)
        factories.make_certificate(person, api["cohort"], credential_jwt="h.p.s")
        factories.make_certificate(person, api["cohort"], active_key=None, status=CertificateStatus.REVOKED)
    db.session.commit()
    assert len(_trainees(api)) == 7
    assert statements() == one


@pytest.mark.runs_last
def test_every_documented_operation_was_called_by_these_tests():
    """Runs last in this file: the document describes nothing the tests did not exercise."""
    from app.api.openapi import document

    doc_ops = {(method, path) for path, ops in document()["paths"].items() for method in ops}
    if len(CALLED) < 3:
        pytest.skip("run with the whole file to check coverage of the document")
    assert doc_ops == CALLED


# Keys in the portal -------------------------------------------------------------------------------------

def test_org_admin_creates_a_key_shown_once_and_revokes_it(app, api, db):
    client = signed_in(app, api["admin"])
    url = f"/partners/organizations/{api['org'].id}/api-keys"
    page = post(client, url, {"name": "Payroll"}).get_data(as_text=True)
    raw = re.search(r'<code class="secret">(tmk_[^<]+)</code>', page).group(1)
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.name == "Payroll"))
    assert key.key_hash != raw and raw not in client.get(url).get_data(as_text=True)
    assert api["client"].get("/api/v1/cohorts", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    revoke = f"/partners/api-keys/{key.id}/revoke"
    assert "Tick the box to confirm." in post(client, revoke, {}).get_data(as_text=True)
    assert post(client, revoke, {"confirm": "y"}).status_code == 302
    assert api["client"].get("/api/v1/cohorts", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    other_admin = factories.make_user(Role.ORG_ADMIN, organization_id=factories.make_org().id)
    db.session.commit()
    assert signed_in(app, other_admin).get(revoke).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 2
