"""Administration services without HTTP: each operation, each refusal, each audit entry."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.admin import services
from app.auth.services import authenticate
from app.errors import DomainError
from app.models import AuditEvent, CohortInstructor, Role, SeatChange, User
from tests import factories

NO_MAIL = services.Invitation(link_for=lambda raw: f"http://test/invitation/{raw}", hours=72, backend="outbox",
                              mail=False)


def last_event(db, action: str) -> AuditEvent:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id.desc())).first()


@pytest.fixture
def admin(db):
    return factories.make_user(Role.ADMIN, name="Ada Admin")


def test_creating_an_organization_records_its_opening_seats_and_an_audit_entry(db, admin):
    org = services.create_organization(name="  Riverside Clinic ", seats=12, actor=admin, ip="10.0.0.1")
    assert (org.name, org.slug, org.seat_limit) == ("Riverside Clinic", "riverside-clinic", 12)
    change = db.session.scalar(sa.select(SeatChange))
    assert (change.delta, change.seat_limit_after, change.actor_id) == (12, 12, admin.id)
    event = last_event(db, "organization.created")
    assert event.before is None
    assert event.after == {"name": "Riverside Clinic", "slug": "riverside-clinic", "seat_limit": 12,
                           "is_active": True}
    assert (event.actor_id, event.ip, event.object_id) == (admin.id, "10.0.0.1", str(org.id))


@pytest.mark.parametrize("name", ["riverside clinic", "RIVERSIDE CLINIC", "Riverside, Clinic!"])
def test_an_organization_that_exists_is_refused_whatever_the_case(db, admin, name):
    services.create_organization(name="Riverside Clinic", seats=0, actor=admin)
    with pytest.raises(services.AlreadyExists, match="An organization named “Riverside Clinic” already exists"):
        services.create_organization(name=name, seats=0, actor=admin)


def test_renaming_is_audited_and_cannot_take_another_organizations_name(db, admin):
    a = services.create_organization(name="Alpha", seats=0, actor=admin)
    services.create_organization(name="Beta", seats=0, actor=admin)
    with pytest.raises(services.AlreadyExists):
        services.update_organization(a, name="beta", actor=admin)
    services.update_organization(a, name="Alpha Health", actor=admin)
    event = last_event(db, "organization.updated")
    assert (event.before["name"], event.after["name"]) == ("Alpha", "Alpha Health")


def test_granting_and_removing_seats_keeps_a_history_with_reasons(db, admin):
    org = services.create_organization(name="Gamma", seats=5, actor=admin)
    services.change_seats(org, 10, reason="Spring contract", actor=admin)
    services.change_seats(org, -3, reason="Two staff left", actor=admin)
    assert org.seat_limit == 12
    history = db.session.scalars(sa.select(SeatChange).order_by(SeatChange.id)).all()
    assert [(c.delta, c.seat_limit_after, c.reason) for c in history] == [
        (5, 5, "Opening seats"), (10, 15, "Spring contract"), (-3, 12, "Two staff left")]
    removed = last_event(db, "organization.seats_removed")
    assert removed.before == {"seat_limit": 15}
    assert removed.after == {"seat_limit": 12, "reason": "Two staff left"}


def test_removing_more_seats_than_are_free_is_refused_saying_how_many_are_in_use(db, admin):
    org = services.create_organization(name="Delta", seats=4, actor=admin)
    course = factories.make_course()
    cohort = factories.make_cohort(course, org)
    for _ in range(3):
        factories.make_enrollment(cohort, factories.make_user(organization_id=org.id))
    with pytest.raises(services.SeatsInUse, match="Delta has 4 seats and 3 are in use, so at most 1 can be removed"):
        services.change_seats(org, -2, reason="Cut", actor=admin)
    services.change_seats(org, -1, reason="Cut", actor=admin)
    assert org.seat_limit == 3


def test_a_seat_change_needs_a_reason_and_a_number(db, admin):
    org = services.create_organization(name="Epsilon", seats=0, actor=admin)
    with pytest.raises(DomainError, match="Say why"):
        services.change_seats(org, 3, reason="  ", actor=admin)
    with pytest.raises(DomainError, match="greater than zero"):
        services.change_seats(org, 0, reason="x", actor=admin)


def test_deactivating_an_organization_ends_its_members_sessions_and_sign_in(db, admin):
    org = services.create_organization(name="Zeta", seats=1, actor=admin)
    member = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    version = member.session_version
    services.set_organization_active(org, False, actor=admin)
    db.session.refresh(member)
    assert member.session_version == version + 1
    assert authenticate(member.email, factories.PASSWORD) is None
    with pytest.raises(services.Refused, match="Reactivate it first"):
        services.change_seats(org, 1, reason="More", actor=admin)
    services.set_organization_active(org, True, actor=admin)
    assert authenticate(member.email, factories.PASSWORD) == member
    assert last_event(db, "organization.deactivated").after["is_active"] is False
    assert last_event(db, "organization.activated").before["is_active"] is False


def test_creating_a_person_refuses_an_email_that_exists_whatever_the_case(db, admin):
    user, link = services.create_person(name="Ivy Instructor", email=" Ivy@Example.org ", role=Role.INSTRUCTOR,
                                        organization=None, actor=admin, invitation=NO_MAIL)
    assert user.email == "ivy@example.org" and user.password_hash is None
    assert link.startswith("http://test/invitation/")
    assert last_event(db, "user.created").after["role"] == "instructor"
    with pytest.raises(services.AlreadyExists, match="ivy@example.org already exists"):
        services.create_person(name="Other", email="IVY@example.ORG", role=Role.SUPERVISOR, organization=None,
                               actor=admin, invitation=NO_MAIL)


def test_an_organization_admin_needs_an_organization(db, admin):
    with pytest.raises(DomainError, match="belongs to an organization"):
        services.create_person(name="O", email="o@example.org", role=Role.ORG_ADMIN, organization=None,
                               actor=admin, invitation=NO_MAIL)


def test_changing_a_role_is_audited_before_and_after(db, admin):
    org = factories.make_org()
    person = factories.make_user(Role.INSTRUCTOR)
    services.change_role(person, role=Role.ORG_ADMIN, organization=org, actor=admin)
    event = last_event(db, "user.role_changed")
    assert (event.before["role"], event.after["role"]) == ("instructor", "org_admin")
    assert (event.before["organization_id"], event.after["organization_id"]) == (None, org.id)


def test_you_cannot_deactivate_or_demote_yourself(db, admin):
    factories.make_user(Role.ADMIN)  # not the last admin, so only the self rule applies
    with pytest.raises(services.Refused, match="your own account"):
        services.set_user_active(admin, False, actor=admin)
    with pytest.raises(services.Refused, match="your own account"):
        services.change_role(admin, role=Role.INSTRUCTOR, organization=None, actor=admin)


def test_the_last_active_platform_admin_cannot_be_deactivated_or_demoted(db, admin):
    other = factories.make_user(Role.ADMIN, name="Otto Other")
    services.set_user_active(admin, False, actor=other)  # two admins: fine
    services.set_user_active(admin, True, actor=other)
    services.set_user_active(other, False, actor=admin)
    # `other` is deactivated; an admin acting through a script (no self rule) still cannot remove the last one
    with pytest.raises(services.Refused, match="last active platform admin"):
        services.set_user_active(admin, False, actor=other)
    with pytest.raises(services.Refused, match="last active platform admin"):
        services.change_role(admin, role=Role.SUPERVISOR, organization=None, actor=other)


def test_deactivation_ends_sessions_and_blocks_sign_in_until_reactivated(db, admin):
    person = factories.make_user(Role.SUPERVISOR)
    version = person.session_version
    services.set_user_active(person, False, actor=admin)
    assert person.session_version > version
    assert authenticate(person.email, factories.PASSWORD) is None
    with pytest.raises(services.Refused, match="already deactivated"):
        services.set_user_active(person, False, actor=admin)
    services.set_user_active(person, True, actor=admin)
    assert authenticate(person.email, factories.PASSWORD) == person
    assert last_event(db, "user.deactivated").before["is_active"] is True
    assert last_event(db, "user.activated").after["is_active"] is True


def test_resending_an_invitation_only_while_no_password_is_set(db, admin):
    pending, _ = services.create_person(name="Pat", email="pat@example.org", role=Role.SUPERVISOR,
                                        organization=None, actor=admin, invitation=NO_MAIL)
    assert services.resend_invitation(pending, actor=admin, invitation=NO_MAIL).startswith("http://test/")
    done = factories.make_user(Role.SUPERVISOR)
    with pytest.raises(services.Refused, match="already set a password"):
        services.resend_invitation(done, actor=admin, invitation=NO_MAIL)


def test_cohort_staff_has_one_lead_among_the_chosen_instructors(db, admin):
    a, b, c = (factories.make_user(Role.INSTRUCTOR) for _ in range(3))
    cohort = factories.make_cohort(factories.make_course(), instructors=(a,))
    services.set_cohort_staff(cohort, instructor_ids=[a.id, b.id, c.id], lead_id=b.id, actor=admin)
    services.set_cohort_staff(cohort, instructor_ids=[b.id, c.id], lead_id=c.id, actor=admin)
    rows = db.session.scalars(sa.select(CohortInstructor).where(CohortInstructor.cohort_id == cohort.id)).all()
    assert {(r.user_id, r.is_lead) for r in rows} == {(b.id, False), (c.id, True)}
    event = last_event(db, "cohort.staff_changed")
    assert event.before == {"instructor_ids": sorted([a.id, b.id, c.id]), "lead_id": b.id}
    assert event.after == {"instructor_ids": sorted([b.id, c.id]), "lead_id": c.id}
    with pytest.raises(DomainError, match="lead instructor from the instructors you ticked"):
        services.set_cohort_staff(cohort, instructor_ids=[b.id, c.id], lead_id=a.id, actor=admin)
    trainee = factories.make_user(Role.TRAINEE)
    with pytest.raises(DomainError, match="only active instructors"):
        services.set_cohort_staff(cohort, instructor_ids=[trainee.id], lead_id=None, actor=admin)


def test_the_database_allows_one_lead_per_cohort(db):
    a, b = factories.make_user(Role.INSTRUCTOR), factories.make_user(Role.INSTRUCTOR)
    cohort = factories.make_cohort(factories.make_course(), instructors=(a,))
    db.session.add(CohortInstructor(cohort_id=cohort.id, user_id=b.id, is_lead=True))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_audit_events_cannot_be_changed_or_deleted_through_the_orm(db, admin):
    event = factories.make_audit(actor_id=admin.id, after={"x": 1})
    db.session.commit()
    event.action = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "test"


def test_a_user_created_elsewhere_at_the_same_time_is_refused_readably(db, admin, monkeypatch):
    """The check passes (another request has not committed yet), the unique index still refuses."""
    factories.make_user(Role.SUPERVISOR, email="race@example.org")
    monkeypatch.setattr(services, "find_user_by_email", lambda email: None)
    with pytest.raises(services.AlreadyExists, match="race@example.org already exists"):
        services.create_person(name="Race", email="race@example.org", role=Role.SUPERVISOR, organization=None,
                               actor=admin, invitation=NO_MAIL)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2
