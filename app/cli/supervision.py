"""`flask supervision remind`: nudge supervisors, then tell the org admin, after the days each program sets
(the job worker runs it daily)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs import work

supervision_cli = AppGroup("supervision", help="Supervision sign-off reminders.")


@supervision_cli.command("remind")
@click.option("--remind-days", type=int, default=None, help="Override every program's remind_after_days.")
@click.option("--escalate-days", type=int, default=None, help="Override every program's escalate_after_days.")
def remind(remind_days: int | None, escalate_days: int | None) -> None:
    click.echo(work.remind_supervisors(current_app._get_current_object(), remind_days, escalate_days) + ".")
