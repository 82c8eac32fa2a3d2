"""Open Badges 3.0 credentials as JWT-VCs (EdDSA), the Bitstring Status List, and verification."""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import jwt

from app.certificates.keys import IssuerKey, resolve_did_key

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
STATUS_LIST_BITS = 131_072  # the minimum size, for herd privacy
STATUS_PURPOSES = ("revocation", "suspension")
#: the purpose of the one status entry a credential carries (see build_credential)
CREDENTIAL_STATUS_PURPOSE = "suspension"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(day: date) -> str:
    """A day as the start of that day in UTC, in the credentials' date-time form."""
    return iso(datetime.combine(day, time(0, 0), tzinfo=UTC))


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()


def issuer_profile(issuer: dict[str, str], base_url: str) -> dict[str, Any]:
    return {"id": issuer["did"], "type": ["Profile"], "name": issuer["name"], "url": base_url,
            "description": issuer["description"],
            "image": {"id": f"{base_url}/static/img/issuer.png", "type": "Image", "caption": issuer["name"]}}


def hashed_email(email: str, salt: str) -> dict[str, Any]:
    """An IdentityObject naming the holder by a salted hash of their email, never the address itself."""
    return {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
            "identityHash": identity_hash(email, salt), "salt": salt}


def build_credential(*, cert_uuid: str, serial: str, status_index: int, status_list_url: str, holder_name: str,
                     holder_email: str, issued_at: datetime, valid_until: datetime, course: dict[str, Any],
                     issuer: dict[str, str], base_url: str) -> dict[str, Any]:
    """The OpenBadgeCredential for one certificate (unsigned), shaped for 1EdTech's AchievementCredential schema.

    `credentialStatus` is one BitstringStatusListEntry (the schema allows one object). Its purpose is
    "suspension": the bit is set while the certificate is suspended and stays set once it is revoked, so any
    verifier that reads the entry refuses a certificate that is not in good standing, and a suspension can
    still be lifted (a "revocation" bit must never be cleared). The platform's own pages say which it is.
    """
    achievement_url = f"{base_url}/courses/{course['slug']}"
    achievement: dict[str, Any] = {
        "id": f"{achievement_url}#v{course['version']}",
        "type": ["Achievement"],
        "achievementType": course["achievement_type"],
        "name": course["title"],
        "description": course["description"],
        "criteria": {"id": achievement_url, "narrative": course["criteria"]},
        "image": {"id": f"{base_url}/static/img/badge.png", "type": "Image", "caption": course["title"]},
        "creditsAvailable": course["contact_hours"],
        "version": str(course["version"]),
    }
    alignment = [{
        "type": ["Alignment"],
        "targetName": a["name"],
        "targetDescription": a["framework"],
        "targetUrl": a.get("url") or f"{achievement_url}#{a['framework_key']}-{a['code']}",
        "targetFramework": a["framework"],
        "targetType": "ceasn:Competency",
        "targetCode": a["code"],
    } for a in course.get("alignments", [])]
    alignment += [{
        "type": ["Alignment"],
        "targetName": name,
        "targetUrl": f"{achievement_url}#competency-{n}",
        "targetFramework": f"{course['title']}: assessed competencies",
        "targetType": "ext:RubricCriterion",
        "targetCode": f"competency-{n}",
    } for n, name in enumerate(course.get("competencies", []), start=1)]
    if alignment:
        achievement["alignment"] = alignment
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{cert_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": course["title"],
        "description": f"{course['title']}, awarded to {holder_name} by {issuer['name']}.",
        "issuer": issuer_profile(issuer, base_url),
        "validFrom": iso(issued_at),
        "validUntil": iso(valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": holder_name,
            "identifier": [hashed_email(holder_email, cert_uuid)],
            "achievement": achievement,
        },
        "evidence": [{"type": ["Evidence"], "id": f"{base_url}/verify/{serial}", "name": f"Certificate {serial}"}],
        "credentialStatus": {
            "id": f"{status_list_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": CREDENTIAL_STATUS_PURPOSE,
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url,
        },
    }


