"""One place that says whether a certificate is genuine, from whatever a visitor has in hand.

Accepted: the serial printed on the certificate (TMC-2026-000123), its ID (a UUID), the verification
link from the QR code, the text of the Open Badge file (a JWT), that file uploaded (.jwt or .txt), the
certificate PDF, or a picture of its QR code (PNG or JPEG: a screenshot, a photo, a scan).

From a PDF the QR code is read first (zxing-cpp decodes the images drawn on its first two pages, which
pypdf extracts; the certificate PDF draws its QR code as an image), and the serial printed on it only when
no QR code can be read. A QR code counts only if it opens this platform's own verification page
(`PUBLIC_BASE_URL/verify/...`): a certificate issued here never links anywhere else, so a QR code that
does is reported, not followed. When a PDF's QR code and its printed serial name different certificates,
the document is not confirmed.

Everything is bounded: the upload's size (MAX_UPLOAD), the pages (PDF_PAGES) and images (PDF_IMAGES)
looked at, and each picture's pixels (MAX_PIXELS, checked from its header before it is decoded; pictures
are scaled down to DECODE_SIDE before QR codes are searched). Anything else, however malformed, gets a
plain answer; nothing here raises on hostile input.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice
from urllib.parse import urlsplit

from app.certificates import clr, credential, services
from app.models import Certificate

MAX_TEXT = 500_000  # a learner record with every credential it wraps
MAX_UPLOAD = 2 * 1024 * 1024
#: the largest picture decoded (width x height): a 12-megapixel phone photo fits, a decompression bomb does not
MAX_PIXELS = 16_000_000
#: pictures are scaled down so that their longer side is at most this before QR codes are searched
DECODE_SIDE = 2048
#: how many pages of a PDF, and how many of their images, are searched for a QR code
PDF_PAGES = 2
PDF_IMAGES = 4
SERIAL = re.compile(r"\b([A-Z]{2,10}-\d{4}-(?:\d{6}|[0-9A-Z]{4}-[0-9A-Z]{4}))\b", re.IGNORECASE)  # earlier | random
UUID = re.compile(r"^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.IGNORECASE)
LINK = re.compile(r"/verify/([A-Za-z0-9-]{1,64})/?(?:[?#].*)?$")
JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
REFERENCE = re.compile(r"[A-Za-z0-9-]{1,64}")
VERIFY_LINK_TEXT = re.compile(r"\S*/verify/[A-Za-z0-9-]*")
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"

NOT_RECOGNISED = ("We could not recognise this. Enter the serial printed on the certificate (for example "
                  "TMC-2026-000123), the certificate's ID, or the contents of its Open Badge (.jwt) file.")
TOO_MANY_PIXELS = ("This picture is too large to check. Crop it to the QR code, or type the serial printed under "
                   "the QR code instead.")


@dataclass(frozen=True)
class Verdict:
    """What the visitor is told. `cert` is set when the platform's register has the certificate."""

    ok: bool
    message: str
    how: str = ""
    cert: Certificate | None = None
    state: str | None = None
    #: what a verified learner record (CLR) holds, when that is what was given
    record: dict | None = None


def _found(reference: str, today: date, how: str) -> Verdict:
    cert = services.find(reference)
    if cert is None:
        return Verdict(False, "No certificate has this reference. Check the serial printed on the certificate "
                              "and try again.")
    return Verdict(True, "This certificate is in the platform's register.", how, cert, cert.state_on(today))


def _credential(token: str, trusted: set[str], today: date) -> Verdict:
    result = credential.verify_jwt(token, trusted=trusted, expect_type=("OpenBadgeCredential", clr.CLR_TYPE))
    if not result.ok:
        return Verdict(False, result.message)
    if clr.CLR_TYPE in (result.credential.get("type") or []):
        return Verdict(True, result.message, "The signature is valid. The learner record was signed with this "
                                             "platform's key and has not been altered since.",
                       record=clr.summary(result.credential))
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


# QR codes -------------------------------------------------------------------------------------------

