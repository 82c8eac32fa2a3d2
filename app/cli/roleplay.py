"""`flask roleplay purge-recordings`: delete role-play recordings past the retention period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.roleplay import uploads
from app.roleplay.services import purge_recordings

roleplay_cli = AppGroup("roleplay", help="Role-play assessment housekeeping.")


@roleplay_cli.command("purge-recordings")
@click.option("--days", type=int, default=None,
              help="Delete recordings uploaded more than this many days ago (default: RECORDING_RETENTION_DAYS).")
def purge(days: int | None) -> None:
    days = current_app.config["RECORDING_RETENTION_DAYS"] if days is None else days
    if days < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--days")
    directory = uploads.upload_dir(current_app.config, current_app.instance_path)
    count = purge_recordings(directory, older_than_days=days)
    db.session.commit()
    click.echo(f"{count} recording{'s' if count != 1 else ''} older than {days} days deleted.")
