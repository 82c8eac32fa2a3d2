"""Issuance when the engine says yes, exactly once; revocation; the signed credential and status list."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
import sqlalchemy as sa

from app.certificates import credential, keys, services
from app.eligibility import engine
from app.models import AuditEvent, Certificate, CertificateStatus, OutboxMessage, QuizAttempt, Role
from tests import factories
from tests.conftest import issuer_settings


def keys_of(reqs):
    return {r.key: r for r in reqs}


def test_the_engine_lists_every_requirement_and_waits_for_the_last(nearly_complete, app, db):
    nc = nearly_complete
    reqs = services.requirements_for(nc["trainee"], nc["cohort"])
    unmet = [r.key for r in reqs if not r.met]
    assert unmet == ["code-of-conduct", "final-signoff"]
    # weekly lecture and quiz; 2 role-plays; attendance (2); 10 of 12 discussions; hours (4); conduct, sign-off
    assert len(reqs) == 12 * 2 + 2 + 2 + 1 + 4 + 2
    assert not engine.ready_for_signoff(reqs)
    assert services.issue_due([nc["trainee"].id], issuer_settings(app)) == []
    services.sign_conduct(nc["trainee"], nc["cohort"])
    reqs = services.requirements_for(nc["trainee"], nc["cohort"])
    assert engine.ready_for_signoff(reqs) and not engine.eligible(reqs)
    assert keys_of(reqs)["final-signoff"].missing == "Everything else is complete: your program director signs off next."
    assert services.issue_due([nc["trainee"].id], issuer_settings(app)) == []


def test_sign_off_is_refused_while_anything_else_is_unmet(nearly_complete, db):
    nc = nearly_complete
    with pytest.raises(services.CertificateRefused, match="requirements left"):
        services.final_signoff(nc["trainee"], nc["cohort"], nc["lead"])


def _complete(nc, app, db):
    services.sign_conduct(nc["trainee"], nc["cohort"])
    services.final_signoff(nc["trainee"], nc["cohort"], nc["lead"])
    issued = services.issue_due([nc["trainee"].id], issuer_settings(app))
    db.session.commit()
    return issued


def test_issued_the_moment_the_last_requirement_is_met_and_only_once(nearly_complete, app, db):
    nc = nearly_complete
    (cert,) = _complete(nc, app, db)
    assert re.fullmatch(r"TMC-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", cert.serial)  # random, not counted
    assert str(uuid.UUID(cert.uuid)) == cert.uuid
    assert cert.valid_until.year == cert.issued_at.year + 2
    snap = cert.snapshot
    assert snap["hours"]["supervision_total"] == 12.75 and snap["hours"]["supervision_observation"] == 0.75
    assert snap["hours"]["lecture"] == 14 and len(snap["competencies"]) == 7
    assert services.issue_due([nc["trainee"].id], issuer_settings(app)) == []
    assert services.sweep(issuer_settings(app)) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1
    to = {m.to_address for m in db.session.scalars(sa.select(OutboxMessage))}
    assert {nc["trainee"].email, nc["org_admin"].email} <= to
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "certificate.issued"))


def test_a_lost_requirement_before_issuance_blocks_it(nearly_complete, app, db):
    nc = nearly_complete
    services.sign_conduct(nc["trainee"], nc["cohort"])
    services.final_signoff(nc["trainee"], nc["cohort"], nc["lead"])
    # a quiz result disappears (e.g. voided) before the sweep runs: nothing is issued
    db.session.execute(sa.update(QuizAttempt).where(QuizAttempt.user_id == nc["trainee"].id)
                       .values(score_percent=50, passed=False))
    assert services.issue_due([nc["trainee"].id], issuer_settings(app)) == []


def test_concurrent_triggers_make_exactly_one_certificate(nearly_complete, app, db):
    nc = nearly_complete
    services.sign_conduct(nc["trainee"], nc["cohort"])
    services.final_signoff(nc["trainee"], nc["cohort"], nc["lead"])
    db.session.commit()
    uid = nc["trainee"].id
    barrier = threading.Barrier(4)
    outcomes = []

    def trigger():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                issued = services.issue_due([uid], issuer_settings(app))
                db.session.commit()
                outcomes.append(len(issued))
            except sa.exc.OperationalError:  # SQLite may say "database is locked" to a loser
                db.session.rollback()
                outcomes.append(0)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=trigger) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(outcomes) == 1 and len(outcomes) == 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_the_credential_is_a_signed_open_badge_that_verifies_offline(nearly_complete, app, db):
    nc = nearly_complete
    (cert,) = _complete(nc, app, db)
    trusted = keys.known_dids(app.config["ISSUER_KEY_DIR"])
    result = credential.verify_jwt(cert.credential_jwt, trusted=trusted)
    assert result.ok, result.message
    vc = result.credential
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["credentialSubject"]["achievement"]["achievementType"] == "CertificateOfCompletion"
    assert vc["issuer"]["id"].startswith("did:key:z6Mk")  # an Ed25519 did:key
    assert vc["credentialSubject"]["identifier"][0]["identityHash"].startswith("sha256$")
    assert nc["trainee"].email not in cert.credential_jwt
    entry = vc["credentialStatus"]  # one object, as 1EdTech's schema wants
    assert entry["type"] == "BitstringStatusListEntry" and entry["statusListIndex"] == str(cert.id)
    assert entry["statusPurpose"] == "suspension"
    head, body, sig = cert.credential_jwt.split(".")
    forged = f"{head}.{body[:-4]}AAAA.{sig}"
    assert not credential.verify_jwt(forged).ok
    # a well-formed credential signed by someone else's key is not ours
    impostor = keys.IssuerKey(99, keys.Ed25519PrivateKey.generate())
    fake = credential.sign({**vc, "issuer": {**vc["issuer"], "id": impostor.did}}, impostor)
    assert credential.verify_jwt(fake).ok  # internally consistent...
    assert credential.verify_jwt(fake, trusted=trusted).message == "This credential was not issued by this platform."


def test_revocation_sets_the_status_bit_and_needs_a_reason_once(nearly_complete, app, db):
    nc = nearly_complete
    (cert,) = _complete(nc, app, db)
    admin = factories.make_user(Role.ADMIN)
    settings = issuer_settings(app)
    key = keys.current_key(settings.key_dir, create=True)

    def bit(purpose):
        token = credential.status_list_credential(purpose, services.status_indexes(purpose), key,
                                                  url=f"{settings.base_url}/credentials/status/{purpose}",
                                                  now=cert.issued_at)
        listed = credential.verify_jwt(token, expect_type="BitstringStatusListCredential").credential
        return credential.bit_is_set(listed["credentialSubject"]["encodedList"], cert.status_index)

    assert not bit("revocation")
    with pytest.raises(services.CertificateRefused, match="Write the reason"):
        services.change_status(cert, CertificateStatus.REVOKED, actor=admin, reason=" ", settings=settings)
    services.change_status(cert, CertificateStatus.SUSPENDED, actor=admin, reason="Investigating hours.",
                           settings=settings)
    assert bit("suspension") and not bit("revocation")
    services.change_status(cert, CertificateStatus.REVOKED, actor=admin, reason="Falsified hours.",
                           settings=settings)
    db.session.commit()
    assert bit("revocation") and bit("suspension")  # the credential's one entry refuses it from now on
    with pytest.raises(services.CertificateRefused, match="already revoked"):
        services.change_status(cert, CertificateStatus.REVOKED, actor=admin, reason="Again", settings=settings)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.before == {"status": "suspended"} and event.after["reason"] == "Falsified hours."
    assert cert.active_key is None  # a new certificate may be earned later


def test_key_rotation_keeps_earlier_credentials_valid(nearly_complete, app, db, tmp_path):
    nc = nearly_complete
    (cert,) = _complete(nc, app, db)
    old_kid = cert.key_id
    new = keys.rotate(app.config["ISSUER_KEY_DIR"])
    assert new.kid != old_kid
    assert credential.verify_jwt(cert.credential_jwt, trusted=keys.known_dids(app.config["ISSUER_KEY_DIR"])).ok
    assert keys.current_key(app.config["ISSUER_KEY_DIR"], create=False).kid == new.kid


def test_bitstring_encoding_follows_the_spec():
    encoded = credential.encode_status_list([0, 7, 131071])
    assert encoded.startswith("u")
    assert credential.bit_is_set(encoded, 0) and credential.bit_is_set(encoded, 7)
    assert credential.bit_is_set(encoded, 131071) and not credential.bit_is_set(encoded, 1)