class _Refused(Exception):
    """A picture that is not decoded, with the reason the visitor is given."""


def _qr_texts(image) -> list[str]:
    """The QR codes' contents in a decoded picture, read at most DECODE_SIDE pixels on its longer side."""
    import zxingcpp
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:  # transparent means paper, not ink
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    image = image.convert("L")
    if max(image.size) > DECODE_SIDE:
        image.thumbnail((DECODE_SIDE, DECODE_SIDE))
    return [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode) if b.text]


def _open_picture(data: bytes):
    """A PNG or JPEG, decoded only once its header says it is at most MAX_PIXELS; _Refused otherwise."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _Refused(TOO_MANY_PIXELS)
        if image.format == "JPEG":  # decode at a reduced scale where the format allows it
            image.draft("L", (DECODE_SIDE, DECODE_SIDE))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _Refused(TOO_MANY_PIXELS) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise _Refused("We could not read this picture. Upload a PNG or JPEG of the QR code, or type the serial "
                       "printed under it.") from exc
    return image


def _pdf_value(obj, key: str):
    """A PDF dictionary's entry, resolved if it is a reference; None if absent or not a dictionary."""
    value = obj.get(key) if isinstance(obj, dict) else None
    return value.get_object() if hasattr(value, "get_object") else value


def _pdf_images(page, owner=None, path: tuple[str, ...] = ()) -> Iterator:
    """A page's images (also those inside its forms, one level down), decoded one at a time; an image whose
    declared size is over MAX_PIXELS, or in a format that needs an outside decoder, is passed over."""
    xobjects = _pdf_value(_pdf_value(page if owner is None else owner, "/Resources"), "/XObject")
    if not isinstance(xobjects, dict):
        return
    for name, ref in list(xobjects.items())[:50]:
        xobj = ref.get_object() if hasattr(ref, "get_object") else ref
        subtype = _pdf_value(xobj, "/Subtype")
        if subtype == "/Form" and not path:
            yield from _pdf_images(page, xobj, (name,))
            continue
        width, height = _pdf_value(xobj, "/Width"), _pdf_value(xobj, "/Height")
        if subtype != "/Image" or not (isinstance(width, int) and isinstance(height, int)
                                       and 0 < width * height <= MAX_PIXELS):
            continue
        filters = _pdf_value(xobj, "/Filter")
        filters = [str(f) for f in filters] if isinstance(filters, list) else [str(filters or "")]
        if {"/JBIG2Decode", "/JPXDecode"} & set(filters):
            continue
        image = None
        with contextlib.suppress(Exception):  # one unreadable image does not stop the others being looked at
            # a JPEG is handed over as it is, and its own header is checked before it is decoded
            image = (_open_picture(xobj.get_data()) if filters[-1] == "/DCTDecode"
                     else page.images[[*path, name]].image)
        if image is not None:
            yield image


def _platform_reference(text: str, base_url: str) -> str | None:
    """The certificate reference in a link to this platform's own verify page, else None."""
    try:
        link, ours = urlsplit(text.strip()), urlsplit(base_url)
    except ValueError:
        return None
    if link.scheme.lower() not in ("http", "https") or link.netloc.lower() != ours.netloc.lower():
        return None
    prefix = ours.path.rstrip("/") + "/verify/"
    reference = link.path[len(prefix):].rstrip("/") if link.path.startswith(prefix) else ""
    return reference if REFERENCE.fullmatch(reference) else None


def _not_ours(texts: list[str], base_url: str, where: str) -> Verdict:
    try:
        link = urlsplit(texts[0].strip())
        host = link.hostname if link.netloc.lower() != urlsplit(base_url).netloc.lower() else None
    except ValueError:
        host = None
    if host:
        return Verdict(False, f"The QR code {where} opens a page on {host[:100]}, not this platform's verification "
                              f"page ({base_url}/verify/). A certificate issued here always links to it, so do not "
                              "rely on what that other page says; type the serial printed on the certificate to "
                              "check it here.")
    return Verdict(False, f"The QR code {where} does not hold a link to this platform's verification page, so it was "
                          "not printed on a certificate issued here. Type the serial printed on the certificate to "
                          "check it.")


