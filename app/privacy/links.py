"""Which rows of a registered table link to one person: as SQL (to load them) and in Python (to say how)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.extensions import db
from app.privacy.registry import Link, Match, Role, Table


@dataclass(frozen=True)
class Person:
    """What identifies one person in the tables: their id and their email address as it stands now."""

    id: int
    email: str

    @property
    def email_lower(self) -> str:
        return (self.email or "").lower()


def table_of(entry: Table) -> sa.Table:
    return db.metadata.tables[entry.name]


def _via_ids(link: Link, person: Person) -> sa.Select:
    parent = db.metadata.tables[link.via[0]]
    return sa.select(parent.c.id).where(parent.c[link.via[1]] == person.id)


def condition(table: sa.Table, link: Link, person: Person) -> sa.ColumnElement[bool]:
    col = table.c[link.column]
    if link.match in (Match.USER_ID, Match.SELF):
        return col == person.id
    if link.match is Match.VIA:
        return col.in_(_via_ids(link, person))
    if link.match is Match.EMAIL:
        return sa.func.lower(col) == person.email_lower
    if link.match is Match.JSON_EMAIL:  # narrowed in Python by `json_entries`
        return sa.func.lower(sa.cast(col, sa.Text)).contains(person.email_lower, autoescape=True)
    if link.match is Match.USER_OBJECT:
        return sa.or_(*(sa.and_(table.c.object_type == model, col.in_(ids))
                        for model, ids in _objects_about(person, exclude=table.name)))
    raise ValueError(link.match)


def model_names() -> dict[str, str]:
    """Table name -> model class name (what an audit entry's object_type holds)."""
    return {m.local_table.name: m.class_.__name__ for m in db.Model.registry.mappers}


def _objects_about(person: Person, *, exclude: str) -> list[tuple[str, sa.Select]]:
    """(model name, ids as strings) of the person's account and of every registered row they are the
    subject of: an audit entry whose object is one of these is about them."""
    from app.privacy import registry

    names = model_names()
    out = []
    for entry in registry.exported_tables():
        if entry.name == exclude or not entry.subject_links or entry.name not in names:
            continue
        table = table_of(entry)
        subject = any_condition(table, [link for link in entry.subject_links if link.match is not Match.USER_OBJECT],
                                person)
        out.append((names[entry.name], sa.select(sa.cast(table.c.id, sa.String)).where(subject)))
    return out


def any_condition(table: sa.Table, links: Iterable[Link], person: Person) -> sa.ColumnElement[bool]:
    return sa.or_(*(condition(table, link, person) for link in links))


def json_entries(value: Any, person: Person) -> list[dict]:
    """The entries of a JSON list of rows (a roster upload) that carry the person's email."""
    return [row for row in (value or []) if isinstance(row, dict)
            and str(row.get("email") or "").strip().lower() == person.email_lower]


class Matcher:
    """Says which of a table's links a loaded row matches, for one person."""

    def __init__(self, entry: Table, person: Person):
        self.entry, self.person = entry, person
        self._via: dict[Link, set[int]] = {
            link: set(db.session.scalars(_via_ids(link, person)))
            for link in entry.links if link.match is Match.VIA}
        self._objects: set[tuple[str, str]] = set()
        if any(link.match is Match.USER_OBJECT for link in entry.links):
            for model, ids in _objects_about(person, exclude=entry.name):
                self._objects |= {(model, i) for i in db.session.scalars(ids)}

    def matches(self, link: Link, row: Any) -> bool:
        value = row[link.column]
        match link.match:
            case Match.USER_ID | Match.SELF:
                return value == self.person.id
            case Match.VIA:
                return value in self._via[link]
            case Match.EMAIL:
                return (value or "").lower() == self.person.email_lower
            case Match.JSON_EMAIL:
                return bool(json_entries(value, self.person))
            case Match.USER_OBJECT:
                return (row["object_type"], value) in self._objects
        return False

    def matched(self, row: Any) -> list[Link]:
        return [link for link in self.entry.links if self.matches(link, row)]

    def is_subject(self, row: Any) -> bool:
        return any(link.role is Role.SUBJECT for link in self.matched(row))
