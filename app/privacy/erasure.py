"""Erasure: anonymise one person everywhere the registry says they are, keeping the records others rely on.

In one transaction, in this order:

1. the registry's steps of their own (`CUSTOM_STEPS`): recordings marked deleted (their files are deleted
   by `remove_files` once the transaction is committed), current enrollments
   withdrawn, certificates' snapshot holder withheld (the signed credential is kept as issued), transcript
   shares withdrawn, their lines of roster uploads given the pseudonym;
2. every row the person is the subject of: `blank` columns emptied, and rows of tables whose rule is
   `delete` deleted (sign-in links, notifications to them, mail to them, follows, preferences...);
3. every `text` and `blank` column of every table is searched for their name and email (and the posts that
   @mentioned them by first name), which become their pseudonym;
4. their account: name and email replaced by the pseudonym (`erased-person-<id>`), password removed,
   deactivated and signed out everywhere, `erased_at` set;
5. one audit entry, `user.erased`, with counts only.

The audit log is append-only and is never changed: its entries keep the user id, which now shows the
pseudonym. What remains is listed in the README's "Data rights" section.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from app import audit
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Certificate,
    Enrollment,
    Notification,
    NotificationKind,
    Recording,
    RolePlaySubmission,
    RosterImport,
    TranscriptShare,
    User,
)
from app.models.orgs import CURRENT_STATUSES, EnrollmentStatus
from app.privacy import registry
from app.privacy.links import Person, any_condition, json_entries, table_of
from app.privacy.registry import ERASED_TEXT, WITHHELD_NAME, Erase
from app.roleplay import uploads


class ErasureRefused(DomainError):
    pass


ALREADY = "This person's data was already erased."


@dataclass
class Context:
    person: User
    identity: Person
    name: str
    first_name: str
    pseudo_name: str
    pseudo_email: str
    now: datetime
    #: posts that @mentioned the person (their notifications say which), read before notifications go
    mention_posts: list[int] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    #: recording files to delete once the erasure is committed
    files: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Erased:
    user_id: int
    pseudonym: str
    counts: dict[str, int]
    #: the recordings' stored names: `remove_files` deletes them after the commit
    files: tuple[str, ...] = ()


def remove_files(done: Erased, upload_dir: Path) -> int:
    """After the commit: a rolled-back erasure must not have lost the files. Should this not run (the process
    died), the rows are already marked deleted and the daily reconciler removes the files as orphans."""
    for name in done.files:
        uploads.remove(upload_dir, name)
    return len(done.files)


# 1. Steps of their own -------------------------------------------------------------------------------------

def _recordings(ctx: Context) -> None:
    rows = db.session.scalars(sa.select(Recording).join(RolePlaySubmission).where(
        RolePlaySubmission.trainee_id == ctx.person.id, Recording.deleted_at.is_(None))).all()
    for rec in rows:
        rec.deleted_at = ctx.now
        ctx.files.append(rec.stored_name)
    ctx.counts["roleplay recordings: files deleted"] += len(rows)


def _enrollments(ctx: Context) -> None:
    rows = db.session.scalars(sa.select(Enrollment).where(Enrollment.user_id == ctx.person.id,
                                                          Enrollment.status.in_(CURRENT_STATUSES))).all()
    for row in rows:
        row.status = EnrollmentStatus.WITHDRAWN
    ctx.counts["enrollments: withdrawn"] += len(rows)


def _certificates(ctx: Context) -> None:
    for cert in db.session.scalars(sa.select(Certificate).where(Certificate.user_id == ctx.person.id)):
        cert.snapshot = {**(cert.snapshot or {}), "holder": WITHHELD_NAME, "holder_withheld": True}
        ctx.counts["certificates: name withheld"] += 1


def _shares(ctx: Context) -> None:
    rows = db.session.scalars(sa.select(TranscriptShare).where(TranscriptShare.user_id == ctx.person.id,
                                                               TranscriptShare.revoked_at.is_(None))).all()
    for share in rows:
        share.revoked_at = ctx.now
    ctx.counts["transcript shares: withdrawn"] += len(rows)


def _rosters(ctx: Context) -> None:
    email = ctx.identity.email_lower
    for imp in db.session.scalars(sa.select(RosterImport).where(
            sa.func.lower(sa.cast(RosterImport.rows, sa.Text)).contains(email, autoescape=True))):
        mine = json_entries(imp.rows, ctx.identity)
        rows = []
        for row in imp.rows or []:
            if isinstance(row, dict) and row in mine:
                row = {**row, "email": ctx.pseudo_email, "first_name": ctx.pseudo_name, "last_name": ""}
            if isinstance(row, dict) and str(row.get("supervisor_email") or "").strip().lower() == email:
                row = {**row, "supervisor_email": ctx.pseudo_email}
            rows.append(row)
        if rows != imp.rows:
            imp.rows = rows
            ctx.counts["roster imports: lines replaced"] += 1


def _account(ctx: Context) -> None:
    """Last: the other steps find the person by the email this replaces."""
    user = ctx.person
    user.name, user.email = ctx.pseudo_name, ctx.pseudo_email
    user.password_hash = None
    user.is_active = False
    user.timezone = User.__table__.c.timezone.default.arg
    user.last_login_at = None
    user.session_version = (user.session_version or 1) + 1
    user.calendar_feed_version = (user.calendar_feed_version or 1) + 1
    user.erased_at = ctx.now


#: table -> its step; "users" runs last, after every other table was searched by the old email
CUSTOM_STEPS: dict[str, Callable[[Context], None]] = {
    "roleplay_recordings": _recordings,
    "enrollments": _enrollments,
    "certificates": _certificates,
    "transcript_shares": _shares,
    "roster_imports": _rosters,
    "users": _account,
}


def _label(entry: registry.Table) -> str:
    return entry.name.replace("_", " ")


# 2. The person's own rows -----------------------------------------------------------------------------------

def _blank_value(value: Any) -> Any:
    if value is None or value == "":
        return value
    if isinstance(value, dict):
        return {}
    if isinstance(value, list):
        return []
    return ERASED_TEXT


def _own_rows(entry: registry.Table, ctx: Context) -> None:
    if not entry.subject_links:
        return
    table = table_of(entry)
    where = any_condition(table, entry.subject_links, ctx.identity)
    pk = table.c.id
    if entry.blank:
        for row in db.session.execute(sa.select(pk, *(table.c[c] for c in entry.blank)).where(where)).mappings():
            values = {c: _blank_value(row[c]) for c in entry.blank}
            if values != {c: row[c] for c in entry.blank}:
                db.session.execute(sa.update(table).where(pk == row["id"]).values(**values))
                ctx.counts[f"{_label(entry)}: emptied"] += 1
    if entry.erase is Erase.DELETE:
        deleted = db.session.execute(sa.delete(table).where(where)).rowcount
        ctx.counts[f"{_label(entry)}: deleted"] += deleted or 0


# 3. Their name and email wherever else they appear ----------------------------------------------------------

def _name_pattern(name: str) -> re.Pattern | None:
    words = name.split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", re.IGNORECASE)


def _email_pattern(email: str) -> re.Pattern | None:
    if not email:
        return None
    return re.compile(r"(?<![\w.+-])" + re.escape(email) + r"(?![\w-]|\.\w)", re.IGNORECASE)


class Scrubber:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.patterns = [(p, r) for p, r in ((_email_pattern(ctx.identity.email), ctx.pseudo_email),
                                             (_name_pattern(ctx.name), ctx.pseudo_name)) if p]
        first = ctx.first_name.strip()
        self.mention = (re.compile(r"(?<![\w@])@" + re.escape(first) + r"(?!\w)", re.IGNORECASE)
                        if first else None)

    def text(self, value: str, *, mentions: bool = False) -> str:
        for pattern, replacement in self.patterns:
            value = pattern.sub(lambda _m, r=replacement: r, value)
        if mentions and self.mention:
            value = self.mention.sub(lambda _m: "@" + self.ctx.pseudo_name, value)
        return value

    def value(self, value: Any, *, mentions: bool = False) -> Any:
        if isinstance(value, str):
            return self.text(value, mentions=mentions)
        if isinstance(value, dict):
            return {k: self.value(v, mentions=mentions) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, mentions=mentions) for v in value]
        return value

    def needles(self) -> set[str]:
        """What a cell must contain to be looked at: the name and email, as typed and as JSON escapes them."""
        out: set[str] = set()
        for s in (self.ctx.name.strip(), self.ctx.identity.email):
            if s:
                out |= {s, json.dumps(s)[1:-1]}
        return out


def _search(entry: registry.Table, ctx: Context, scrub: Scrubber) -> None:
    if not entry.searched:
        return
    table = table_of(entry)
    needles = scrub.needles()
    conditions = []
    for col in entry.searched:
        as_text = sa.cast(table.c[col], sa.Text)
        for n in needles:
            conditions += [sa.func.lower(as_text).contains(n.lower(), autoescape=True),
                           as_text.contains(n, autoescape=True)]
    mention_posts = set(ctx.mention_posts) if entry.name == "posts" else set()
    if mention_posts:
        conditions.append(table.c.id.in_(mention_posts))
    stmt = sa.select(table.c.id, *(table.c[c] for c in entry.searched)).where(sa.or_(*conditions))
    for row in db.session.execute(stmt).mappings().all():
        mentions = row["id"] in mention_posts
        values = {c: scrub.value(row[c], mentions=mentions) for c in entry.searched}
        changed = {c: v for c, v in values.items() if v != row[c]}
        if changed:
            db.session.execute(sa.update(table).where(table.c.id == row["id"]).values(**changed))
            ctx.counts[f"{_label(entry)}: name replaced"] += 1


# The whole erasure ------------------------------------------------------------------------------------------

def confirmation_phrase(person: User) -> str:
    """What the admin types to confirm: the person's email address, as shown on the page."""
    return person.email


