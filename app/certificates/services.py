"""Issuing certificates when the engine says yes, and revoking, suspending and reinstating them.

`issue_due(users)` runs right after every event that can meet a requirement (a quiz
passed, a session approved, a sign-off...) has committed, in a transaction of its own
(`triggers.issue_after`), and hourly for everyone (the sweep). One standing certificate
per trainee and course version is a database constraint, so two triggers at once still
make one certificate.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError

from app import audit, notices
from app.certificates import competencies, credential, keys
from app.db import utcnow
from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.errors import DomainError
from app.extensions import db
from app.mailer import queue_mail
from app.models import (
    Certificate,
    CertificateStatus,
    Cohort,
    ConductSignature,
    Enrollment,
    FinalSignoff,
    Role,
    RubricCriterion,
    User,
)
from app.models.curriculum import Rubric
from app.models.orgs import CURRENT_STATUSES


class CertificateRefused(DomainError):
    pass


@dataclass(frozen=True)
class IssuerSettings:
    """What issuance needs from configuration, passed explicitly (services read no Flask globals)."""

    key_dir: str
    create_key: bool
    name: str
    base_url: str
    mail_backend: str

    @classmethod
    def from_config(cls, config) -> IssuerSettings:
        return cls(config["ISSUER_KEY_DIR"], config["ISSUER_KEY_AUTOCREATE"], config["ISSUER_NAME"],
                   config["PUBLIC_BASE_URL"].rstrip("/"), config["MAIL_BACKEND"])


DEFAULT_ACHIEVEMENT_TYPE = "CertificateOfCompletion"
ISSUER_DESCRIPTION = ("Trains therapeutic mentors, peer support workers and community health workers, and "
                      "certifies those who complete a program's coursework, assessments and supervised practice.")


def certificate_texts(rules: dict, course_title: str) -> dict[str, str]:
    """What a certificate says about the course, from the course files' [certificate] table (title,
    criteria, achievement_type)."""
    cert = rules.get("certificate", {}) or {}
    return {"title": cert.get("title") or course_title,
            "criteria": cert.get("criteria") or f"Met every requirement of {course_title}.",
            "achievement_type": cert.get("achievement_type") or DEFAULT_ACHIEVEMENT_TYPE}


def expiry_date(issued_at: datetime, valid_years: int) -> date:
    """The last day of validity: the same calendar day `valid_years` later, counted from the UTC date of
    issue (29 February becomes 28 February in a common year)."""
    if issued_at.tzinfo is not None:
        issued_at = issued_at.astimezone(UTC)
    return issued_at.date() + relativedelta(years=valid_years)


def requirements_for(user: User, cohort: Cohort) -> list[engine.Requirement]:
    plan = load_plan(cohort.course)
    return engine.evaluate(load_records(cohort, [user.id])[user.id], plan)


def standing_certificate(user_id: int, cohort: Cohort) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.active_key == _active_key(user_id, cohort)))


def _active_key(user_id: int, cohort: Cohort) -> str:
    return f"{user_id}:{cohort.course_id}:{cohort.course.version}"


def _snapshot(user: User, cohort: Cohort, records: engine.TraineeRecords, plan: engine.CoursePlan,
              issued: datetime, valid_until: date) -> dict:
    rules = plan.rules
    tally = engine.tally_supervision(records.supervision, rules.get("supervision", {}))
    criteria = db.session.scalars(
        sa.select(RubricCriterion.title).join(Rubric).where(Rubric.course_id == cohort.course_id,
                                                            RubricCriterion.archived_at.is_(None),
                                                            Rubric.archived_at.is_(None))
        .order_by(RubricCriterion.position)).all()
    end = cohort.start_date + timedelta(weeks=len(plan.weeks)) - timedelta(days=1)
    contact = rules.get("contact_hours", {})
    return {
        "holder": user.name,
        "course": cohort.course.title, "course_version": cohort.course.version,
        "credential_title": certificate_texts(rules, cohort.course.title)["title"],
        "disclaimer": (rules.get("certificate") or {}).get("disclaimer", ""),
        "hours": {"lecture": contact.get("lecture", 0), "role_play": contact.get("role_play", 0),
                  "discussion": contact.get("discussion", 0),
                  "supervision_total": round(tally.total / 60, 2),
                  "supervision_individual": round(tally.individual / 60, 2),
                  "supervision_group": round(tally.group / 60, 2),
                  "supervision_observation": round(tally.observation / 60, 2)},
        # the program's own hour categories, as counted on the day of issue
        "hour_categories": [{"label": c["label"], "hours": round(tally.by_category.get(c["key"], 0) / 60, 2)}
                            for c in (rules.get("supervision") or {}).get("categories", [])],
        "competencies": list(criteria),
        # the framework competencies the rubric assesses, in the framework's own words, as they stood
        "alignments": [{"framework_key": c.framework_key, "framework": c.framework, "url": c.framework_url,
                        "code": c.code, "name": c.name} for c in competencies.assessed(rules)],
        "cohort": cohort.name, "cohort_start": cohort.start_date.isoformat(), "cohort_end": end.isoformat(),
        "issued": issued.date().isoformat(), "valid_until": valid_until.isoformat(),
        "signatories": rules.get("certificate", {}).get("signatories", []),
    }


#: Crockford's base32: digits and capitals without I, L, O and U, which read as other characters
SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_serial(prefix: str, year: int) -> str:
    """`PREFIX-YEAR-XXXX-XXXX`, 40 random bits: serials cannot be listed from the verify page by counting.
    (Those issued before were `PREFIX-YEAR-NNNNNN` from the row id; they keep their serial and verify.)"""
    for _ in range(20):  # a collision in 2**40 is already unlikely; twenty in a row means something else is wrong
        code = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(8))
        serial = f"{prefix}-{year}-{code[:4]}-{code[4:]}"
        if db.session.scalar(sa.select(Certificate.id).where(Certificate.serial == serial)) is None:
            return serial
    raise RuntimeError("no unused certificate serial found in 20 tries")


def _issue(user: User, cohort: Cohort, records: engine.TraineeRecords, plan: engine.CoursePlan,
           settings: IssuerSettings, now: datetime) -> Certificate | None:
    rules = plan.rules.get("certificate", {})
    valid_until = expiry_date(now, int(rules.get("valid_years", 2)))
    cert = Certificate(uuid=str(uuid.uuid4()), serial=new_serial(rules.get("serial_prefix", "CERT"), now.year),
                       user_id=user.id, cohort_id=cohort.id, course_id=cohort.course_id,
                       course_version=cohort.course.version, active_key=_active_key(user.id, cohort),
                       issued_at=now, valid_until=valid_until,
                       snapshot=_snapshot(user, cohort, records, plan, now, valid_until))
    try:
        with db.session.begin_nested():
            db.session.add(cert)
            db.session.flush()
    except IntegrityError:
        return None  # another trigger issued it a moment ago
    key = keys.current_key(settings.key_dir, create=settings.create_key)
    cert.credential_jwt = credential.sign(credential_for(cert, key, settings), key)
    cert.key_id = key.kid
    db.session.flush()
    audit.record("certificate.issued", cert, after={"serial": cert.serial, "user_id": user.id,
                                                    "course_version": cert.course_version})
    _notify_issued(cert, user, settings)
    return cert


def status_list_url(base_url: str, key: keys.IssuerKey) -> str:
    """Each signing key publishes the lists under its own address, signed by itself, so a verifier that
    binds the list's issuer to the credential's finds them equal even after a key rotation."""
    return f"{base_url}/credentials/status/{credential.CREDENTIAL_STATUS_PURPOSE}/{key.number}"


def credential_for(cert: Certificate, key: keys.IssuerKey, settings: IssuerSettings) -> dict:
    """The unsigned Open Badge for a certificate, from what was recorded when it was issued."""
    snap = cert.snapshot
    course = cert.course
    texts = certificate_texts(course.rules or {}, course.title)
    return credential.build_credential(
        cert_uuid=cert.uuid, serial=cert.serial, status_index=cert.status_index,
        status_list_url=status_list_url(settings.base_url, key), holder_name=snap["holder"],
        holder_email=cert.user.email, issued_at=cert.issued_at, valid_until=credential.end_of_day(cert.valid_until),
        course={"slug": course.slug, "version": cert.course_version, "title": snap["credential_title"],
                "description": (course.summary or "").strip() or snap["course"],
                "criteria": texts["criteria"], "achievement_type": texts["achievement_type"],
                "competencies": snap.get("competencies", []), "alignments": snap.get("alignments", []),
                "contact_hours": sum(v for k, v in snap["hours"].items() if k in ("lecture", "role_play", "discussion"))},
        issuer={"did": key.did, "name": settings.name, "description": ISSUER_DESCRIPTION}, base_url=settings.base_url)


def reissue_legacy(settings: IssuerSettings) -> list[Certificate]:
    """Re-sign, with the current key and in today's shape, every credential issued in the earlier shape
    (the `vc` claim). Same certificate, serial, dates and status; the old token stays verifiable."""
    key = keys.current_key(settings.key_dir, create=settings.create_key)
    done = []
    for cert in db.session.scalars(sa.select(Certificate).where(Certificate.credential_jwt.is_not(None))
                                   .order_by(Certificate.id)):
        if not credential.is_legacy(cert.credential_jwt) or cert.user.erased_at is not None:
            continue  # an erased holder's credential stays as issued: their name and email are gone
        before = {"key_id": cert.key_id}
        cert.credential_jwt = credential.sign(credential_for(cert, key, settings), key)
        cert.key_id = key.kid
        audit.record("certificate.reissued", cert, before=before, after={"key_id": key.kid})
        done.append(cert)
    db.session.flush()
    return done


def _notify_issued(cert: Certificate, user: User, settings: IssuerSettings) -> None:
    url = f"{settings.base_url}/verify/{cert.serial}"
    notices.notify(user, kind="certificate.issued", obj=str(cert.id), subject="Your certificate is ready",
                   message=f"congratulations: you completed {cert.snapshot['course']}. Your certificate "
                           f"{cert.serial} is ready, and anyone can verify it at {url}",
                   endpoint="certificates.show", values={"cert_uuid": cert.uuid})
    if user.organization_id:
        for admin in db.session.scalars(sa.select(User).where(
                User.role == Role.ORG_ADMIN, User.organization_id == user.organization_id, User.is_active.is_(True))):
            queue_mail(to=admin.email, subject=f"{user.name} earned their certificate",
                       body=f"{user.name} completed {cert.snapshot['course']}. Certificate {cert.serial}: {url}\n",
                       backend=settings.mail_backend)


def issue_due(user_ids: list[int], settings: IssuerSettings, *, now: datetime | None = None) -> list[Certificate]:
    """Issue every certificate that the engine says is due for these trainees (idempotent)."""
    now = now or utcnow()
    enrollments = db.session.execute(
        sa.select(Enrollment.user_id, Enrollment.cohort_id)
        .where(Enrollment.user_id.in_(user_ids), Enrollment.status.in_(CURRENT_STATUSES))).all()
    by_cohort: dict[int, list[int]] = {}
    for uid, cid in enrollments:
        by_cohort.setdefault(cid, []).append(uid)
    issued = []
    for cid, uids in by_cohort.items():
        cohort = db.session.get(Cohort, cid)
        plan = load_plan(cohort.course)
        records = load_records(cohort, uids)
        standing = set(db.session.scalars(sa.select(Certificate.user_id).where(
            Certificate.active_key.in_([_active_key(u, cohort) for u in uids]))))
        for uid in uids:
            if uid in standing or not engine.eligible(engine.evaluate(records[uid], plan)):
                continue
            cert = _issue(db.session.get(User, uid), cohort, records[uid], plan, settings, now)
            if cert is not None:
                issued.append(cert)
    return issued


def sweep(settings: IssuerSettings) -> list[Certificate]:
    """Everything missed: every current trainee of every cohort."""
    user_ids = list(db.session.scalars(sa.select(Enrollment.user_id).distinct().where(
        Enrollment.status.in_(CURRENT_STATUSES))))
    return issue_due(user_ids, settings) if user_ids else []


def sign_conduct(user: User, cohort: Cohort) -> None:
    exists = db.session.scalar(sa.select(ConductSignature.id).where(
        ConductSignature.user_id == user.id, ConductSignature.course_id == cohort.course_id))
    if exists is None:
        db.session.add(ConductSignature(user_id=user.id, course_id=cohort.course_id))
        audit.record("conduct.signed", user, actor=user, after={"course_id": cohort.course_id})
        db.session.flush()


def final_signoff(user: User, cohort: Cohort, actor: User) -> None:
    if not engine.ready_for_signoff(requirements_for(user, cohort)):
        raise CertificateRefused(f"{user.name} has requirements left; sign-off comes after everything else.")
    exists = db.session.scalar(sa.select(FinalSignoff.id).where(
        FinalSignoff.user_id == user.id, FinalSignoff.cohort_id == cohort.id))
    if exists:
        raise CertificateRefused("This trainee has already been signed off.")
    db.session.add(FinalSignoff(user_id=user.id, cohort_id=cohort.id, signed_by_id=actor.id))
    audit.record("certificate.final_signoff", user, actor=actor, after={"cohort_id": cohort.id})
    db.session.flush()


def change_status(cert: Certificate, new: CertificateStatus, *, actor: User, reason: str,
                  settings: IssuerSettings, now: datetime | None = None, ip: str | None = None) -> None:
    """Revoke, suspend or reinstate, with a written reason; the holder is told."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateRefused("Write the reason; it is kept in the record and sent to the holder.")
    if cert.status is CertificateStatus.REVOKED:
        raise CertificateRefused("This certificate is already revoked; revocation is final.")
    if cert.status is new:
        raise CertificateRefused(f"This certificate is already {new.value}.")
    if new is CertificateStatus.ACTIVE and cert.status is not CertificateStatus.SUSPENDED:
        raise CertificateRefused("Only a suspended certificate can be reinstated.")
    before = {"status": cert.status.value}
    cert.status, cert.status_reason, cert.status_changed_at = new, reason[:2000], now or utcnow()
    if new is CertificateStatus.REVOKED:
        cert.active_key = None  # a new certificate may be earned again
    verb = {"revoked": "revoked", "suspended": "suspended", "active": "reinstated"}[new.value]
    audit.record(f"certificate.{verb}", cert, actor=actor, ip=ip, before=before,
                 after={"status": new.value, "reason": cert.status_reason})
    queue_mail(to=cert.user.email, subject=f"Your certificate {cert.serial} was {verb}",
               body=(f"Hello {cert.user.first_name},\n\nYour certificate {cert.serial} was {verb} on "
                     f"{cert.status_changed_at:%B %d, %Y}.\nReason: {cert.status_reason}\n\nIf you believe this is a "
                     "mistake, reply to this email to appeal.\n"), backend=settings.mail_backend)
    db.session.flush()


def status_indexes(purpose: str) -> list[int]:
    """Set bits: "revocation" lists revoked certificates (final); "suspension" lists every certificate not in
    good standing now (suspended, or revoked: a revoked one is never reinstated, so its bit stays set)."""
    statuses = ([CertificateStatus.REVOKED] if purpose == "revocation"
                else [CertificateStatus.SUSPENDED, CertificateStatus.REVOKED])
    return list(db.session.scalars(sa.select(Certificate.id).where(Certificate.status.in_(statuses))))


def find(reference: str) -> Certificate | None:
    reference = (reference or "").strip()
    if not reference or len(reference) > 64:
        return None
    return db.session.scalar(sa.select(Certificate).where(
        sa.or_(Certificate.serial == reference.upper(), Certificate.uuid == reference.lower())))
