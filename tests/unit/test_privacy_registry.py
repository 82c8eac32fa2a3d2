"""The privacy registry covers every column that can hold personal data.

A new foreign key to users, or a new text or JSON column anywhere, fails here until it is classified in
`app/privacy/registry.py`: linked (and so exported), free text (searched and rewritten on erasure), the
person's own text (emptied on erasure), rewritten by a step of its own, personal and kept for a stated
reason, a secret never exported, or not personal with the reason.
"""

from __future__ import annotations

import sqlalchemy as sa

import app.models  # noqa: F401  (every table on the metadata)
from app.extensions import db
from app.privacy import erasure, registry


def _users_fks(table: sa.Table) -> set[str]:
    return {c.name for c in table.columns if any(fk.column.table.name == "users" for fk in c.foreign_keys)}


def _text_like(col: sa.Column) -> bool:
    """Columns that can hold words: strings, text and JSON. An Enum is a fixed vocabulary and holds none."""
    return isinstance(col.type, sa.String | sa.Text | sa.JSON) and not isinstance(col.type, sa.Enum)


def test_every_table_is_in_the_registry_once():
    registered = [t.name for t in registry.TABLES] + [t.name for t in registry.NOT_PERSONAL]
    assert len(registered) == len(set(registered)), "a table is registered twice"
    tables = set(db.metadata.tables)
    assert tables - set(registered) == set(), "tables missing from app/privacy/registry.py"
    assert set(registered) - tables == set(), "registry entries for tables that no longer exist"


def test_a_table_marked_not_personal_has_no_link_to_a_person():
    for entry in registry.NOT_PERSONAL:
        assert entry.reason
        assert _users_fks(db.metadata.tables[entry.name]) == set(), f"{entry.name} references users"


def test_every_foreign_key_to_users_is_a_link():
    for entry in registry.TABLES:
        table = db.metadata.tables[entry.name]
        linked = {link.column for link in entry.links if link.match in (registry.Match.USER_ID, registry.Match.SELF)}
        assert _users_fks(table) - linked == set(), f"{entry.name}: foreign keys to users not linked"
        for link in entry.links:
            col = table.columns.get(link.column)
            assert col is not None, f"{entry.name}.{link.column} does not exist"
            if link.match is registry.Match.USER_ID:
                assert link.column in _users_fks(table), f"{entry.name}.{link.column} is not a key to users"
            if link.match is registry.Match.VIA:
                parent, column = link.via
                assert column in _users_fks(db.metadata.tables[parent])
                assert any(fk.column.table.name == parent for fk in col.foreign_keys)


def test_every_text_column_is_classified_once_and_exists():
    for entry in registry.TABLES:
        table = db.metadata.tables[entry.name]
        classified = entry.classified()
        doubled = {c: k for c, k in classified.items() if "+" in k}
        assert doubled == {}, f"{entry.name}: columns in two classes"
        for col in classified:
            assert col in table.columns, f"{entry.name}.{col} does not exist"
            assert _text_like(table.columns[col]), f"{entry.name}.{col} holds no text"
        link_columns = {link.column for link in entry.links}
        unclassified = [c.name for c in table.columns
                        if _text_like(c) and c.name not in classified and c.name not in link_columns]
        assert unclassified == [], f"{entry.name}: text columns not classified in app/privacy/registry.py"
        for reasons in (entry.replaced, entry.personal, entry.secret, entry.not_personal):
            assert all(reasons.values()), f"{entry.name}: a classification without its reason"


def test_what_an_actor_is_shown_and_what_erasure_rewrites_is_registered():
    for entry in registry.TABLES:
        for link in entry.links:
            assert set(link.own_text) <= set(entry.classified()), f"{entry.name}: own_text not classified"
        if entry.replaced or entry.erase is registry.Erase.CUSTOM:
            assert entry.name in erasure.CUSTOM_STEPS, f"{entry.name} needs a step in app/privacy/erasure.py"
            assert entry.note, f"{entry.name}: say what the step does"
    assert set(erasure.CUSTOM_STEPS) <= {t.name for t in registry.TABLES}
