"""`flask roleplay purge-recordings`: delete role-play recordings past the retention period (the job
worker runs it daily)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs import work

roleplay_cli = AppGroup("roleplay", help="Role-play assessment housekeeping.")


@roleplay_cli.command("purge-recordings")
@click.option("--days", type=int, default=None,
              help="Delete recordings uploaded more than this many days ago (default: RECORDING_RETENTION_DAYS).")
def purge(days: int | None) -> None:
    if days is not None and days < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--days")
    click.echo(work.purge_old_recordings(current_app._get_current_object(), days) + ".")
