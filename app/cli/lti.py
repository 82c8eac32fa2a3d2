"""`flask lti rotate-key`: a new signing key for the LTI tool; the previous one stays in the key set."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.lti import keys

lti_cli = AppGroup("lti", help="The LTI 1.3 tool's keys.")


@lti_cli.command("rotate-key")
def rotate_key() -> None:
    """Sign with a new key from now on; the previous key stays published until the next rotation."""
    key = keys.rotate(current_app.config["ISSUER_KEY_DIR"])
    click.echo(f"New LTI tool key {key.number} (kid {key.kid}); the key set now publishes it and the previous one.")
