"""The public verify page: whatever a visitor has in hand (serial, ID, link, pasted or uploaded Open
Badge, the certificate PDF, a picture of its QR code), a plain verdict; hostile or malformed input never
reaches a 500."""

from __future__ import annotations

import io
import random
import re
import struct
import zlib
from datetime import UTC, datetime

import jwt
import pypdf
import segno
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
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
    for words in ("serial", "Open Badge", ".jwt", "certificate PDF", "picture of the QR code", "PNG or JPEG"):
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
    assert "Read from the QR code on the uploaded certificate" in ways["uploaded PDF"]


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


# QR codes: read from the certificate PDF and from pictures of it ------------------------------------

def qr_png(content: str, **options) -> bytes:
    out = io.BytesIO()
    segno.make(content, error="m").save(out, kind="png", **{"scale": 6, "border": 4, **options})
    return out.getvalue()


def photo_of(png: bytes) -> bytes:
    """The QR code as a phone sees it: off-centre on a grey desk, tilted, as a lossy JPEG."""
    qr = Image.open(io.BytesIO(png)).convert("L")
    desk = Image.new("L", (900, 700), 170)
    desk.paste(qr.rotate(8, expand=True, fillcolor=255), (260, 140))
    out = io.BytesIO()
    desk.save(out, "JPEG", quality=70)
    return out.getvalue()


