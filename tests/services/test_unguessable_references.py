"""Nothing to enumerate: new certificate serials and hours-statement references cannot be counted or
computed from a user id, and those issued before keep verifying."""

from __future__ import annotations

import hashlib
import re

from app.certificates.services import new_serial
from app.models import HoursStatement
from app.supervision import ledger as ledgers
from tests import factories
from tests.conftest import csrf_token

RANDOM_SERIAL = re.compile(r"TMC-2026-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def test_serials_are_random_and_unused(db):
    serials = {new_serial("TMC", 2026) for _ in range(200)}
    assert len(serials) == 200 and all(RANDOM_SERIAL.fullmatch(s) for s in serials)


def test_a_random_serial_and_an_earlier_counted_one_both_verify(app, db):
    trainee = factories.make_user()
    cohort = factories.make_cohort(factories.make_course(), factories.make_org())
    earlier = factories.make_certificate(trainee, cohort, serial="TMC-2026-000042")
    new = factories.make_certificate(factories.make_user(), cohort, serial=new_serial("TMC", 2026))
    db.session.commit()
    client = app.test_client()
    for cert in (earlier, new):
        for reference in (cert.serial, cert.serial.lower()):
            page = client.get(f"/verify/{reference}")
            assert page.status_code == 200 and "This certificate is valid" in page.get_data(as_text=True), reference
        typed = client.post("/verify", data={"token": f"  {cert.serial}  ", "csrf_token": csrf_token(client, "/verify")})
        assert "This certificate is valid" in typed.get_data(as_text=True), cert.serial


def test_a_statement_reference_is_keyed_not_derived_from_the_user_id(app, db):
    trainee = factories.make_user()
    db.session.commit()
    ledger = ledgers.ledger_for(trainee, None)
    first = ledgers.create_statement(ledger, secret="one key")
    again = ledgers.create_statement(ledger, secret="one key")
    other = ledgers.create_statement(ledger, secret="another key")
    db.session.commit()
    unkeyed = "HS-" + hashlib.sha256(str(trainee.id).encode()).hexdigest()[:16].upper()  # what it used to be
    assert first.reference == again.reference != other.reference
    assert unkeyed not in (first.reference, other.reference)
    assert re.fullmatch(r"HS-[0-9A-F]{16}", first.reference)
    # a statement issued before (an unkeyed reference) still verifies
    db.session.add(HoursStatement(reference=unkeyed, trainee_id=trainee.id, totals={"total": "0.00", "sessions": 0}))
    db.session.commit()
    assert app.test_client().get(f"/supervision/statements/{unkeyed}").status_code == 200
