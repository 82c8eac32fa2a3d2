"""`flask catalog open COHORT_ID SEATS` and `flask catalog close COHORT_ID`: open enrollment."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.catalog.services import set_open_seats
from app.errors import DomainError
from app.extensions import db
from app.models import Cohort

catalog_cli = AppGroup("catalog", help="Open a cohort without an organization to public sign-up, or close it.")


def _apply(cohort_id: int, seats: int | None) -> None:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise click.ClickException(f"No cohort with id {cohort_id}.")
    try:
        set_open_seats(cohort, seats)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"{cohort.name}: " + (f"open with {seats} places." if seats is not None else "closed to sign-up."))


@catalog_cli.command("open")
@click.argument("cohort_id", type=int)
@click.argument("seats", type=click.IntRange(min=0))
def open_cohort(cohort_id: int, seats: int) -> None:
    """List the cohort in the public catalog with SEATS places."""
    _apply(cohort_id, seats)


@catalog_cli.command("close")
@click.argument("cohort_id", type=int)
def close_cohort(cohort_id: int) -> None:
    """Take the cohort out of the catalog (enrolled trainees stay)."""
    _apply(cohort_id, None)
