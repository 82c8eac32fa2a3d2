"""`flask certificates sweep` (anything missed), `rotate-key` and `reissue` (credentials in the old shape)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.certificates import keys, services
from app.extensions import db
from app.jobs import work

certificates_cli = AppGroup("certificates", help="Certificate issuance and issuer keys.")


@certificates_cli.command("sweep")
def sweep() -> None:
    """Issue every certificate that is due (idempotent; the job worker runs it hourly)."""
    click.echo(work.sweep_certificates(current_app._get_current_object()) + ".")


@certificates_cli.command("rotate-key")
def rotate_key() -> None:
    """Add a new signing key; earlier credentials stay verifiable with their own keys."""
    key = keys.rotate(current_app.config["ISSUER_KEY_DIR"])
    click.echo(f"New issuer key {key.number}: {key.did}")


@certificates_cli.command("reissue")
def reissue() -> None:
    """Re-sign credentials issued in the earlier JWT shape (a `vc` claim) in the Open Badges 3.0 shape."""
    settings = services.IssuerSettings.from_config(current_app.config)
    done = services.reissue_legacy(settings)
    db.session.commit()
    if not done:
        click.echo("Every credential is already in the Open Badges 3.0 shape; nothing to re-issue.")
        return
    click.echo(f"{len(done)} credential(s) re-issued in the Open Badges 3.0 shape, signed by "
               f"{keys.current_key(settings.key_dir, create=False).did}:")
    for cert in done:
        click.echo(f"  {cert.serial}  {cert.snapshot.get('holder', '')}  ({cert.status.value})")
    click.echo("Same serials, dates and status; holders can download the new file from their certificate page.")
