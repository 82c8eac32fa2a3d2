"""Consent links: a trainee lets one named person (an employer, a state board) see their transcript and
certificate status for a time they choose, and can withdraw it at any moment. The token is shown
once; only its SHA-256 is kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from app import audit
from app.errors import DomainError
from app.extensions import db
from app.models import Cohort, Organization, TranscriptShare, User

#: how long a trainee may let a link work (days)
SHARE_DAYS = (7, 30, 90)


class ShareRefused(DomainError):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share(user: User, cohort: Cohort, *, recipient: str, days: int, now: datetime,
                 ip: str | None = None, organization: Organization | None = None) -> tuple[TranscriptShare, str]:
    """The trainee's consent to show this cohort's transcript to `recipient` for `days` days. The token is
    returned once, to be shown once; only its SHA-256 is kept. With `organization` (the trainee's own), the
    consent is for that organization's systems, which read the transcript through the partner API."""
    if organization is not None:
        if organization.id != user.organization_id:
            raise ShareRefused("You can share your transcript with your own organization only.")
        recipient = organization.name
    recipient = " ".join((recipient or "").split())
    if not recipient:
        raise ShareRefused("Say who the link is for (an employer's name, for example); it is kept with your consent.")
    if days not in SHARE_DAYS:
        raise ShareRefused("Choose how long the link works.")
    token = secrets.token_urlsafe(32)
    share = TranscriptShare(user_id=user.id, cohort_id=cohort.id, token_hash=_digest(token), recipient=recipient[:200],
                            organization_id=organization.id if organization else None,
                            created_at=now, expires_at=now + timedelta(days=days))
    db.session.add(share)
    db.session.flush()
    audit.record("transcript.shared", share, actor=user, ip=ip,
                 after={"recipient": share.recipient, "cohort_id": cohort.id, "organization_id": share.organization_id,
                        "expires_at": share.expires_at.isoformat()})
    return share, token


def find_share(token: str) -> TranscriptShare | None:
    token = (token or "").strip()
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(TranscriptShare).where(TranscriptShare.token_hash == _digest(token)))


def revoke_share(share: TranscriptShare, user: User, *, now: datetime, ip: str | None = None) -> None:
    if share.revoked_at is not None:
        raise ShareRefused("This link was already withdrawn.")
    share.revoked_at = now
    audit.record("transcript.share_withdrawn", share, actor=user, ip=ip, after={"recipient": share.recipient})
    db.session.flush()


def shares_of(user: User) -> list[TranscriptShare]:
    return list(db.session.scalars(sa.select(TranscriptShare).where(TranscriptShare.user_id == user.id)
                                   .order_by(TranscriptShare.created_at.desc(), TranscriptShare.id.desc())))


def open_org_shares(organization_id: int, user_ids: list[int], now: datetime) -> dict[int, list[TranscriptShare]]:
    """The consents these trainees have given their organization and not withdrawn, still open; one query."""
    out: dict[int, list[TranscriptShare]] = {uid: [] for uid in user_ids}
    if user_ids:
        for share in db.session.scalars(sa.select(TranscriptShare).where(
                TranscriptShare.organization_id == organization_id, TranscriptShare.user_id.in_(user_ids),
                TranscriptShare.revoked_at.is_(None), TranscriptShare.expires_at > now)
                .order_by(TranscriptShare.created_at)):
            out[share.user_id].append(share)
    return out
