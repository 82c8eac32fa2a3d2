"""Platform admins register and change partners' LMS registrations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.models import LtiPlatform, Organization, User

FIELDS = ("name", "issuer", "client_id", "deployment_ids", "auth_login_url", "auth_token_url", "key_set_url",
          "lms_url", "allow_instructors", "is_active")


class PlatformRefused(DomainError):
    pass


def snapshot(platform: LtiPlatform) -> dict:
    return {"organization_id": platform.organization_id, **{f: getattr(platform, f) for f in FIELDS}}


def save(platform: LtiPlatform | None, values: dict, *, actor: User, ip: str | None = None) -> LtiPlatform:
    org = db.session.get(Organization, values["organization_id"])
    if org is None:
        raise PlatformRefused("Choose an organization.")
    before = snapshot(platform) if platform else None
    platform = platform or LtiPlatform()
    platform.organization_id = org.id
    for f in FIELDS:
        setattr(platform, f, values[f])
    db.session.add(platform)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise PlatformRefused("This issuer and client ID are already registered.") from None
    audit.record("lti.platform_saved", platform, actor=actor, ip=ip, before=before, after=snapshot(platform))
    return platform


def all_platforms() -> list[LtiPlatform]:
    return list(db.session.scalars(sa.select(LtiPlatform).options(sa.orm.joinedload(LtiPlatform.organization))
                                   .order_by(LtiPlatform.name, LtiPlatform.id)))
