"""`flask demo seed`: the demo organization, cohort and one login per role."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.demo.seed import seed_demo
from app.errors import DomainError
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data for development.")


@demo_cli.command("seed")
@click.option("--course", "course_slug", default=None,
              help="The main demo cohort's course (default: the imported program with the most weeks).")
def seed(course_slug: str) -> None:
    try:
        logins = seed_demo(course_slug)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo("\nDemo logins (new passwords each time you run this):")
    for login in logins:
        click.echo(f"  {login.role.label:<20} {login.email:<30} {login.password}")
    click.echo("")
