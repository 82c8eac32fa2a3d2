"""The signed learner record (a 1EdTech CLR 2.0 ClrCredential as a VC-JWT), checked by implementations
that are not the platform's: jwcrypto verifies the signature against the key openbadgeslib resolves
from the issuer's did:key; pyld expands the record with the published VC 2.0, CLR 2.0.1 and OB 3.0.3
contexts (the copies openbadgeslib bundles) and every value must survive (JSON-LD drops a term no
context defines); every credential it wraps
passes 1EdTech's AchievementCredential JSON Schema, and the certificate it wraps is exactly the Open
Badge openbadgeslib verifies. See tests/schemas/README.md for what is and is not available offline."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

import jwt
import pytest
from jwcrypto import jwk, jws
from openbadgeslib.ob3 import contexts as bundled
from openbadgeslib.ob3.did import resolve_did
from pyld import jsonld

from app.certificates import clr
from tests.conftest import csrf_token, login
from tests.interop.test_open_badges import issue, schema_errors, verifier_for

CONTEXT_FILES = {"https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
                 "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr_context_2.0.1.json",
                 "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json"}


def offline_loader(url, options=None):
    if url not in CONTEXT_FILES:
        raise jsonld.JsonLdError(f"context {url} is not one of the published contexts", "loading document failed")
    document = json.loads(resources.files(bundled).joinpath(CONTEXT_FILES[url]).read_text())
    return {"contextUrl": None, "documentUrl": url, "document": document}


def values(document) -> int:
    """How many values (strings, numbers, booleans) a JSON document holds, leaving out its @context."""
    if isinstance(document, list):
        return sum(values(item) for item in document)
    if isinstance(document, dict):
        return sum(values(v) for k, v in document.items() if k != "@context")
    return 1


def expanded_values(node) -> int:
    """The same count in JSON-LD expanded form, where a term no context defines has been dropped."""
    if isinstance(node, list):
        return sum(expanded_values(item) for item in node)
    if not isinstance(node, dict):
        return 0
    if "@value" in node:
        return 1
    count = 0
    for k, v in node.items():
        if k == "@id":
            count += 1
        elif k == "@type":
            count += len(v) if isinstance(v, list) else 1
        else:
            count += expanded_values(v)
    return count


def independently_verified(token: str) -> dict:
    """Signature checked by jwcrypto with the key openbadgeslib resolves from the `iss` did:key."""
    issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
    key = jwk.JWK.from_pem(resolve_did(issuer))
    signed = jws.JWS()
    signed.deserialize(token)
    signed.verify(key, alg="EdDSA")
    return json.loads(signed.payload)


def download_record(app, trainee, cohort) -> str:
    client = app.test_client()
    assert login(client, trainee).status_code == 302
    response = client.get(f"/certificate/{cohort.id}/learner-record.jwt")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def check(visitor, token: str) -> str:
    return visitor.post("/verify", data={"token": token, "csrf_token": csrf_token(visitor, "/verify")}
                        ).get_data(as_text=True)


def test_the_learner_record_verifies_and_conforms(nearly_complete, app, db):
    nc = nearly_complete
    cert = issue(nc, app, db)
    token = download_record(app, nc["trainee"], nc["cohort"])
    record = independently_verified(token)

    # CLR 2.0 envelope: VC 2.0 context first, then CLR's; the registered claims as OB 3.0's VC-JWT says
    assert record["@context"][:2] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"]
    assert set(record["type"]) == {"VerifiableCredential", "ClrCredential"}
    assert record["iss"] == record["issuer"]["id"] == cert.key_id.split("#")[0] and record["jti"] == record["id"]
    assert record["issuer"]["name"] == app.config["ISSUER_NAME"] and record["validFrom"]
    subject = record["credentialSubject"]
    assert subject["type"] == ["ClrSubject"] and "sub" not in record  # the subject is named by a hashed email
    assert subject["identifier"][0]["hashed"] is True and nc["trainee"].email not in token

    # every term is defined by the published contexts: nothing is dropped by JSON-LD expansion
    body = {k: v for k, v in record.items() if k not in ("iss", "jti", "nbf", "exp", "iat", "sub")}
    options = {"documentLoader": offline_loader}
    assert expanded_values(jsonld.expand(body, options)) == values(body) > 100
    undefined = {**body, "credentialSubject": {**subject, "transcriptNotes": "not a term of any context"}}
    assert expanded_values(jsonld.expand(undefined, options)) == values(undefined) - 1  # the check can fail

    # the credentials it wraps: the certificate's own Open Badge, exactly as openbadgeslib verifies it,
    # then one per competency demonstrated; each passes 1EdTech's AchievementCredential schema
    members = subject["verifiableCredential"]
    badge = verifier_for(cert).verify(cert.credential_jwt).raw
    assert {k: v for k, v in badge.items() if k not in ("iss", "jti", "nbf", "exp", "iat", "sub")} == members[0]
    for member in members:
        assert schema_errors(member) == [], member["name"]
    competencies = [m["name"] for m in members[1:]]
    assert competencies == ["Engagement and rapport", "Questions and reflections (OARS)", "Empathy and validation",
                            "Collaboration, autonomy and goals", "Role, boundaries and ethics",
                            "Safety and escalation"]  # graded 3 (the demonstrated level); not Cultural humility (2)
    engagement = members[1]["credentialSubject"]["achievement"]
    assert engagement["achievementType"] == "Competency"
    assert [(a["targetFramework"], a["targetCode"], a["targetName"]) for a in engagement["alignment"]] == [
        ("Massachusetts Community Health Worker core competencies (272 CMR)", "3", "Effective communication")]

    # the achievements, and the program as the parent of each competency
    ids = [a["id"] for a in subject["achievement"]]
    assert len(ids) == len(set(ids)) == 1 + len(competencies)
    assert {(a["sourceId"], a["targetId"]) for a in subject["association"]} == {(ids[0], i) for i in ids[1:]}


def test_the_verify_page_reads_a_learner_record_and_refuses_a_forgery(nearly_complete, app, db):
    nc = nearly_complete
    issue(nc, app, db)
    token = download_record(app, nc["trainee"], nc["cohort"])
    visitor = app.test_client()
    page = check(visitor, token)
    assert "This learner record is genuine" in page and "Cora Complete" in page
    assert "Safety and escalation" in page and nc["trainee"].email not in page

    head, body, sig = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["credentialSubject"]["verifiableCredential"][1]["name"] = "Clinical supervision"
    forged = f"{head}.{jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()}.{sig}"
    with pytest.raises(jws.InvalidJWSSignature):
        independently_verified(forged)
    refused = check(visitor, forged)
    assert "Not confirmed" in refused and "Cora" not in refused


def test_nothing_to_record_is_said_plainly(running_cohort, app, db):
    trainee = running_cohort["trainee"]
    client = app.test_client()
    assert login(client, trainee).status_code == 302
    response = client.get(f"/certificate/{running_cohort['cohort'].id}/learner-record.jwt", follow_redirects=True)
    assert response.status_code == 200 and "there is nothing to put in it yet" in response.get_data(as_text=True)
    with pytest.raises(clr.NothingToRecord):
        clr.build(user=trainee, cohort=running_cohort["cohort"], cert=None, demonstrated=[], level_words="",
                  texts={"title": "T", "criteria": "C", "achievement_type": "Certificate"},
                  issuer={"did": "did:key:x", "name": "N", "description": "D"}, base_url="http://x",
                  now=datetime.now(UTC))
