"""An erased holder's credential still verifies with an independent implementation (openbadgeslib's
OB3Verifier: signature, issuer binding, validity window and the status bit fetched over HTTP)."""

from __future__ import annotations

from app.models import Certificate, Role
from app.privacy import erasure, registry
from tests import factories
from tests.interop.test_open_badges import issue, served, verify_with_status  # noqa: F401  (served: a fixture)


def test_an_erased_holder_s_credential_still_verifies_independently(served, nearly_complete, app, db):  # noqa: F811
    cert = issue(nearly_complete, app, db)
    token = cert.credential_jwt
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    erasure.erase(nearly_complete["trainee"], actor=admin, confirmation=nearly_complete["trainee"].email)
    db.session.commit()
    db.session.expire_all()

    cert = db.session.get(Certificate, cert.id)
    assert cert.credential_jwt == token and cert.snapshot["holder"] == registry.WITHHELD_NAME
    badge = verify_with_status(cert)  # not revoked, not suspended: the status list still says so
    assert badge.raw["credentialSubject"]["name"] == "Cora Complete"  # as issued, inside the signature
