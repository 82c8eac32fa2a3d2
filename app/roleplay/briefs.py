"""Which role-play briefs a viewer reads: a trainee the one role they are playing, staff every role."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ROLE_KEYS = ("practitioner", "recipient", "observer")
#: where scenarios imported before briefs moved into [[roles]] kept them
_LEGACY = {"practitioner": "practitioner_task", "recipient": "recipient_brief", "observer": "observer_focus"}


def roles_of(content: Mapping[str, Any]) -> list[dict[str, str]]:
    """The scenario's roles in order, each with its brief."""
    out = []
    for r in content.get("roles") or []:
        key = r.get("key", "")
        out.append({"key": key, "label": r.get("label", key), "description": r.get("description", ""),
                    "brief": r.get("brief") or content.get(_LEGACY.get(key, ""), "")})
    return out


def chosen_role(value: str | None) -> str | None:
    """The role named in the query string, or None for anything else."""
    return value if value in ROLE_KEYS else None


def briefs_to_show(roles: list[dict[str, str]], role: str | None, *, see_all: bool) -> list[dict[str, str]]:
    """Staff read every brief; anyone else only the brief of the role they said they are playing."""
    return [r for r in roles if see_all or r["key"] == role]