def _timestamp(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def sign(credential: dict[str, Any], key: IssuerKey) -> str:
    """A VC-JWT as Open Badges 3.0 prescribes: the credential itself is the payload, with the registered
    claims beside it (iss = issuer id, jti = credential id, nbf = validFrom, exp = validUntil, and `sub`
    only when the subject has an id, equal to it)."""
    issuer = credential["issuer"]
    claims = dict(credential)
    claims["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    claims["jti"] = credential["id"]
    claims["nbf"] = _timestamp(credential["validFrom"])
    if credential.get("validUntil"):
        claims["exp"] = _timestamp(credential["validUntil"])
    subject_id = (credential.get("credentialSubject") or {}).get("id")
    if subject_id:
        claims["sub"] = subject_id
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": "JWT"})


REGISTERED_CLAIMS = ("iss", "jti", "nbf", "exp", "iat", "sub", "aud")


def credential_of(claims: dict[str, Any]) -> dict[str, Any]:
    """The credential inside verified claims: the payload itself, or (credentials issued before
    issue 14) the VCDM 1.1-style `vc` claim."""
    if isinstance(claims.get("vc"), dict):
        return claims["vc"]
    return {k: v for k, v in claims.items() if k not in REGISTERED_CLAIMS}


def is_legacy(token: str) -> bool:
    try:
        return isinstance(jwt.decode(token, options={"verify_signature": False}).get("vc"), dict)
    except (jwt.InvalidTokenError, ValueError):
        return False


def end_of_day(day) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


# Bitstring Status List -------------------------------------------------------------

def encode_status_list(set_indexes: list[int], size: int = STATUS_LIST_BITS) -> str:
    """Multibase base64url (no padding) of the GZIP-compressed bitstring; index 0 is the left-most bit."""
    bits = bytearray(size // 8)
    for i in set_indexes:
        if 0 <= i < size:
            bits[i // 8] |= 0x80 >> (i % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode().rstrip("=")


def bit_is_set(encoded: str, index: int) -> bool:
    raw = encoded.removeprefix("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(purpose: str, set_indexes: list[int], key: IssuerKey, *, url: str,
                           now: datetime) -> str:
    """The signed BitstringStatusListCredential at `url`, in the same VC-JWT shape as the credentials."""
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": key.did,
        "validFrom": iso(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": purpose,
                              "encodedList": encode_status_list(set_indexes)},
    }
    claims = {**credential, "iss": key.did, "jti": url, "iat": int(now.timestamp()), "nbf": int(now.timestamp())}
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": "JWT"})


# Verification ------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str
    credential: dict[str, Any] | None = None


def verify_jwt(token: str, *, trusted: set[str] | None = None,
               expect_type: str | tuple[str, ...] = "OpenBadgeCredential") -> Verification:
    """Check the signature against the issuer's did:key, and (given `trusted`) that the issuer is us.

    Accepts both shapes this platform has issued (the credential as the payload, and the earlier `vc`
    claim). Says plainly what is wrong, and nothing more; never raises on hostile input.
    """
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
        if not isinstance(unverified, dict):
            raise ValueError("not an object")
        issuer = unverified.get("iss", "")
        if not isinstance(issuer, str):
            raise ValueError("iss is not a string")
        if trusted is not None and issuer not in trusted:
            return Verification(False, "This credential was not issued by this platform.")
        if header.get("alg") != "EdDSA" or not str(header.get("kid", "")).startswith(issuer + "#"):
            return Verification(False, "The credential is not signed the way this platform signs credentials.")
        key = resolve_did_key(issuer)
        claims = jwt.decode(token, key, algorithms=["EdDSA"], options={"verify_exp": False, "verify_nbf": False})
    except (jwt.InvalidTokenError, ValueError, TypeError, RecursionError):
        return Verification(False, "The credential could not be verified: it is damaged or has been altered.")
    vc = credential_of(claims)
    stated = vc.get("issuer")
    if (stated.get("id") if isinstance(stated, dict) else stated) != claims.get("iss"):
        return Verification(False, "The credential names another issuer than the one who signed it.")
    types = vc.get("type") if isinstance(vc.get("type"), list) else [vc.get("type")]
    wanted = (expect_type,) if isinstance(expect_type, str) else expect_type
    if not any(t in types for t in wanted):
        return Verification(False, "This is not a certificate credential.")
    return Verification(True, "The signature is valid.", vc)
