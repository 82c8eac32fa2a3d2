"""`flask discuss digest`: the daily discussion digest (a scheduler runs it once a day)."""

from __future__ import annotations

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from app.discuss.notify import send_digests
from app.extensions import db

discuss_cli = AppGroup("discuss", help="Discussion notifications.")


@discuss_cli.command("digest")
def digest() -> None:
    """Email each daily-digest user what they have not read yet."""
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        sent = send_digests(mail_backend=app.config["MAIL_BACKEND"],
                            link_for=lambda post: url_for("discuss.goto_post", post_id=post.id, _external=True))
    db.session.commit()
    click.echo(f"{sent} digest{'s' if sent != 1 else ''} queued.")
