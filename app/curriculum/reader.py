"""Typed field access on a parsed TOML table that records problems instead of raising."""

from __future__ import annotations

import re
from typing import Any

from app.curriculum.spec import Problem

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MISSING = object()


class Reader:
    def __init__(self, data: dict[str, Any], file: str, problems: list[Problem], prefix: str = ""):
        self.data = data
        self.file = file
        self.problems = problems
        self.prefix = prefix

    def _name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.file, self._name(key), message))

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING and required:
            self.problem(key, "is required")
        return value

    def text(self, key: str, *, required: bool = True, default: str = "") -> str:
        value = self._get(key, required)
        if value is _MISSING:
            return default
        if not isinstance(value, str):
            self.problem(key, f"must be text, not {type(value).__name__}")
            return default
        value = value.strip()
        if required and not value:
            self.problem(key, "must not be empty")
        return value

    def slug(self, key: str = "slug") -> str:
        value = self.text(key)
        if value and not SLUG_RE.match(value):
            self.problem(key, f"{value!r} is not a slug (lowercase letters, digits, hyphens)")
        return value

    def integer(self, key: str, *, lo: int, hi: int, default: int | None = None) -> int:
        value = self._get(key, default is None)
        if value is _MISSING:
            return default if default is not None else lo
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"must be a whole number, not {value!r}")
            return lo
        if not lo <= value <= hi:
            self.problem(key, f"must be between {lo} and {hi}, not {value}")
        return value

    def boolean(self, key: str, *, default: bool | None = None) -> bool:
        value = self._get(key, default is None)
        if value is _MISSING:
            return bool(default)
        if not isinstance(value, bool):
            self.problem(key, f"must be true or false, not {value!r}")
            return False
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value and value not in choices:
            self.problem(key, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def text_list(self, key: str, *, min_items: int = 1, max_items: int = 50) -> tuple[str, ...]:
        value = self._get(key, True)
        if value is _MISSING:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(key, "must be a list of non-empty texts")
            return ()
        if not min_items <= len(value) <= max_items:
            self.problem(key, f"must have {min_items} to {max_items} items, not {len(value)}")
        return tuple(v.strip() for v in value)

    def table(self, key: str) -> Reader:
        value = self._get(key, True)
        if not isinstance(value, dict):
            if value is not _MISSING:
                self.problem(key, "must be a table")
            value = {}
        return Reader(value, self.file, self.problems, f"{self._name(key)}.")

    def tables(self, key: str, *, min_items: int = 1) -> list[Reader]:
        value = self._get(key, True)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(key, "must be a list of tables ([[...]])")
            return []
        if len(value) < min_items:
            self.problem(key, f"must have at least {min_items}, not {len(value)}")
        return [
            Reader(v, self.file, self.problems, f"{self._name(key)}[{i + 1}].")
            for i, v in enumerate(value)
        ]
