"""`flask mail send`: deliver what waits in the outbox (a scheduler runs this)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.mailer import deliver_pending

mail_cli = AppGroup("mail", help="Outbox delivery.")


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True)
def send(limit: int) -> None:
    """Each message is claimed and committed on its own, so overlapping runs never send one twice."""
    result = deliver_pending(current_app.config, limit=limit)
    db.session.commit()
    click.echo(f"{result.sent} sent, {result.retrying} to retry later, {result.dead} given up (dead letters).")
    if result.stopped:
        click.echo(f"Stopped early: {result.stopped}. The rest waits for the next run.", err=True)
        raise SystemExit(1)
