"""The public verify page: whatever a visitor has in hand (serial, ID, link, pasted or uploaded Open
Badge, the certificate PDF), a plain verdict; hostile or malformed input never reaches a 500."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import jwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.certificates import credential, keys, verification
from app.models import CertificateStatus, Role
from tests import factories
from tests.conftest import csrf_token, issuer_settings, login
from tests.interop.test_open_badges import issue

PAGE = "/verify"


def submit(client, token: str = "", upload: tuple[bytes, str] | None = None):
    data = {"token": token, "csrf_token": csrf_token(client, PAGE)}
    if upload is not None:
        data["upload"] = FileStorage(io.BytesIO(upload[0]), filename=upload[1])
    # encoded in memory: the test client would spool a large upload to a temporary file it never closes
    boundary, body = encode_multipart(data)
    response = client.post(PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_page_says_what_it_accepts(app, db):
    page = app.test_client().get(PAGE).get_data(as_text=True)
    for words in ("serial", "Open Badge", ".jwt", "certificate PDF", "We cannot read QR code pictures"):
        assert words in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


def test_every_way_of_naming_a_certificate_gives_the_same_verdict(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    visitor = app.test_client()
    pdf = login(c := app.test_client(), nearly_complete["trainee"]) and c.get(f"/certificates/{cert.uuid}.pdf").data
    ways = {"serial": submit(visitor, cert.serial), "lower-case serial": submit(visitor, f"  {cert.serial.lower()} "),
            "uuid": submit(visitor, cert.uuid), "urn": submit(visitor, f"urn:uuid:{cert.uuid}"),
            "link": submit(visitor, f"https://example.org/verify/{cert.serial}"),
            "pasted badge": submit(visitor, cert.credential_jwt),
            "badge wrapped over lines": submit(visitor, "\n".join(cert.credential_jwt[i:i + 64]
                                                                 for i in range(0, len(cert.credential_jwt), 64))),
            "uploaded .jwt": submit(visitor, upload=(cert.credential_jwt.encode(), "badge.jwt")),
            "uploaded .txt with a BOM": submit(visitor, upload=(("\ufeff" + cert.credential_jwt + "\n").encode(),
                                                                "badge.txt")),
            "uploaded PDF": submit(visitor, upload=(pdf, "certificate.pdf"))}
    for way, page in ways.items():
        assert "This certificate is valid" in page, way
        assert "Genuine. Issued to <strong>Cora Complete</strong>" in page, way
        assert "Certificate of Completion – Therapeutic Mentoring" in page, way
        assert nearly_complete["trainee"].email not in page and "12.75" not in page, way
    assert "The signature is valid." in ways["uploaded .jwt"]
    assert f"Read the serial {cert.serial} printed on the PDF" in ways["uploaded PDF"]


def test_each_standing_is_said_in_plain_words(nearly_complete, app, db):
    from app.certificates import services

    cert = issue(nearly_complete, app, db)
    admin = factories.make_user(Role.ADMIN)
    visitor = app.test_client()
    services.change_status(cert, CertificateStatus.SUSPENDED, actor=admin, reason="Complaint.",
                           settings=issuer_settings(app))
    db.session.commit()
    page = submit(visitor, cert.credential_jwt)
    assert "This certificate is suspended" in page and "Do not accept it for now" in page and "Complaint" not in page
    services.change_status(cert, CertificateStatus.REVOKED, actor=admin, reason="Falsified.",
                           settings=issuer_settings(app))
    db.session.commit()
    page = submit(visitor, cert.serial)
    assert "This certificate was revoked" in page and "Do not accept it." in page and "Falsified" not in page


def test_an_expired_credential_is_genuine_but_expired(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db, now=datetime(2020, 2, 29, 10, 0, tzinfo=UTC))
    page = submit(app.test_client(), cert.credential_jwt)
    assert "This certificate has expired" in page and "expired on 2022-02-28" in re.sub(r"<[^>]+>", "", page)


def test_tampered_and_foreign_tokens_get_a_plain_no(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    visitor = app.test_client()
    claims = jwt.decode(cert.credential_jwt, options={"verify_signature": False})
    head, _body, sig = cert.credential_jwt.split(".")
    claims["credentialSubject"]["name"] = "Mallory"
    body = jwt.utils.base64url_encode(jwt.api_jws.json.dumps(claims).encode()).decode()
    page = submit(visitor, f"{head}.{body}.{sig}")
    assert "Not confirmed" in page and "damaged or has been altered" in page and "Cora" not in page
    stranger = keys.IssuerKey(5, keys.Ed25519PrivateKey.generate())
    vc = credential.credential_of(claims)
    foreign = credential.sign({**vc, "issuer": {**vc["issuer"], "id": stranger.did}}, stranger)
    page = submit(visitor, foreign)
    assert "This credential was not issued by this platform." in page and "Mallory" not in page
    page = submit(visitor, "TMC-2026-999999")
    assert "No certificate has this reference" in page


MALFORMED = {
    "garbage bytes": (bytes(range(256)) * 4, "x.jwt"),
    "a picture": (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "qr.png"),
    "a jpeg": (b"\xff\xd8\xff\xe0" + b"\0" * 64, "qr.jpg"),
    "an empty file": (b"", "empty.jwt"),
    "blank lines": (b"\n\n  \n", "blank.txt"),
    "a broken PDF": (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> garbage", "c.pdf"),
    "a PDF without a serial": (b"", "generated.pdf"),
    "too large": (b"a" * (verification.MAX_UPLOAD + 10), "big.jwt"),
    "latin-1 text": ("Zoë".encode("latin-1"), "name.txt"),
    "three dots of nothing": (b"a.b.c", "abc.jwt"),
    "an array payload": (b"eyJhbGciOiJFZERTQSJ9.WzEsMl0.c2ln", "array.jwt"),
    "alg none": (jwt.encode({"iss": "did:key:z6Mk"}, None, algorithm="none").encode() + b"AAAA", "none.jwt"),
}


def test_malformed_uploads_get_a_plain_verdict_never_a_500(app, db):
    from fpdf import FPDF

    blank = FPDF()
    blank.add_page()
    MALFORMED["a PDF without a serial"] = (bytes(blank.output()), "generated.pdf")
    visitor = app.test_client()
    for label, upload in MALFORMED.items():
        page = submit(visitor, upload=upload)
        assert "Not confirmed" in page, label
    for text in ("", "   ", "hello", "x" * 30_000, "{\"vc\": 1}", "a.b.c", "../../etc/passwd", "<script>alert(1)</script>",
                 "urn:uuid:not-a-uuid", "TMC-2026-00000001", "\x00\x01", "did:key:z6Mk.a.b"):
        page = submit(visitor, text)
        verdict = "Not confirmed" if text != "\x00\x01" else "Remove the control character U+0000"  # every form's check
        assert verdict in page and "<script>alert(1)</script>" not in page, text


def test_a_post_without_the_csrf_token_is_refused(app, db):
    response = app.test_client().post(PAGE, data={"token": "TMC-2026-000001"})
    assert response.status_code == 400


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=400))
def test_any_text_gets_an_answer(app, db, text):
    verdict = verification.check_text(text, trusted=set(), today=datetime.now(UTC).date())
    assert verdict.message and (verdict.cert is None) == (not verdict.ok)
