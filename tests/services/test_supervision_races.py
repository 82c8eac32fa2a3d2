"""Sign-offs under concurrency: two decisions released together by real threads, as two requests would be.

On PostgreSQL both run; on SQLite the loser may be told the database is locked. Either way exactly one
decision stands, one audit entry and one signature record it, and the hours count once.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db as _db
from app.models import AuditEvent, SessionStatus, SupervisionSession, User
from app.supervision import services
from tests import factories
from tests.conftest import race

ROUNDS = 3


def _decide(session_id: int, supervisor_id: int, how: str):
    def prepare():
        s, sup = _db.session.get(SupervisionSession, session_id), _db.session.get(User, supervisor_id)
        if how == "approve":
            return lambda: services.approve_session(s, sup, password=factories.PASSWORD)
        return lambda: services.return_session(s, sup, reason="Please add the case code.")
    return prepare


def _audits(session_id: int) -> list[str]:
    return list(_db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "SupervisionSession", AuditEvent.object_id == str(session_id))))


@pytest.mark.parametrize("pair", [("approve", "return"), ("approve", "approve")])
def test_two_decisions_at_once_leave_exactly_one(supervised, app, db, pair):
    s = supervised
    for n in range(ROUNDS):
        session = factories.make_supervision(s["trainee"], s["supervisor"], start_time=time(8, n))
        db.session.commit()
        sid, sup_id = session.id, s["supervisor"].id
        outcomes = race(app, [_decide(sid, sup_id, how) for how in pair])
        assert outcomes.count("ok") == 1, outcomes
        loser = next(o for o in outcomes if o != "ok")
        assert loser == "locked" or "by another request; nothing was changed" in loser
        db.session.expire_all()
        row = db.session.get(SupervisionSession, sid)
        decided = _audits(sid)
        assert len(decided) == 1 and decided[0] == f"supervision.{row.status.value}"
        if row.status is SessionStatus.APPROVED:
            assert row.signature_hash and row.return_reason is None
        else:
            assert row.status is SessionStatus.RETURNED and row.signature_hash is None


def test_confirm_and_decline_of_a_group_row_at_once(supervised, app, db):
    s = supervised
    other = factories.make_user(factories.Role.TRAINEE, organization_id=s["org"].id)
    factories.make_enrollment(s["cohort"], other)
    factories.make_assignment(other, s["supervisor"])
    db.session.commit()
    group = services.GroupInput(attendee_ids=[s["trainee"].id, other.id], session_date=date.today() - timedelta(days=1),
                                start_time=time(15, 0), duration_minutes=90,
                                delivery_mode=factories.DeliveryMode.IN_PERSON)
    rows = services.create_group_session(s["supervisor"], group, password=factories.PASSWORD)
    db.session.commit()
    mine = next(r for r in rows if r.trainee_id == s["trainee"].id)
    rid, uid = mine.id, s["trainee"].id

    def act(how):
        def prepare():
            r, u = _db.session.get(SupervisionSession, rid), _db.session.get(User, uid)
            if how == "confirm":
                return lambda: services.confirm_group_session(r, u)
            return lambda: services.decline_group_session(r, u, reason="I was not there.")
        return prepare

    outcomes = race(app, [act("confirm"), act("decline")])
    assert outcomes.count("ok") == 1, outcomes
    db.session.expire_all()
    decisions = [a for a in _audits(rid) if a in ("supervision.group_confirmed", "supervision.group_declined")]
    assert len(decisions) == 1


def test_two_amendments_of_one_session_at_once(supervised, app, db):
    s = supervised
    original = factories.make_supervision(s["trainee"], s["supervisor"], status=SessionStatus.APPROVED)
    db.session.commit()
    oid, tid, sup_id = original.id, s["trainee"].id, s["supervisor"].id

    def amend(minutes: int):
        def prepare():
            o, t = _db.session.get(SupervisionSession, oid), _db.session.get(User, tid)
            data = services.SessionInput(
                supervisor_id=sup_id, session_date=o.session_date, start_time=o.start_time, duration_minutes=minutes,
                supervision_type=o.supervision_type, delivery_mode=o.delivery_mode, summary="Corrected length.",
                attested=True)
            return lambda: services.amend_session(o, t, data, submit=True)
        return prepare

    outcomes = race(app, [amend(75), amend(80)])
    assert outcomes.count("ok") == 1, outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionSession)
                             .where(SupervisionSession.amends_id == oid)) == 1
