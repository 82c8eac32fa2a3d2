"""The issuer's Ed25519 keys, kept as files outside the database, and did:key identifiers.

Keys live in ISSUER_KEY_DIR as issuer-<n>.pem; the highest n signs new credentials.
Rotating adds a key and keeps the old ones, so earlier credentials still verify: each
credential names its key (a did:key, which any verifier resolves offline).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519_MULTICODEC = b"\xed\x01"
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
KEY_FILE = re.compile(r"^issuer-(\d+)\.pem$")


class KeyMissing(RuntimeError):
    pass


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, rem = divmod(n, 58)
        out = B58[rem] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + B58.index(ch)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + b58encode(ED25519_MULTICODEC + raw)


def resolve_did_key(did: str) -> Ed25519PublicKey:
    """The public key inside an Ed25519 did:key (no network needed). ValueError if it is not one."""
    if not did.startswith("did:key:z"):
        raise ValueError("not a did:key")
    decoded = b58decode(did.removeprefix("did:key:z").split("#")[0])
    if not decoded.startswith(ED25519_MULTICODEC) or len(decoded) != 34:
        raise ValueError("not an Ed25519 did:key")
    return Ed25519PublicKey.from_public_bytes(decoded[2:])


@dataclass(frozen=True)
class IssuerKey:
    number: int
    private_key: Ed25519PrivateKey

    @property
    def did(self) -> str:
        return did_key(self.private_key.public_key())

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.did.removeprefix('did:key:')}"


def _keys(key_dir: Path) -> list[IssuerKey]:
    if not key_dir.is_dir():
        return []
    out = []
    for path in key_dir.iterdir():
        m = KEY_FILE.match(path.name)
        if m:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            out.append(IssuerKey(int(m.group(1)), key))
    return sorted(out, key=lambda k: k.number)


def _write(key_dir: Path, number: int) -> IssuerKey:
    key_dir.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    path = key_dir / f"issuer-{number}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    return IssuerKey(number, key)


def current_key(key_dir: str | Path, *, create: bool) -> IssuerKey:
    keys = _keys(Path(key_dir))
    if keys:
        return keys[-1]
    if not create:
        raise KeyMissing(f"No issuer key in {key_dir}. Create one with `flask certificates rotate-key`.")
    return _write(Path(key_dir), 1)


def key_by_number(key_dir: str | Path, number: int) -> IssuerKey | None:
    return next((k for k in _keys(Path(key_dir)) if k.number == number), None)


def known_dids(key_dir: str | Path) -> set[str]:
    """Every issuer identity this platform has used (current and rotated-out keys)."""
    return {k.did for k in _keys(Path(key_dir))}


def rotate(key_dir: str | Path) -> IssuerKey:
    keys = _keys(Path(key_dir))
    return _write(Path(key_dir), (keys[-1].number + 1) if keys else 1)


def check_keys_for_serving(app) -> None:
    """A server must not start without the keys its certificates were signed with: every earlier credential
    would read as "not issued by this platform". Restore ISSUER_KEY_DIR from the backup, or, if the keys are
    truly lost, create a new one knowingly with `flask certificates rotate-key`."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Certificate

    if app.config.get("ISSUER_KEY_AUTOCREATE") or _keys(Path(app.config["ISSUER_KEY_DIR"])):
        return
    with app.app_context():
        try:
            issued = db.session.scalar(sa.select(Certificate.id).limit(1)) is not None
        except sa.exc.SQLAlchemyError:  # the database is down: the pages say so; nothing to check yet
            return
        finally:
            db.session.remove()
    if issued:
        raise KeyMissing(f"Certificates have been issued but {app.config['ISSUER_KEY_DIR']} holds no issuer key, so "
                         "none of them could be shown to be this platform's. Restore the folder from your backup "
                         "(flask backup restore), or, if the keys are lost, run `flask certificates rotate-key` "
                         "knowing that earlier credentials will no longer verify.")
