"""`flask supervision remind`: nudge supervisors, then tell the org admin, after the days each program sets (run daily)."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from app.extensions import db
from app.supervision.reminders import send_reminders

supervision_cli = AppGroup("supervision", help="Supervision sign-off reminders.")


@supervision_cli.command("remind")
@click.option("--remind-days", type=int, default=None, help="Override every program's remind_after_days.")
@click.option("--escalate-days", type=int, default=None, help="Override every program's escalate_after_days.")
def remind(remind_days: int | None, escalate_days: int | None) -> None:
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):  # links as users see them
        reminded, escalated = send_reminders(
            backend=current_app.config["MAIL_BACKEND"], remind_days=remind_days, escalate_days=escalate_days,
            queue_url=lambda: url_for("supervision.queue", _external=True))
    db.session.commit()
    click.echo(f"{reminded} supervisor reminder(s), {escalated} escalation(s) to organization admins.")
