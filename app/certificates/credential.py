"""Open Badges 3.0 credentials as JWT-VCs (EdDSA), the Bitstring Status List, and verification."""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

import jwt

from app.certificates.keys import IssuerKey, resolve_did_key

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
STATUS_LIST_BITS = 131_072  # the minimum size, for herd privacy
STATUS_PURPOSES = ("revocation", "suspension")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.lower() + salt).encode()).hexdigest()


def build_credential(*, cert_uuid: str, serial: str, status_index: int, holder_name: str, holder_email: str,
                     issued_at: datetime, valid_until: datetime, course: dict[str, Any], issuer: dict[str, str],
                     base_url: str) -> dict[str, Any]:
    """The OpenBadgeCredential for one certificate (unsigned)."""
    status = [{
        "id": f"{base_url}/credentials/status/{purpose}#{status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(status_index),
        "statusListCredential": f"{base_url}/credentials/status/{purpose}",
    } for purpose in STATUS_PURPOSES]
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{cert_uuid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": course["credential_title"],
        "issuer": {"id": issuer["did"], "type": ["Profile"], "name": issuer["name"], "url": base_url},
        "validFrom": _iso(issued_at),
        "validUntil": _iso(valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": holder_name,
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
                            "identityHash": identity_hash(holder_email, cert_uuid), "salt": cert_uuid}],
            "achievement": {
                "id": f"{base_url}/courses/{course['slug']}#v{course['version']}",
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": course["credential_title"],
                "description": course["description"],
                "criteria": {"narrative": course["criteria"]},
                "creditsAvailable": course["contact_hours"],
            },
        },
        "evidence": [{"type": ["Evidence"], "id": f"{base_url}/verify/{serial}", "name": f"Certificate {serial}"}],
        "credentialStatus": status,
    }


def sign(credential: dict[str, Any], key: IssuerKey, *, subject: str) -> str:
    claims = {
        "iss": key.did,
        "sub": subject,
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00")).timestamp()),
        "exp": int(datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00")).timestamp()),
        "vc": credential,
    }
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": "JWT"})


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


def status_list_credential(purpose: str, set_indexes: list[int], key: IssuerKey, *, base_url: str,
                           now: datetime) -> str:
    url = f"{base_url}/credentials/status/{purpose}"
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": key.did,
        "validFrom": _iso(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": purpose,
                              "encodedList": encode_status_list(set_indexes)},
    }
    claims = {"iss": key.did, "jti": url, "iat": int(now.timestamp()), "vc": credential}
    return jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid, "typ": "JWT"})


# Verification ------------------------------------------------------------------------

@dataclass(frozen=True)
class Verification:
    ok: bool
    message: str
    credential: dict[str, Any] | None = None


def verify_jwt(token: str, *, trusted: set[str] | None = None,
               expect_type: str = "OpenBadgeCredential") -> Verification:
    """Check the signature against the issuer's did:key, and (given `trusted`) that the issuer is us.

    Says plainly what is wrong, and nothing more.
    """
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
        issuer = unverified.get("iss", "")
        if trusted is not None and issuer not in trusted:
            return Verification(False, "This credential was not issued by this platform.")
        if header.get("alg") != "EdDSA" or not str(header.get("kid", "")).startswith(issuer + "#"):
            return Verification(False, "The credential is not signed the way this platform signs credentials.")
        key = resolve_did_key(issuer)
        claims = jwt.decode(token, key, algorithms=["EdDSA"], options={"verify_exp": False})
    except (jwt.InvalidTokenError, ValueError):
        return Verification(False, "The credential could not be verified: it is damaged or has been altered.")
    vc = claims.get("vc") or {}
    if expect_type not in vc.get("type", []):
        return Verification(False, "This is not a certificate credential.")
    return Verification(True, "The signature is valid.", vc)
