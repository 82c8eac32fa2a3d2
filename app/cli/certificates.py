"""`flask certificates sweep` (anything missed) and `flask certificates rotate-key`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.certificates import keys, services
from app.extensions import db

certificates_cli = AppGroup("certificates", help="Certificate issuance and issuer keys.")


@certificates_cli.command("sweep")
def sweep() -> None:
    """Issue every certificate that is due (idempotent; run it daily)."""
    issued = services.sweep(services.IssuerSettings.from_config(current_app.config))
    db.session.commit()
    click.echo(f"{len(issued)} certificate(s) issued.")
    for cert in issued:
        click.echo(f"  {cert.serial}  {cert.user.name}")


@certificates_cli.command("rotate-key")
def rotate_key() -> None:
    """Add a new signing key; earlier credentials stay verifiable with their own keys."""
    key = keys.rotate(current_app.config["ISSUER_KEY_DIR"])
    click.echo(f"New issuer key {key.number}: {key.did}")
