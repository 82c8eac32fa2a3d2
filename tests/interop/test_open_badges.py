"""The platform's Open Badges verified by two independent implementations: openbadgeslib's OB3Verifier
(signature, structure, issuer binding, validity window and the status bit it fetches over HTTP from the
running app) and 1EdTech's AchievementCredential JSON Schema."""

from __future__ import annotations

import copy
import json
import threading
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import jwt
import pytest
import sqlalchemy as sa
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier
from openbadgeslib.util import download_file
from werkzeug.serving import make_server

from app.certificates import credential, keys, services
from app.models import Certificate, Role
from tests import factories
from tests.conftest import csrf_token, issuer_settings, login

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"


def schema_for_vcdm2() -> dict:
    """1EdTech's schema text with its VCDM 1.1 date names (issuanceDate, expirationDate) renamed to the
    VCDM 2.0 ones Open Badges 3.0 uses (validFrom, validUntil); see tests/schemas/README.md."""
    schema = json.loads(SCHEMA.read_text())
    props = schema["properties"]
    props["validFrom"] = props.pop("issuanceDate")
    props["validUntil"] = props.pop("expirationDate")
    schema["required"] = ["validFrom" if r == "issuanceDate" else r for r in schema["required"]]
    return schema


def schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft201909Validator(schema_for_vcdm2(), format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def framework_competencies_in_files() -> list[tuple[str, str, str]]:
    """Read straight from the program's TOML files, not through the platform's loader."""
    import tomllib

    folder = Path(__file__).resolve().parents[2] / "courses" / "therapeutic-mentoring"
    course = tomllib.loads((folder / "course.toml").read_text())
    rubric = tomllib.loads((folder / "rubric.toml").read_text())
    names = {f"{fw['key']}:{c['code']}": (fw["name"], c["code"], c["name"])
             for fw in course["frameworks"] for c in fw["competencies"]}
    out: list[tuple[str, str, str]] = []
    for criterion in rubric["criteria"]:
        for ref in criterion.get("aligns", []):
            if names[ref] not in out:
                out.append(names[ref])
    return out


def fetch(url: str) -> bytes:
    """openbadgeslib's own fetcher, allowed to use plain HTTP on the loopback address for the test."""
    return download_file(url, allow_insecure=True, allow_private=True)


@pytest.fixture
def served(app, db):
    """The app served over real HTTP on 127.0.0.1, and named as its own public address."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    before = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = base
    try:
        yield base
    finally:
        app.config["PUBLIC_BASE_URL"] = before
        server.shutdown()
        thread.join(timeout=10)


def issue(nc, app, db, now: datetime | None = None) -> Certificate:
    services.sign_conduct(nc["trainee"], nc["cohort"])
    services.final_signoff(nc["trainee"], nc["cohort"], nc["lead"])
    (cert,) = services.issue_due([nc["trainee"].id], issuer_settings(app), now=now)
    db.session.commit()
    return cert


def verifier_for(cert: Certificate) -> OB3Verifier:
    return OB3Verifier.for_issuer_did(cert.key_id.split("#")[0])


def verify_with_status(cert: Certificate, token: str | None = None):
    return verifier_for(cert).verify(token or cert.credential_jwt, check_status=True, verify_status_list=True,
                                     download=fetch)


def admin_sets_status(app, cert: Certificate, action: str, reason: str) -> None:
    admin = factories.make_user(Role.ADMIN)
    from app.extensions import db as _db

    _db.session.commit()
    client = app.test_client()
    assert login(client, admin).status_code == 302
    url = f"/certificates/{cert.uuid}/status"
    response = client.post(url, data={"action": action, "reason": reason, "confirm": "y",
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def test_openbadgeslib_accepts_the_credential_and_then_sees_it_revoked(served, nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    badge = verify_with_status(cert)  # signature, structure, issuer DID binding, window, status over HTTP
    assert badge.issuer.id == cert.key_id.split("#")[0] and badge.issuer.name == app.config["ISSUER_NAME"]
    assert badge.name == "Certificate of Completion – Therapeutic Mentoring"
    assert badge.raw["credentialSubject"]["name"] == "Cora Complete"
    assert badge.raw["credentialStatus"]["statusListCredential"].startswith(served + "/credentials/status/")

    admin_sets_status(app, cert, "revoked", "Falsified hours.")
    with pytest.raises(OB3VerificationError, match="status 'suspension' is set"):
        verify_with_status(cert)
    verifier_for(cert).verify(cert.credential_jwt)  # still genuine: only its standing changed


def test_a_suspension_is_seen_and_lifted(served, nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    admin_sets_status(app, cert, "suspended", "Investigating a complaint.")
    with pytest.raises(OB3VerificationError, match="is set at index"):
        verify_with_status(cert)
    admin_sets_status(app, cert, "active", "Complaint dismissed.")
    verify_with_status(cert)


def test_credentials_keep_verifying_after_a_key_rotation(served, nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    keys.rotate(app.config["ISSUER_KEY_DIR"])
    verify_with_status(cert)  # its status list is still published, signed by its own key


def test_tampering_and_other_issuers_are_refused(served, nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    head, body, sig = cert.credential_jwt.split(".")
    claims = jwt.decode(cert.credential_jwt, options={"verify_signature": False})
    claims["credentialSubject"]["name"] = "Mallory"
    forged_body = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        verifier_for(cert).verify(f"{head}.{forged_body}.{sig}")
    # someone else's key, claiming to be this platform
    impostor = keys.IssuerKey(7, keys.Ed25519PrivateKey.generate())
    unsigned = credential.credential_of(claims)
    with pytest.raises(OB3VerificationError):
        verifier_for(cert).verify(credential.sign(unsigned, impostor))
    # ...or honestly naming itself: genuine for itself, not for our DID
    own = credential.sign({**unsigned, "issuer": {**unsigned["issuer"], "id": impostor.did}}, impostor)
    OB3Verifier.for_issuer_did(impostor.did).verify(own)
    with pytest.raises(OB3VerificationError):
        verifier_for(cert).verify(own)


def test_an_expired_credential_is_refused_outside_its_window(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db, now=datetime(2020, 2, 29, 15, 0, tzinfo=UTC))
    assert cert.valid_until.isoformat() == "2022-02-28"  # a leap day, two years on
    with pytest.raises(OB3VerificationError, match="expired"):
        verifier_for(cert).verify(cert.credential_jwt)


def test_the_credential_is_valid_against_1edtech_achievementcredential_schema(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    payload = jwt.decode(cert.credential_jwt, options={"verify_signature": False})
    assert schema_errors(payload) == []
    # the VC-JWT registered claims, beside the credential itself (no `vc` wrapper)
    assert "vc" not in payload and "sub" not in payload  # the subject has no id: `sub` is absent
    assert payload["iss"] == payload["issuer"]["id"] and payload["jti"] == payload["id"] == f"urn:uuid:{cert.uuid}"
    assert payload["nbf"] == int(cert.issued_at.timestamp())
    assert payload["exp"] == int(credential.end_of_day(cert.valid_until).timestamp())
    achievement = payload["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["criteria"]["narrative"].startswith("Completed all weekly modules")
    assert achievement["image"]["type"] == "Image" and achievement["description"]
    framework = [a for a in achievement["alignment"] if a["targetType"] == "ceasn:Competency"]
    criteria = [a for a in achievement["alignment"] if a["targetType"] == "ext:RubricCriterion"]
    assert [a["targetName"] for a in criteria] == cert.snapshot["competencies"]
    # every framework competency the rubric's criteria name in the course files, each once, in its own words
    named = framework_competencies_in_files()
    assert [(a["targetFramework"], a["targetCode"], a["targetName"]) for a in framework] == named and named
    assert payload["issuer"]["image"]["id"].endswith("/static/img/issuer.png") and payload["issuer"]["description"]
    image = app.test_client().get("/static/img/badge.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()

    # the schema does check what matters: the earlier list of two status entries is refused
    earlier = copy.deepcopy(payload)
    earlier["credentialStatus"] = [payload["credentialStatus"], payload["credentialStatus"]]
    assert any(e.startswith("credentialStatus:") for e in schema_errors(earlier))
    del earlier["credentialSubject"]["achievement"]["criteria"]
    assert any("'criteria' is a required property" in e for e in schema_errors(earlier))


def legacy_token(cert: Certificate, key: keys.IssuerKey, base_url: str) -> str:
    """A credential as the platform issued it before issue 14: a `vc` claim, `sub` naming the credential,
    and a list of two status entries."""
    vc = jwt.decode(cert.credential_jwt, options={"verify_signature": False})
    vc = credential.credential_of(vc)
    vc["credentialStatus"] = [{"id": f"{base_url}/credentials/status/{p}#{cert.id}", "type": "BitstringStatusListEntry",
                               "statusPurpose": p, "statusListIndex": str(cert.id),
                               "statusListCredential": f"{base_url}/credentials/status/{p}"}
                              for p in ("revocation", "suspension")]
    claims = {"iss": key.did, "sub": vc["id"], "jti": vc["id"], "nbf": int(cert.issued_at.timestamp()),
              "exp": int(credential.end_of_day(cert.valid_until).timestamp()), "vc": vc}
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": "JWT"})


def test_earlier_credentials_still_verify_here_and_are_reissued_by_a_command(served, nearly_complete, app, db,
                                                                            runner):
    cert = issue(nearly_complete, app, db)
    key = keys.current_key(app.config["ISSUER_KEY_DIR"], create=False)
    old = legacy_token(cert, key, served)
    cert.credential_jwt = old
    db.session.commit()
    with pytest.raises(OB3VerificationError):  # what the issue reported
        verifier_for(cert).verify(old)
    visitor = app.test_client()
    page = visitor.post("/verify", data={"token": old, "csrf_token": csrf_token(visitor, "/verify")})
    assert "Genuine. Issued to <strong>Cora Complete</strong>" in page.get_data(as_text=True)

    result = runner.invoke(args=["certificates", "reissue"])
    assert result.exit_code == 0, result.output
    assert "1 credential(s) re-issued in the Open Badges 3.0 shape" in result.output
    assert cert.serial in result.output and "Cora Complete" in result.output
    db.session.expire_all()
    cert = db.session.scalar(sa.select(Certificate))
    assert cert.credential_jwt != old
    verify_with_status(cert)
    assert "nothing to re-issue" in runner.invoke(args=["certificates", "reissue"]).output
