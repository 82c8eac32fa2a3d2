"""`flask users create` and `flask orgs create`: first set-up and scripts, over the admin services."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app, url_for
from flask.cli import AppGroup

from app.admin import services
from app.errors import DomainError
from app.extensions import db
from app.models import Organization, Role

users_cli = AppGroup("users", help="Create accounts.")
orgs_cli = AppGroup("orgs", help="Create partner organizations.")


def _link_for(base_url: str):
    def link_for(raw: str) -> str:
        with current_app.test_request_context(base_url=base_url):
            return url_for("auth.accept_invitation", token=raw, _external=True)

    return link_for


def _commit_or_fail(action):
    try:
        result = action()
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    return result


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--org", "org_slug", help="The organization's short name (needed for org_admin and trainee).")
@click.option("--mail/--print", "mail", default=False, show_default=True,
              help="Email the set-password link, or only print it here.")
@click.option("--base-url", default=None,
              help="Where the platform is reached, for the link (default: the PUBLIC_BASE_URL setting).")
def create_user(email: str, name: str, role: str, org_slug: str | None, mail: bool, base_url: str | None) -> None:
    """Create an account without a password, with a single-use link to set one."""
    base_url = base_url or current_app.config["PUBLIC_BASE_URL"]
    org = None
    if org_slug:
        org = db.session.scalar(sa.select(Organization).where(Organization.slug == org_slug.strip().lower()))
        if org is None:
            raise click.ClickException(f"No organization with the short name {org_slug!r}. "
                                       "See the organization's page, or create it with `flask orgs create`.")
    invitation = services.Invitation(link_for=_link_for(base_url), hours=current_app.config["INVITATION_HOURS"],
                                     backend=current_app.config["MAIL_BACKEND"], mail=mail)
    user, link = _commit_or_fail(lambda: services.create_person(
        name=name, email=email, role=Role(role), organization=org, actor=None, invitation=invitation))
    click.echo(f"Created {user.role.label} {user.name} <{user.email}>.")
    if mail:
        click.echo(f"Invitation emailed to {user.email}.")
    click.echo(f"Set-password link (works once, expires in {invitation.hours} hours):\n  {link}")


@orgs_cli.command("create")
@click.option("--name", required=True)
@click.option("--seats", type=click.IntRange(min=0), default=0, show_default=True)
def create_org(name: str, seats: int) -> None:
    """Create a partner organization with its opening seats."""
    org = _commit_or_fail(lambda: services.create_organization(name=name, seats=seats, actor=None))
    click.echo(f"Created {org.name} (short name {org.slug}) with {org.seat_limit} seats.")