def erase(person: User, *, actor: User, confirmation: str, ip: str | None = None,
          now: datetime | None = None) -> Erased:
    if person.erased_at is not None:
        raise ErasureRefused(ALREADY)
    if actor.id == person.id:
        raise ErasureRefused("You cannot erase your own account. Ask another platform admin.")
    if (confirmation or "").strip().lower() != confirmation_phrase(person).lower():
        raise ErasureRefused(f"Type {confirmation_phrase(person)} exactly to confirm. Nothing was erased.")
    now = now or utcnow()
    db.session.flush()
    # Claim the account with a conditional update: of two erasures at once, the second waits for the
    # first's row lock and then finds it taken (on SQLite, for the database's write lock).
    users = User.__table__
    claimed = db.session.execute(sa.update(users).where(users.c.id == person.id, users.c.erased_at.is_(None))
                                 .values(erased_at=now)).rowcount
    if not claimed:
        raise ErasureRefused(ALREADY)
    db.session.refresh(person)  # the name and email as they stand now that the row is ours
    pseudo_name, pseudo_email = registry.pseudonym(person.id)
    ctx = Context(person=person, identity=Person(person.id, person.email), name=person.name or "",
                  first_name=person.first_name if person.name else "", pseudo_name=pseudo_name,
                  pseudo_email=pseudo_email, now=now)
    db.session.flush()
    ctx.mention_posts = list(db.session.scalars(sa.select(Notification.post_id).where(
        Notification.user_id == person.id, Notification.kind == NotificationKind.MENTION)))
    for name, step in CUSTOM_STEPS.items():
        if name != "users":
            step(ctx)
    db.session.flush()
    for entry in registry.TABLES:
        _own_rows(entry, ctx)
    scrub = Scrubber(ctx)
    for entry in registry.TABLES:
        _search(entry, ctx, scrub)
    db.session.expire_all()
    person = db.session.get(User, ctx.person.id)
    ctx.person = person
    CUSTOM_STEPS["users"](ctx)
    counts = {k: v for k, v in sorted(ctx.counts.items()) if v}
    audit.record("user.erased", person, actor=actor, ip=ip, after={"pseudonym": pseudo_name, **counts})
    db.session.flush()
    return Erased(person.id, pseudo_name, counts, tuple(ctx.files))
