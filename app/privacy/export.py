"""A person's data, as a zip of JSON and files, built from the registry.

Layout of the archive:

    README.txt               what is in it, in words
    manifest.json            when it was made, for whom, rows per table, the files
    data/<table>.json        {"table", "title", "rows": [...]}: every registered table with a link to a person,
                             each row with "_you_are" (how it links to them: "author", "grader"...)
    files/recordings/...     their role-play recordings, as uploaded
    files/certificates/...   each certificate's signed Open Badge (.jwt)

Rows where the person is the subject (their post, their attempt) are exported whole, secrets (hashes) aside.
Rows where they only acted on someone else's (a grade they gave, a post they hid) are exported without
that row's free text, except what they wrote themselves, so nothing of anyone else's is in their archive.
Other people appear only as internal ids, never by name or email.
"""

from __future__ import annotations

import enum
import io
import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa

from app import audit
from app.db import utcnow
from app.extensions import db
from app.models import User
from app.privacy import registry
from app.privacy.links import Matcher, Person, any_condition, json_entries, table_of
from app.privacy.registry import Match, Role, Table

README = """Your data from {platform}
Made on {made} (UTC) for account {id}.

data/      one JSON file per kind of record that can be about you: your account (users.json), enrollments,
           quiz attempts, discussion posts, role-plays, supervision sessions, certificates, notifications,
           mail sent to you, audit entries about you, and the rest. Each row says in "_you_are" how it is
           linked to you (for example "author" or "grader"). A file with no rows means we hold nothing of
           that kind about you. Other people appear only by internal number, never by name or email.
files/     your role-play recordings as you uploaded them, and the signed Open Badge of each certificate
           (a .jwt file: paste it on the verify page to check it).

Times are in UTC. If something is missing or wrong, tell the platform team.
"""


#: an archive up to this size is returned in memory; a larger one (recordings) as an open temporary file
IN_MEMORY = 32 * 1024 * 1024


@dataclass(frozen=True)
class TableExport:
    entry: Table
    rows: list[dict[str, Any]]


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _row(entry: Table, table: sa.Table, row: Any, matcher: Matcher) -> dict[str, Any]:
    matched = matcher.matched(row)
    subject = any(link.role is Role.SUBJECT for link in matched)
    shown = {col for link in matched for col in link.own_text}
    hidden = set(entry.secret) | (set() if subject else set(entry.classified()) - shown)
    out: dict[str, Any] = {}
    for col in table.columns:
        if col.name in hidden:
            continue
        value = row[col.name]
        for link in matched:
            if link.match is Match.JSON_EMAIL and link.column == col.name:
                value = json_entries(value, matcher.person)  # their own lines of the upload, nobody else's
        out[col.name] = _plain(value)
    out["_you_are"] = [link.label for link in matched]
    return out


def table_rows(entry: Table, person: Person) -> TableExport:
    table = table_of(entry)
    matcher = Matcher(entry, person)
    stmt = sa.select(table).where(any_condition(table, entry.links, person)).order_by(*table.primary_key.columns)
    rows = [r for r in db.session.execute(stmt).mappings() if matcher.matched(r)]
    return TableExport(entry, [_row(entry, table, r, matcher) for r in rows])


def counts(user: User) -> list[tuple[Table, int]]:
    """How many rows of each registered table link to the person (for the "Your data" page), counted in
    the database rather than loaded."""
    person = Person(user.id, user.email)
    out = []
    for entry in registry.exported_tables():
        table = table_of(entry)
        where = any_condition(table, entry.links, person)
        if any(link.match is Match.JSON_EMAIL for link in entry.links):  # narrowed row by row
            matcher = Matcher(entry, person)
            n = sum(1 for r in db.session.execute(sa.select(table).where(where)).mappings() if matcher.matched(r))
        else:
            n = db.session.scalar(sa.select(sa.func.count()).select_from(table).where(where)) or 0
        out.append((entry, n))
    return out


def collect(user: User) -> list[TableExport]:
    person = Person(user.id, user.email)
    return [table_rows(entry, person) for entry in registry.exported_tables()]


def _recording_files(tables: list[TableExport], upload_dir: Path) -> list[tuple[str, Path]]:
    out = []
    for t in tables:
        if t.entry.name != "roleplay_recordings":
            continue
        for row in t.rows:
            path = upload_dir / str(row["stored_name"])
            if row.get("deleted_at") is None and path.is_file():
                out.append((f"files/recordings/submission-{row['submission_id']}.{row['extension']}", path))
    return out


def _credential_files(tables: list[TableExport]) -> list[tuple[str, str]]:
    return [(f"files/certificates/{row['serial']}.jwt", row["credential_jwt"])
            for t in tables if t.entry.name == "certificates" for row in t.rows
            if row.get("credential_jwt") and row.get("serial")]


def build(user: User, *, upload_dir: Path, platform: str, now: datetime | None = None) -> IO[bytes]:
    """The archive, positioned at its start: in memory, or in a temporary file when large (recordings)."""
    now = now or utcnow()
    tables = collect(user)
    recordings = _recording_files(tables, upload_dir)
    credentials = _credential_files(tables)
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned open; send_file closes it after the response
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README.format(platform=platform, made=now.strftime("%Y-%m-%d %H:%M"), id=user.id))
        manifest = {"account": user.id, "made_at": now.isoformat(), "platform": platform,
                    "tables": {t.entry.name: len(t.rows) for t in tables},
                    "files": [name for name, _ in recordings] + [name for name, _ in credentials]}
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        for t in tables:
            doc = {"table": t.entry.name, "title": t.entry.title, "rows": t.rows}
            zf.writestr(f"data/{t.entry.name}.json", json.dumps(doc, indent=2, ensure_ascii=False, default=str))
        for name, path in recordings:
            zf.write(path, name, compress_type=zipfile.ZIP_STORED)  # audio and video are compressed already
        for name, token in credentials:
            zf.writestr(name, token)
    if out.tell() <= IN_MEMORY:  # most archives: held in memory, nothing left open
        out.seek(0)
        with out:
            return io.BytesIO(out.read())
    out.seek(0)
    return out


def filename(user: User, now: datetime | None = None) -> str:
    return f"personal-data-{user.id}-{(now or utcnow()):%Y-%m-%d}.zip"


def record_export(user: User, *, actor: User, ip: str | None) -> None:
    """Who downloaded whose data, and when: the archive itself is not kept."""
    audit.record("user.data_exported", user, actor=actor, ip=ip,
                 after={"by": "self" if actor.id == user.id else "admin"})


def read_archive(data: bytes) -> dict[str, Any]:
    """The archive's JSON files by name (for tests and for checking a download by hand)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: (json.loads(zf.read(name)) if name.endswith(".json") else zf.read(name))
                for name in zf.namelist()}
