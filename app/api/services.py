"""What the API returns: plain dicts scoped to one organization. Queries only, except enroll."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.db import utcnow
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.extensions import db
from app.models import Certificate, Cohort, Enrollment, Organization, Role, TranscriptShare, User


def cohort_json(c: Cohort) -> dict:
    return {"id": c.id, "name": c.name, "course": c.course.slug, "start_date": c.start_date.isoformat(),
            "timezone": c.timezone}


def enrollment_json(e: Enrollment) -> dict:
    return {"id": e.id, "cohort_id": e.cohort_id, "trainee_id": e.user_id, "email": e.user.email,
            "name": e.user.name, "status": e.status.value, "invitation_pending": not e.user.password_hash}


def certificate_json(c: Certificate, base_url: str, today: date | None = None) -> dict:
    """One certificate, with the public link that verifies it (the QR code's): anyone the trainee shows it
    to can check it there, or by uploading the trainee's Open Badge file or certificate PDF on the same page.
    `credential_url` is where the holder, signed in, downloads the signed Open Badge: the credential goes to
    its holder only (policy.can_download_credential), so the link is for the organization to pass on, and
    answers no API key."""
    return {"id": c.uuid, "serial": c.serial, "trainee_id": c.user_id, "cohort_id": c.cohort_id,
            "issued_at": c.issued_at.isoformat() if getattr(c, "issued_at", None) else None,
            "valid_until": c.valid_until.isoformat(), "status": c.state_on(today or utcnow().date()),
            "verify_url": f"{base_url}/verify/{c.serial}" if c.serial else None,
            "credential_url": f"{base_url}/certificates/{c.uuid}/credential.jwt" if c.credential_jwt else None}


def transcript_json(share: TranscriptShare, base_url: str) -> dict:
    return {"cohort_id": share.cohort_id, "shared_until": share.expires_at.isoformat(),
            "pdf_url": f"{base_url}/api/v1/transcripts/{share.id}.pdf",
            "learner_record_url": f"{base_url}/api/v1/transcripts/{share.id}.jwt"}


def trainee_credentials_json(user: User, certificates: list[Certificate], base_url: str, today: date,
                             transcripts: list[TranscriptShare] = ()) -> dict:
    """A trainee, the links to their credentials, and the transcripts they have chosen to let this organization
    read (until when). A consent link a trainee made for a named person is theirs to hand over and never
    appears here: only a consent given to the organization itself does."""
    return {"trainee_id": user.id, "email": user.email, "name": user.name,
            "certificates": [certificate_json(c, base_url, today) for c in certificates],
            "transcripts": [transcript_json(s, base_url) for s in transcripts]}


def org_share(org: Organization, share_id: int, now) -> TranscriptShare | None:
    share = db.session.get(TranscriptShare, share_id)
    return share if share is not None and share.organization_id == org.id and share.open_at(now) else None


def cohorts_query(org: Organization) -> sa.Select:
    return (sa.select(Cohort).where(Cohort.organization_id == org.id).options(selectinload(Cohort.course))
            .order_by(Cohort.start_date.desc(), Cohort.id.desc()))


def enrollments_query(cohort: Cohort) -> sa.Select:
    return (sa.select(Enrollment).where(Enrollment.cohort_id == cohort.id).options(selectinload(Enrollment.user))
            .order_by(Enrollment.id))


def certificates_query(org: Organization) -> sa.Select:
    return (sa.select(Certificate).join(User, User.id == Certificate.user_id)
            .where(User.organization_id == org.id).order_by(Certificate.id))


def trainees_query(org: Organization) -> sa.Select:
    return sa.select(User).where(User.organization_id == org.id, User.role == Role.TRAINEE).order_by(User.id)


def certificates_by_trainee(user_ids: list[int]) -> dict[int, list[Certificate]]:
    """Every certificate of these trainees (revoked and expired ones too, with their status), in one query."""
    out: dict[int, list[Certificate]] = {uid: [] for uid in user_ids}
    if user_ids:
        for c in db.session.scalars(sa.select(Certificate).where(Certificate.user_id.in_(user_ids))
                                    .order_by(Certificate.issued_at, Certificate.id)):
            out[c.user_id].append(c)
    return out


def org_trainee(org: Organization, trainee_id: int) -> User | None:
    user = db.session.get(User, trainee_id)
    return user if user is not None and user.organization_id == org.id and user.role is Role.TRAINEE else None


def trainee_progress(org: Organization, trainee: User) -> dict:
    """Per cohort of the organization: overall percent, module states, supervision hours, what is left."""
    out = []
    for e in db.session.scalars(sa.select(Enrollment).join(Cohort, Cohort.id == Enrollment.cohort_id).where(
            Enrollment.user_id == trainee.id, Cohort.organization_id == org.id).order_by(Enrollment.id)):
        cohort = e.cohort
        plan = load_plan(cohort.course)
        records = load_records(cohort, [trainee.id])[trainee.id]
        reqs = engine.evaluate(records, plan)
        rules = plan.rules.get("supervision") or {}
        tally = engine.tally_supervision(records.supervision, rules)
        out.append({
            "cohort_id": cohort.id, "status": e.status.value, "overall_percent": engine.overall_percent(reqs),
            "eligible": engine.eligible(reqs),
            "weeks": [{"week": w, "state": s} for w, s in sorted(engine.module_states(reqs, plan, records).items())],
            "supervision": {"approved_hours": round(tally.total / 60, 2),
                            "individual_hours": round(tally.individual / 60, 2),
                            "group_hours": round(tally.group / 60, 2),
                            "required_hours": rules.get("total_hours", 0),
                            "categories": [{"key": c["key"], "label": c["label"],
                                            "hours": round(tally.by_category.get(c["key"], 0) / 60, 2),
                                            "required_hours": c.get("min_hours", 0)}
                                           for c in rules.get("categories", [])]},
            "at_risk": engine.at_risk(reqs),
            "missing": [r.missing for r in reqs if not r.met],
        })
    return {"trainee_id": trainee.id, "email": trainee.email, "name": trainee.name, "enrollments": out}
