"""Backups you can restore: one archive with the database, the issuer keys and the uploaded recordings, and a
manifest of row counts and checksums that the restore checks.

The database is copied consistently while the platform runs: SQLite through its online backup API (a plain
copy of a live file can miss rows), PostgreSQL with `pg_dump --format=custom`. The keys matter as much as the
rows: without them every credential issued earlier could no longer be shown to be this platform's.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from app.db import utcnow

FORMAT = 1


class BackupError(Exception):
    """Said to the operator as it is; nothing was changed."""


@dataclass(frozen=True)
class Sources:
    engine: Engine
    key_dir: Path
    upload_dir: Path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def row_counts(engine: Engine) -> dict[str, int]:
    tables = sa.inspect(engine).get_table_names()
    with engine.connect() as conn:
        return {t: conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar_one()
                for t in sorted(tables)}


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _pg_args(engine: Engine) -> list[str]:
    url = engine.url.set(drivername="postgresql")
    return ["--dbname", url.render_as_string(hide_password=False)]


def _dump_database(engine: Engine, target_dir: Path) -> str:
    if engine.dialect.name == "sqlite":
        out = target_dir / "database.sqlite3"
        source = sqlite3.connect(engine.url.database)
        try:
            with sqlite3.connect(out) as dest:
                source.backup(dest)
        finally:
            source.close()
        return out.name
    if engine.dialect.name == "postgresql":
        out = target_dir / "database.pgdump"
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(out), *_pg_args(engine)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600)  # noqa: S603 - our arguments
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
        return out.name
    raise BackupError(f"backups of {engine.dialect.name} databases are not supported")


def create(sources: Sources, archive: Path) -> dict:
    """Write the archive; returns its manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        counts = row_counts(sources.engine)
        database = _dump_database(sources.engine, work)
        for name, src in (("issuer-keys", sources.key_dir), ("uploads", sources.upload_dir)):
            if src.is_dir():
                shutil.copytree(src, work / name, ignore=shutil.ignore_patterns(".incoming"))
            else:
                (work / name).mkdir()
        files = {str(p.relative_to(work)): _sha256(p) for p in sorted(work.rglob("*")) if p.is_file()}
        with sources.engine.connect() as conn:
            revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() \
                if "alembic_version" in counts else None
        manifest = {"format": FORMAT, "created_at": utcnow().isoformat(), "engine": sources.engine.dialect.name,
                    "database": database, "revision": revision, "rows": counts, "files": files,
                    "issuer_keys": sum(1 for f in files if f.startswith("issuer-keys/"))}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        archive.parent.mkdir(parents=True, exist_ok=True)
        partial = archive.with_name(archive.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            for path in sorted(work.iterdir()):
                tar.add(path, arcname=path.name)
        partial.replace(archive)  # a half-written archive never carries the final name
    return manifest


def _read(archive: Path, into: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")
        manifest = json.loads((into / "manifest.json").read_text())
    except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
        raise BackupError(f"{archive} is not a readable backup: {exc}") from exc
    if manifest.get("format") != FORMAT or manifest.get("database") not in ("database.sqlite3", "database.pgdump"):
        raise BackupError(f"{archive} was written in another format ({manifest.get('format')!r})")
    for name, digest in manifest["files"].items():
        path = into / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(f"{archive} is damaged: {name} does not match its checksum")
    return manifest


def _is_empty(engine: Engine) -> bool:
    counts = row_counts(engine)
    return all(n == 0 for t, n in counts.items() if t != "alembic_version")


def restore(archive: Path, target: Sources) -> dict:
    """Restore into an empty database and empty key and upload folders, then check every table's row count
    against the manifest. Refuses, changing nothing, if the archive is damaged or the target is not empty."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest = _read(archive, work)
        engine = target.engine
        if manifest["engine"] != engine.dialect.name:
            raise BackupError(f"the backup is of a {manifest['engine']} database; the target is {engine.dialect.name}")
        if not _is_empty(engine):
            raise BackupError("the target database is not empty: restore into a new, empty database")
        if any(target.key_dir.glob("issuer-*.pem")):
            raise BackupError(f"{target.key_dir} already holds issuer keys: restore into an empty folder")
        if engine.dialect.name == "sqlite":
            engine.dispose()
            shutil.copyfile(work / manifest["database"], make_url(str(engine.url)).database)
        else:
            command = [_tool("pg_restore"), "--no-owner", "--clean", "--if-exists", *_pg_args(engine),
                       str(work / manifest["database"])]
            done = subprocess.run(command, capture_output=True, text=True, timeout=3600)  # noqa: S603 - our arguments
            if done.returncode != 0:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
        for name, dest in (("issuer-keys", target.key_dir), ("uploads", target.upload_dir)):
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / name, dest, dirs_exist_ok=True)
        restored = row_counts(engine)
        wrong = {t: (n, restored.get(t)) for t, n in manifest["rows"].items() if restored.get(t) != n}
        if wrong:
            raise BackupError(f"the restored database does not match the manifest (table: expected, found): {wrong}")
    return manifest
