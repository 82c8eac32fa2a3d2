"""API keys: created for one organization, shown once, stored as a SHA-256 hash, revocable."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from app import audit
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import ApiKey, Organization, User

PREFIX = "tmk_"


class KeyRefused(DomainError):
    pass


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_key(org: Organization, *, name: str, actor: User, ip: str | None = None) -> tuple[ApiKey, str]:
    """A new key; the raw key is returned once and never stored."""
    name = name.strip()
    if not name:
        raise KeyRefused("Name the key after the system that will use it.")
    if not org.is_active:
        raise KeyRefused(f"{org.name} is deactivated; it cannot have API keys.")
    raw = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(organization_id=org.id, name=name[:80], prefix=raw[:10], key_hash=_hash(raw), created_by_id=actor.id)
    db.session.add(key)
    db.session.flush()
    audit.record("api_key.created", key, actor=actor, ip=ip, after={"organization_id": org.id, "name": key.name,
                                                                    "prefix": key.prefix})
    return key, raw


def revoke_key(key: ApiKey, *, actor: User, ip: str | None = None) -> None:
    if key.revoked_at is not None:
        raise KeyRefused("This key is already revoked.")
    key.revoked_at = utcnow()
    audit.record("api_key.revoked", key, actor=actor, ip=ip, before={"revoked": False}, after={"revoked": True})
    db.session.flush()


def org_keys(org: Organization) -> list[ApiKey]:
    return list(db.session.scalars(sa.select(ApiKey).where(ApiKey.organization_id == org.id)
                                   .order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())))


def authenticate(raw: str) -> ApiKey:
    """The live key for this raw value, or KeyRefused with a message a partner's developer can act on."""
    key = db.session.scalar(sa.select(ApiKey).where(ApiKey.key_hash == _hash(raw or ""))) if raw else None
    if key is None:
        raise KeyRefused("The API key is missing or not valid. Send it as “Authorization: Bearer <key>”.")
    if key.revoked_at is not None:
        raise KeyRefused("This API key was revoked. Ask your organization admin for a new one.")
    if not key.organization.is_active:
        raise KeyRefused("This organization is deactivated.")
    key.last_used_at = utcnow()
    return key
