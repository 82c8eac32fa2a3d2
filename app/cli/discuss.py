"""`flask discuss digest`: the daily discussion digest (the job worker runs it once a day)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs import work

discuss_cli = AppGroup("discuss", help="Discussion notifications.")


@discuss_cli.command("digest")
def digest() -> None:
    """Email each daily-digest user what they have not read yet."""
    click.echo(work.discussion_digest(current_app._get_current_object()) + ".")
