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
    sent, failed = deliver_pending(current_app.config, limit=limit)
    db.session.commit()
    click.echo(f"{sent} sent, {failed} failed.")
    if failed:
        raise SystemExit(1)
