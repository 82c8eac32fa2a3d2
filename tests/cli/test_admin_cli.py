"""`flask users create` and `flask orgs create`: first set-up from a shell, with clear errors."""

from __future__ import annotations

import sqlalchemy as sa

from app.models import AuditEvent, Organization, OutboxMessage, Role, SeatChange, User


def test_orgs_create_makes_an_organization_with_its_seats(runner, db):
    result = runner.invoke(args=["orgs", "create", "--name", "Lakeside Services", "--seats", "25"])
    assert result.exit_code == 0, result.output
    assert "Created Lakeside Services (short name lakeside-services) with 25 seats." in result.output
    org = db.session.scalar(sa.select(Organization))
    assert org.seat_limit == 25
    assert db.session.scalar(sa.select(SeatChange)).delta == 25
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organization.created"))
    assert event.actor_id is None and event.after["seat_limit"] == 25


def test_orgs_create_refuses_a_duplicate_and_bad_seats(runner, db):
    runner.invoke(args=["orgs", "create", "--name", "Lakeside", "--seats", "1"])
    again = runner.invoke(args=["orgs", "create", "--name", "LAKESIDE"])
    assert again.exit_code == 1
    assert "An organization named “Lakeside” already exists." in again.output
    negative = runner.invoke(args=["orgs", "create", "--name", "Other", "--seats", "-3"])
    assert negative.exit_code == 2 and "-3" in negative.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 1


def test_users_create_prints_a_set_password_link_for_a_first_admin(runner, db, app):
    result = runner.invoke(args=["users", "create", "--role", "admin", "--email", "Root@Example.org",
                                 "--name", "Rita Root", "--base-url", "https://mentoring.example"])
    assert result.exit_code == 0, result.output
    assert "Created Platform admin Rita Root <root@example.org>." in result.output
    assert "https://mentoring.example/invitation/" in result.output
    user = db.session.scalar(sa.select(User))
    assert user.role is Role.ADMIN and user.password_hash is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0  # printed, not mailed
    token = result.output.rsplit("/invitation/", 1)[1].strip()
    assert app.test_client().get(f"/invitation/{token}").status_code == 200


def test_users_create_can_mail_the_link_to_an_organization_admin(runner, db):
    runner.invoke(args=["orgs", "create", "--name", "Lakeside", "--seats", "1"])
    result = runner.invoke(args=["users", "create", "--role", "org_admin", "--email", "o@lakeside.example",
                                 "--name", "Otto", "--org", "lakeside", "--mail"])
    assert result.exit_code == 0, result.output
    assert "Invitation emailed to o@lakeside.example." in result.output
    mail = db.session.scalar(sa.select(OutboxMessage))
    assert mail.to_address == "o@lakeside.example" and "/invitation/" in mail.body


def test_users_create_errors_are_clear_and_exit_non_zero(runner, db):
    runner.invoke(args=["users", "create", "--role", "admin", "--email", "a@example.org", "--name", "A"])
    duplicate = runner.invoke(args=["users", "create", "--role", "instructor", "--email", "A@EXAMPLE.ORG",
                                    "--name", "B"])
    assert duplicate.exit_code == 1
    assert "An account with the email a@example.org already exists (A, Platform admin)." in duplicate.output
    no_org = runner.invoke(args=["users", "create", "--role", "org_admin", "--email", "x@example.org",
                                 "--name", "X", "--org", "nowhere"])
    assert no_org.exit_code == 1 and "No organization with the short name 'nowhere'" in no_org.output
    needs_org = runner.invoke(args=["users", "create", "--role", "trainee", "--email", "t@example.org",
                                    "--name", "T"])
    assert needs_org.exit_code == 1 and "A trainee belongs to an organization: choose one." in needs_org.output
    bad_role = runner.invoke(args=["users", "create", "--role", "wizard", "--email", "w@example.org", "--name", "W"])
    assert bad_role.exit_code == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
