"""`flask mail send`: deliver what waits in the outbox now (the job worker does it every minute)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs import work

mail_cli = AppGroup("mail", help="Outbox delivery.")


@mail_cli.command("send")
@click.option("--limit", default=100, show_default=True)
def send(limit: int) -> None:
    """Each message is claimed and committed on its own, so overlapping runs never send one twice."""
    try:
        click.echo(work.deliver_mail(current_app._get_current_object(), limit=limit) + ".")
    except work.JobFailed as exc:
        click.echo(f"{exc}. The rest waits for the next run.", err=True)
        raise SystemExit(1) from None
