"""The tool's RSA signing keys, kept as files next to the certificate issuer's keys (ISSUER_KEY_DIR).

Files are lti-tool-<n>.pem; the highest n is the current key, and the one before it stays published in the
tool's JWKS after a rotation, so a platform that cached the old key set keeps verifying until it refreshes.
Older keys are no longer published. A missing key is created on first use: nothing the platform stored
depends on it (LMSes fetch the key set from the JWKS URL).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

KEY_FILE = re.compile(r"^lti-tool-(\d+)\.pem$")
PUBLISHED = 2  # the current key and the previous one


@dataclass(frozen=True)
class ToolKey:
    number: int
    pem: str

    @property
    def public_jwk(self) -> dict:
        jwk = json.loads(JWK.from_pem(self.pem.encode()).export_public())
        return {**jwk, "alg": "RS256", "use": "sig"}

    @property
    def kid(self) -> str:
        return self.public_jwk["kid"]


def _keys(key_dir: Path) -> list[ToolKey]:
    if not key_dir.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in key_dir.iterdir() if (m := KEY_FILE.match(p.name))]
    return [ToolKey(n, p.read_text()) for n, p in sorted(found)]


def _write(key_dir: Path, number: int) -> ToolKey:
    key_dir.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(key_dir / f"lti-tool-{number}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return ToolKey(number, pem.decode())


def current_key(key_dir: str | Path) -> ToolKey:
    keys = _keys(Path(key_dir))
    if keys:
        return keys[-1]
    try:
        return _write(Path(key_dir), 1)
    except FileExistsError:  # another worker created it first
        return _keys(Path(key_dir))[-1]


def rotate(key_dir: str | Path) -> ToolKey:
    keys = _keys(Path(key_dir))
    return _write(Path(key_dir), keys[-1].number + 1 if keys else 1)


def jwks(key_dir: str | Path) -> dict:
    current_key(key_dir)
    return {"keys": [k.public_jwk for k in reversed(_keys(Path(key_dir))[-PUBLISHED:])]}
