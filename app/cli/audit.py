"""`flask audit verify`: check the audit log's hash chain."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from app.audit import verify_chain

audit_cli = AppGroup("audit", help="Check the tamper-evident audit log.")


@audit_cli.command("verify")
def verify() -> None:
    """Recompute every entry's hash in order; report the first broken link and exit 1, or say the chain is whole."""
    report = verify_chain()
    if not report.whole:
        click.echo(f"Audit chain broken at entry {report.broken_id} (entry {report.entries} in order): "
                   f"{report.problem}")
        sys.exit(1)
    if report.head_id is None:
        click.echo("The audit log is empty: nothing to verify.")
        return
    click.echo(f"The audit chain is whole: {report.entries} entries, the last is {report.head_id} "
               f"with hash {report.head_hash}.")
