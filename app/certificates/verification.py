"""One place that says whether a certificate is genuine, from whatever a visitor has in hand.

Accepted: the serial printed on the certificate (TMC-2026-000123), its ID (a UUID), the verification
link from the QR code, the text of the Open Badge file (a JWT), that file uploaded (.jwt or .txt), or
the certificate PDF (the serial printed on it is read; QR code images are not decoded). Anything else,
however malformed, gets a plain answer; nothing here raises on hostile input.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

from app.certificates import credential, services
from app.models import Certificate

MAX_TEXT = 20_000
MAX_UPLOAD = 2 * 1024 * 1024
SERIAL = re.compile(r"\b([A-Z]{2,10}-\d{4}-(?:\d{6}|[0-9A-Z]{4}-[0-9A-Z]{4}))\b", re.IGNORECASE)  # earlier | random
UUID = re.compile(r"^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.IGNORECASE)
LINK = re.compile(r"/verify/([A-Za-z0-9-]{1,64})/?(?:[?#].*)?$")
JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")

NOT_RECOGNISED = ("We could not recognise this. Enter the serial printed on the certificate (for example "
                  "TMC-2026-000123), the certificate's ID, or the contents of its Open Badge (.jwt) file.")


@dataclass(frozen=True)
class Verdict:
    """What the visitor is told. `cert` is set when the platform's register has the certificate."""

    ok: bool
    message: str
    how: str = ""
    cert: Certificate | None = None
    state: str | None = None


def _found(reference: str, today: date, how: str) -> Verdict:
    cert = services.find(reference)
    if cert is None:
        return Verdict(False, "No certificate has this reference. Check the serial printed on the certificate "
                              "and try again.")
    return Verdict(True, "This certificate is in the platform's register.", how, cert, cert.state_on(today))


def _credential(token: str, trusted: set[str], today: date) -> Verdict:
    result = credential.verify_jwt(token, trusted=trusted)
    if not result.ok:
        return Verdict(False, result.message)
    cert = services.find(str(result.credential.get("id", "")).removeprefix("urn:uuid:"))
    if cert is None:
        return Verdict(False, "The signature is valid but this platform has no record of the credential.")
    return Verdict(True, result.message, "The signature is valid. The Open Badge was signed with this platform's "
                                         "key and has not been altered since.", cert, cert.state_on(today))


def check_text(text: str, *, trusted: set[str], today: date, how: str = "") -> Verdict:
    text = (text or "").strip().lstrip("\ufeff").strip()
    if not text:
        return Verdict(False, "Enter a serial or paste a credential, or choose a file, to check.")
    if len(text) > MAX_TEXT:
        return Verdict(False, "This is too long to be a credential.")
    compact = "".join(text.split())
    if JWT.match(compact):
        return _credential(compact, trusted, today)
    link = LINK.search(text)
    uuid = UUID.match(text)
    serial = SERIAL.fullmatch(text)
    reference = (link.group(1) if link else uuid.group(1) if uuid else serial.group(1) if serial else None)
    if reference is None:
        return Verdict(False, NOT_RECOGNISED)
    return _found(reference, today, how or "Looked up in the platform's register of certificates.")


def _serial_in_pdf(data: bytes) -> str | None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        text = " ".join((page.extract_text() or "") for page in list(reader.pages)[:2])
    except Exception:  # a malformed or hostile PDF is simply unreadable
        return None
    match = SERIAL.search(text)
    return match.group(1) if match else None


def check_upload(data: bytes, *, trusted: set[str], today: date) -> Verdict:
    if len(data) > MAX_UPLOAD:
        return Verdict(False, "This file is too large to be a certificate or a credential.")
    if not data.strip():
        return Verdict(False, "This file is empty.")
    if data.startswith(b"%PDF"):
        serial = _serial_in_pdf(data)
        if serial is None:
            return Verdict(False, "We could not find a certificate serial in this PDF. Type the serial printed "
                                  "under the QR code instead.")
        return _found(serial, today, f"Read the serial {serial.upper()} printed on the PDF and looked it up in the "
                                     "platform's register. Compare the details below with the document.")
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        return Verdict(False, "This is a picture. We cannot read QR codes from images here: scan the QR code with "
                              "a phone camera (it opens this page), or type the serial printed under it.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Verdict(False, "This file is not a credential: it is not text. Upload the .jwt file or the "
                              "certificate PDF.")
    return check_text(text, trusted=trusted, today=today)