def _from_qr(texts: list[str], *, base_url: str, today: date, where: str, how: str,
             printed: set[str] | None = None) -> Verdict:
    reference = next((r for r in (_platform_reference(t, base_url) for t in texts) if r), None)
    if reference is None:
        return _not_ours(texts, base_url, where)
    verdict = _found(reference, today, how)
    if verdict.cert is not None and printed and verdict.cert.serial.upper() not in printed:
        return Verdict(False, "The QR code on this PDF and the serial printed on it name different certificates, "
                              "so this is not a document the platform issued. Do not accept it; check the serial "
                              "with the person who gave it to you.")
    return verdict


# Uploads --------------------------------------------------------------------------------------------

def _read_pdf(data: bytes) -> tuple[list[str], list[str]]:
    """The QR codes' contents and the serials printed on the first PDF_PAGES pages; ([], []) if unreadable."""
    from pypdf import PdfReader

    texts: list[str] = []
    serials: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [reader.pages[n] for n in range(min(PDF_PAGES, len(reader.pages)))]
    except Exception:  # a malformed or hostile PDF is simply unreadable
        return [], []
    decoded = 0
    for page in pages:
        with contextlib.suppress(Exception):  # a page that cannot be read is passed over
            text = VERIFY_LINK_TEXT.sub(" ", page.extract_text() or "")  # a printed link is not the printed serial
            serials += [s.upper() for s in SERIAL.findall(text)]
        with contextlib.suppress(Exception):
            for image in islice(_pdf_images(page), PDF_IMAGES - decoded):  # decodes no image past the limit
                decoded += 1
                texts += _qr_texts(image)
    return texts, serials


def _check_pdf(data: bytes, *, base_url: str, today: date) -> Verdict:
    texts, serials = _read_pdf(data)
    if texts:
        return _from_qr(texts, base_url=base_url, today=today, where="on this PDF", printed=set(serials),
                        how="Read from the QR code on the uploaded certificate and looked up in the platform's "
                            "register. Compare the details below with the document.")
    if serials:
        return _found(serials[0], today, f"No QR code could be read on the PDF, so the serial {serials[0]} printed "
                                         "on it was read and looked up in the platform's register. Compare the "
                                         "details below with the document.")
    return Verdict(False, "We could not find a QR code or a certificate serial in this PDF. Type the serial printed "
                          "under the QR code instead.")


def _check_picture(data: bytes, *, base_url: str, today: date) -> Verdict:
    try:
        texts = _qr_texts(_open_picture(data))
    except _Refused as exc:
        return Verdict(False, str(exc))
    except Exception:
        texts = []
    if not texts:
        return Verdict(False, "We found no QR code we could read in this picture. Make sure the whole QR code is in "
                              "the picture and sharp, or type the serial printed under it.")
    return _from_qr(texts, base_url=base_url, today=today, where="in this picture",
                    how="Read from the QR code in the uploaded picture and looked up in the platform's register. "
                        "Compare the details below with the certificate you were shown.")


def check_upload(data: bytes, *, trusted: set[str], today: date, base_url: str) -> Verdict:
    """`base_url` is the platform's public address (PUBLIC_BASE_URL): the only one a QR code may open."""
    if len(data) > MAX_UPLOAD:
        return Verdict(False, "This file is too large to be a certificate or a credential.")
    if not data.strip():
        return Verdict(False, "This file is empty.")
    base_url = base_url.rstrip("/")
    if data.startswith(b"%PDF"):
        return _check_pdf(data, base_url=base_url, today=today)
    if data.startswith(PNG) or data.startswith(JPEG):
        return _check_picture(data, base_url=base_url, today=today)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Verdict(False, "This file is not a credential: it is not text. Upload the .jwt file, the certificate "
                              "PDF or a picture of its QR code (PNG or JPEG).")
    return check_text(text, trusted=trusted, today=today)