def pdf_of(picture: bytes, text: str = "") -> bytes:
    """A one-page PDF with a picture on it, as a scanner or another program makes one."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if text:
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 10, text)
    pdf.image(io.BytesIO(picture), x=20, y=30, w=80)
    return bytes(pdf.output())


def png_of_size(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of this size whose pixels are all black: a few kilobytes however large it says it is."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row, packer = b"\0" * (1 + (width + 7) // 8), zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (verification.PNG + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def pdf_declaring_a_huge_image() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    image = DecodedStreamObject()
    image.set_data(zlib.compress(b"\0" * 1000))
    image.update({NameObject(k): v for k, v in {
        "/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"), "/Width": NumberObject(100_000),
        "/Height": NumberObject(100_000), "/ColorSpace": NameObject("/DeviceGray"),
        "/BitsPerComponent": NumberObject(8), "/Filter": NameObject("/FlateDecode")}.items()})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Im0"): writer._add_object(image)})})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certificate_pdf_of(nc, app, cert) -> bytes:
    trainee = app.test_client()
    assert login(trainee, nc["trainee"]).status_code == 302
    response = trainee.get(f"/certificates/{cert.uuid}.pdf")
    assert response.mimetype == "application/pdf"
    return response.data


def genuine(page: str) -> bool:
    return "This certificate is valid" in page and "Genuine. Issued to <strong>Cora Complete</strong>" in page


def test_the_qr_code_of_the_downloaded_certificate_verifies_it_with_or_without_the_printed_serial(
        nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    visitor = app.test_client()
    pdf = certificate_pdf_of(nearly_complete, app, cert)
    page = submit(visitor, upload=(pdf, f"{cert.serial}.pdf"))
    assert genuine(page) and "Read from the QR code on the uploaded certificate" in page

    # the QR code alone, as drawn on that PDF: no printed serial to fall back on
    (drawn,) = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images
    screenshot = io.BytesIO()
    drawn.image.save(screenshot, "PNG")
    link = f"http://localhost/verify/{cert.serial}"
    pictures = {"the PDF's QR code as a screenshot": (screenshot.getvalue(), "screenshot.png"),
                "a photo of it": (photo_of(qr_png(link)), "IMG_2041.JPG"),
                "a screenshot with a transparent background": (qr_png(link, light=None), "qr.png")}
    for way, upload in pictures.items():
        page = submit(visitor, upload=upload)
        assert genuine(page) and "Read from the QR code in the uploaded picture" in page, way
        assert nearly_complete["trainee"].email not in page, way
    for way, picture in {"a scan saved as PDF (JPEG)": photo_of(qr_png(link)), "a PDF with the PNG": qr_png(link)}.items():
        scan = pdf_of(picture)
        assert cert.serial not in " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(scan)).pages)
        page = submit(visitor, upload=(scan, "scan.pdf"))
        assert genuine(page) and "Read from the QR code on the uploaded certificate" in page, way


def test_without_a_readable_qr_code_the_pdf_is_read_by_its_printed_serial(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    page = submit(app.test_client(), upload=(pdf_of(png_of_size(60, 60), f"Certificate {cert.serial}"), "c.pdf"))
    assert genuine(page) and f"the serial {cert.serial} printed on it was read" in page


def test_a_qr_code_that_opens_another_site_or_holds_garbage_is_not_followed(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    other = factories.make_certificate(factories.make_user(Role.TRAINEE, name="Otto Other"), nearly_complete["cohort"])
    db.session.commit()
    visitor = app.test_client()
    for link in (f"https://verify-certs.example/verify/{cert.serial}", f"http://localhost.evil.example/verify/{cert.serial}",
                 f"http://localhost@evil.example/verify/{cert.serial}", f"ftp://localhost/verify/{cert.serial}"):
        page = submit(visitor, upload=(qr_png(link), "qr.png"))
        assert "Not confirmed" in page and "Cora" not in page, link
        assert "not this platform&#39;s verification page" in page or "does not hold a link" in page, link
    page = submit(visitor, upload=(photo_of(qr_png(f"https://verify-certs.example/verify/{cert.serial}")), "q.jpg"))
    assert "opens a page on verify-certs.example" in page and "Cora" not in page
    for garbage in ("\x00\x01 lorem ipsum", "<script>alert(1)</script>", "http://localhost/verify/../../etc/passwd",
                    "x" * 1500):
        page = submit(visitor, upload=(qr_png(garbage), "qr.png"))
        assert "Not confirmed" in page and "does not hold a link" in page and "<script>alert" not in page, garbage
    page = submit(visitor, upload=(qr_png("http://localhost/verify/TMC-2026-999999"), "qr.png"))
    assert "No certificate has this reference" in page
    # a certificate's PDF with another certificate's QR code: the two disagree, so neither is confirmed
    from app.certificates.document import certificate_pdf

    forged = certificate_pdf(cert, verify_url=f"http://localhost/verify/{other.serial}", issuer_name="Issuer")
    page = submit(visitor, upload=(forged, "forged.pdf"))
    assert "name different certificates" in page and "Cora" not in page and "Otto" not in page


def test_hostile_pictures_and_pdfs_get_a_plain_verdict(nearly_complete, app, db):
    cert = issue(nearly_complete, app, db)
    pdf = certificate_pdf_of(nearly_complete, app, cert)
    noise = random.Random(14).randbytes(64 * 1024)
    qr = qr_png("http://localhost/verify/" + cert.serial)
    hostile = {
        "random bytes named .pdf": (noise, "random.pdf", "it is not text"),
        "random bytes after a PDF header": (b"%PDF-1.7\n" + noise, "random.pdf", "could not find a QR code"),
        "the first part of a certificate PDF": (pdf[:400], "cut.pdf", "could not find a QR code"),
        "random bytes after a PNG signature": (verification.PNG + noise, "x.png", "could not read this picture"),
        "random bytes after a JPEG marker": (verification.JPEG + noise, "x.jpg", "could not read this picture"),
        "half a QR code PNG": (qr[: len(qr) // 2], "half.png", "could not read this picture"),
        "a picture without a QR code": (png_of_size(300, 200), "black.png", "found no QR code"),
        "a 25-megapixel PNG": (png_of_size(5000, 5000), "big.png", "too large to check"),
        "a 400-megapixel PNG": (png_of_size(20_000, 20_000), "bomb.png", "too large to check"),
        "a PDF declaring a 10-gigapixel image": (pdf_declaring_a_huge_image(), "bomb.pdf", "could not find a QR code"),
    }
    visitor = app.test_client()
    for label, (data, name, words) in hostile.items():
        assert len(data) <= verification.MAX_UPLOAD, label
        page = submit(visitor, upload=(data, name))
        assert "Not confirmed" in page and words in page and "Cora" not in page, label


def test_a_pdf_is_searched_on_its_first_pages_and_images_only(app, db, monkeypatch):
    from fpdf import FPDF

    def pdf_with(pages: int, per_page: int) -> bytes:
        pdf = FPDF()
        for page in range(pages):
            pdf.add_page()
            for n in range(per_page):
                pdf.image(io.BytesIO(qr_png(f"page {page} image {n}", scale=3)), x=10 + 45 * (n % 4),
                          y=10 + 60 * (n // 4), w=40)
        return bytes(pdf.output())

    read, decoded = verification._qr_texts, []
    monkeypatch.setattr(verification, "_qr_texts", lambda image: decoded.append(image) or read(image))
    assert verification._read_pdf(pdf_with(3, 1))[0] == ["page 0 image 0", "page 1 image 0"]
    decoded.clear()
    texts, _serials = verification._read_pdf(pdf_with(1, 6))
    assert len(decoded) == verification.PDF_IMAGES == 4 and texts == [f"page 0 image {n}" for n in range(4)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(head=st.sampled_from([b"%PDF-1.4\n", verification.PNG, verification.JPEG, b""]), body=st.binary(max_size=2000))
def test_any_upload_gets_an_answer(app, db, head, body):
    verdict = verification.check_upload(head + body, trusted=set(), today=datetime.now(UTC).date(),
                                        base_url="http://localhost")
    assert verdict.message and not verdict.ok


def test_guessing_serials_from_many_addresses_is_slowed_per_pattern(app, nearly_complete, db):
    """Misses count per serial pattern whatever the address; a real certificate still verifies meanwhile."""
    from app import create_app
    from app.certificates import services
    from app.extensions import db as _db
    from config import TestingConfig
    from tests.conftest import issuer_settings

    nc = nearly_complete
    services.sign_conduct(nc["trainee"], nc["cohort"])
    services.final_signoff(nc["trainee"], nc["cohort"], nc["lead"])
    cert = services.issue_due([nc["trainee"].id], issuer_settings(app))[0]
    db.session.commit()
    prefix = cert.serial.rsplit("-", 2)[0]

    class Limited(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        ISSUER_KEY_DIR = app.config["ISSUER_KEY_DIR"]
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        VERIFY_RATE_LIMIT = "1000 per minute"
        VERIFY_MISS_RATE_LIMIT = "3 per hour"

    limited = create_app(Limited)
    client = limited.test_client()
    try:
        answers = [client.get(f"/verify/{prefix}-AAAA-{n:04d}", environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
                   for n in range(5)]
        assert [a.status_code for a in answers] == [404, 404, 404, 429, 429]
        assert "paused for an hour" in answers[-1].get_data(as_text=True)
        found = client.get(f"/verify/{cert.serial}", environ_base={"REMOTE_ADDR": "198.51.100.77"})
        assert found.status_code == 200  # a real certificate still verifies: the count cannot lock employers out
        other = client.get("/verify/OTHER-2026-AAAA-0001", environ_base={"REMOTE_ADDR": "198.51.100.9"})
        assert other.status_code == 404  # another pattern is counted on its own
    finally:
        with limited.app_context():
            _db.engine.dispose()
