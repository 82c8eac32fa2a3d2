"""`flask backup create` and `flask backup restore`: the database, the issuer keys and the recordings in one
archive with a manifest, restored into an empty database and checked."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app import backup
from app.extensions import db
from app.roleplay import uploads

backup_cli = AppGroup("backup", help="Back up and restore the database, issuer keys and recordings.")


def _sources() -> backup.Sources:
    cfg = current_app.config
    return backup.Sources(engine=db.engine, key_dir=Path(cfg["ISSUER_KEY_DIR"]),
                          upload_dir=uploads.upload_dir(cfg, current_app.instance_path))


@backup_cli.command("create")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The archive to write (default: instance/backups/backup-<time>.tar.gz).")
def create(out: Path | None) -> None:
    """Write one archive: a consistent copy of the database taken while it runs, the issuer keys, the
    recordings, and a manifest of row counts and checksums."""
    from app.db import utcnow

    out = out or Path(current_app.instance_path) / "backups" / f"backup-{utcnow():%Y%m%d-%H%M%S}.tar.gz"
    try:
        manifest = backup.create(_sources(), out)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    rows = sum(manifest["rows"].values())
    click.echo(f"Backup written to {out}: {manifest['engine']} database at revision {manifest['revision']}, "
               f"{rows} rows in {len(manifest['rows'])} tables, {manifest['issuer_keys']} issuer key(s), "
               f"{sum(1 for f in manifest['files'] if f.startswith('uploads/'))} recording file(s).")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore(archive: Path) -> None:
    """Restore into an empty database (create it, do not migrate it) and empty key and upload folders; every
    checksum and row count is checked, and nothing is changed if the archive is damaged."""
    try:
        manifest = backup.restore(archive, _sources())
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {archive}: {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables match "
               f"the manifest; {manifest['issuer_keys']} issuer key(s) and the recordings are in place.")
