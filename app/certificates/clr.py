"""The transcript as a signed, machine-readable record: a 1EdTech Comprehensive Learner Record 2.0
`ClrCredential`, signed as a VC-JWT the same way as the certificates (credential.sign).

It wraps AchievementCredentials: the certificate's own Open Badge, exactly as it was signed (when the
trainee holds one in good standing), and one credential per competency demonstrated (a rubric criterion
rated at the program's demonstrated level), aligned to the frameworks the program's files name. Its
`achievement` list names the program and each competency, and `association` says the program is the
parent of each competency. The record's signature covers every credential it wraps.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import jwt

from app.certificates import competencies, credential, keys
from app.certificates.competencies import Demonstrated
from app.certificates.keys import IssuerKey
from app.models import Certificate, Cohort, User

CLR_CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
CLR_TYPE = "ClrCredential"
#: the namespace of the stable ids of competency credentials (one per trainee, cohort and criterion)
_NAMESPACE = uuid.UUID("6f1d0d7e-2b8a-4c55-9a53-0d1c6b1e3c2a")


class NothingToRecord(Exception):
    """The trainee holds no certificate in good standing and has demonstrated no competency yet."""


def _program_achievement(cohort: Cohort, title: str, criteria: str, achievement_type: str,
                         base_url: str) -> dict[str, Any]:
    url = f"{base_url}/courses/{cohort.course.slug}"
    return {"id": f"{url}#v{cohort.course.version}", "type": ["Achievement"], "achievementType": achievement_type,
            "name": title, "description": (cohort.course.summary or "").strip() or title,
            "criteria": {"id": url, "narrative": criteria}}


def _competency_achievement(cohort: Cohort, d: Demonstrated, level_words: str, base_url: str) -> dict[str, Any]:
    url = f"{base_url}/courses/{cohort.course.slug}"
    achievement: dict[str, Any] = {
        "id": f"{url}#criterion-{d.key}", "type": ["Achievement"], "achievementType": "Competency",
        "name": d.title, "description": f"{d.title}, a criterion of the program's role-play rubric.",
        "criteria": {"narrative": f"Rated at {level_words} or higher on this criterion in a graded role-play, "
                                  "by an instructor calibrated on the program's anchored rubric."}}
    if d.aligns:
        achievement["alignment"] = [{
            "type": ["Alignment"], "targetName": a.name, "targetFramework": a.framework, "targetCode": a.code,
            "targetType": "ceasn:Competency",
            "targetUrl": a.framework_url or f"{url}#{a.framework_key}-{a.code}"} for a in d.aligns]
    return achievement


def build(*, user: User, cohort: Cohort, cert: Certificate | None, demonstrated: list[Demonstrated],
          level_words: str, texts: dict[str, str], issuer: dict[str, str], base_url: str,
          now: datetime) -> dict[str, Any]:
    """The unsigned ClrCredential. Raises NothingToRecord when it would wrap no credential."""
    record_id = str(uuid.uuid4())
    profile = credential.issuer_profile(issuer, base_url)
    identity = [credential.hashed_email(user.email, record_id)]
    members: list[dict[str, Any]] = []
    if cert is not None and cert.credential_jwt and cert.state_on(now.date()) == "active":
        members.append(credential.credential_of(jwt.decode(cert.credential_jwt, options={"verify_signature": False})))
    program = _program_achievement(cohort, texts["title"], texts["criteria"], texts["achievement_type"], base_url)
    achievements = [program]
    for d in demonstrated:
        achievement = _competency_achievement(cohort, d, level_words, base_url)
        achievements.append(achievement)
        member_id = uuid.uuid5(_NAMESPACE, f"{user.id}:{cohort.id}:{d.key}")
        members.append({
            "@context": credential.CONTEXTS, "id": f"urn:uuid:{member_id}",
            "type": ["VerifiableCredential", "AchievementCredential"], "name": d.title, "issuer": profile,
            "validFrom": credential.iso_date(d.on),
            "credentialSubject": {"type": ["AchievementSubject"], "name": user.name,
                                  "identifier": [credential.hashed_email(user.email, str(member_id))],
                                  "achievement": achievement},
        })
    if not members:
        raise NothingToRecord
    return {
        "@context": CLR_CONTEXTS,
        "id": f"urn:uuid:{record_id}",
        "type": ["VerifiableCredential", CLR_TYPE],
        "name": f"Learner record: {texts['title']}",
        "description": (f"{user.name}'s record in {cohort.course.title} (version {cohort.course.version}, "
                        f"{cohort.name}), as it stood on {now:%B %-d, %Y}."),
        "issuer": profile,
        "validFrom": credential.iso(now),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": identity,
            "achievement": achievements,
            "verifiableCredential": members,
            "association": [{"type": "Association", "associationType": "isParentOf", "sourceId": program["id"],
                             "targetId": a["id"]} for a in achievements[1:]],
        },
    }


def learner_record(user: User, cohort: Cohort, settings, *, now: datetime) -> str:
    """The trainee's signed learner record for this cohort, as things stand now (a compact JWT)."""
    from app.certificates import services

    key: IssuerKey = keys.current_key(settings.key_dir, create=settings.create_key)
    rules = cohort.course.rules or {}
    shown = competencies.standing(user.id, cohort)
    record = build(user=user, cohort=cohort, cert=services.standing_certificate(user.id, cohort),
                   demonstrated=shown.demonstrated, level_words=shown.level_words,
                   texts=services.certificate_texts(rules, cohort.course.title),
                   issuer={"did": key.did, "name": settings.name, "description": services.ISSUER_DESCRIPTION},
                   base_url=settings.base_url, now=now)
    return credential.sign(record, key)


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """What a verifier is shown of a learner record: who it is for, what it holds; nothing private."""
    subject = record.get("credentialSubject") if isinstance(record.get("credentialSubject"), dict) else {}
    members = subject.get("verifiableCredential") if isinstance(subject.get("verifiableCredential"), list) else []
    names = []
    holder = ""
    for m in members:
        if isinstance(m, dict):
            names.append(str(m.get("name", "")))
            sub = m.get("credentialSubject") if isinstance(m.get("credentialSubject"), dict) else {}
            holder = holder or str(sub.get("name", ""))
    return {"name": str(record.get("name", "")), "description": str(record.get("description", "")),
            "holder": holder, "issued": str(record.get("validFrom", ""))[:10], "credentials": names}
