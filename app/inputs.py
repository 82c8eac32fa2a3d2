"""What a request carries, parsed so that hostile values never reach the database or a header.

- `<int:...>` in every route stops at the database's integer range: a larger value does not match the
  route (404) instead of failing in the query (500). `<string:...>` (and the default) refuses control
  characters the same way.
- `page_number` and `db_int` parse `?page=` and other integer query arguments: anything out of range or
  not a number falls back to the default (`request.args.get("page", 1, type=page_number)`).
- `safe_next` is the one check of every `next` redirect target.
- `refuse_hostile_text` (a before-request hook) answers 400 when the query string carries a NUL (no
  database stores one) or a JSON body's text a control character; form fields are checked, with a
  message at the field, by `app.forms.Form`.
"""

from __future__ import annotations

import builtins
import re
from typing import Any
from urllib.parse import urlsplit

from flask import abort, request
from werkzeug.routing import IntegerConverter, UnicodeConverter

#: the largest value of the database's INTEGER (PostgreSQL's is 32-bit), the type of every id column
DB_INT_MAX = 2**31 - 1
DB_INT_MIN = -(2**31)

#: C0 controls but tab, line feed and carriage return; DEL; the C1 controls
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NUL_MESSAGE = ("The request contains a NUL character (U+0000), which text may not contain. "
               "Remove it and try again.")
CONTROL_MESSAGE = ("The request contains a control character (U+{:04X}), which text may not contain. "
                   "Remove it and try again.")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>`: values beyond the database's integer range do not match, so they answer 404."""

    regex = r"\d{1,10}"  # longer never fits; it does not even match, whatever the method

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False) -> None:
        low = DB_INT_MIN if signed else 0
        super().__init__(map, fixed_digits, low if min is None else builtins.max(min, low),
                         DB_INT_MAX if max is None else builtins.min(max, DB_INT_MAX), signed)

    def to_python(self, value: str) -> int:
        """A 10-digit value beyond the database's range names nothing: it becomes 0, which no row has, so
        the view answers 404 as for any unknown id. (Refusing the match instead made Werkzeug answer 405
        to a POST whose path has a GET twin.)"""
        if self.max == DB_INT_MAX and int(value) > DB_INT_MAX:
            return 0
        return super().to_python(value)


class PlainTextConverter(UnicodeConverter):
    """`<string:...>` and `<name>`: a segment with a control character (a NUL, a line break) does not match."""

    def __init__(self, map, minlength: int = 1, maxlength: int | None = None, length: int | None = None) -> None:
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f]")


def install_converters(url_map) -> None:
    """Before any route is added: rules compile their converters when they are registered."""
    url_map.converters["int"] = BoundedIntConverter
    url_map.converters["default"] = url_map.converters["string"] = PlainTextConverter


def db_int(value: str) -> int:
    """An integer query or form argument within the database's range; ValueError otherwise (so
    `MultiDict.get(..., type=db_int)` gives the default)."""
    text = value.strip()
    if not re.fullmatch(r"[+-]?\d{1,10}", text):
        raise ValueError("not an integer within range")
    number = int(text)
    if not DB_INT_MIN <= number <= DB_INT_MAX:
        raise ValueError("not an integer within range")
    return number


def page_number(value: str) -> int:
    """`?page=`: a whole number from 1 to the database's range; anything else gives the default."""
    number = db_int(value)
    if number < 1:
        raise ValueError("pages start at 1")
    return number


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`.

    Only "/" followed by something other than "/" or "\\" is accepted, with no scheme or host, and no
    backslash, whitespace or control character anywhere (browsers drop tabs and line breaks from URLs and
    read "\\" as "/", so "/\\t/evil.example" and "/\\\\evil.example" lead off-site, and a line break in a
    Location header fails the response)."""
    if not target or len(target) > 2048 or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return fallback
    if "\\" in target or any(c.isspace() or CONTROL.match(c) for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def first_control_character(value: Any) -> str | None:
    """The first control character in a JSON value's strings (keys included), if any."""
    if isinstance(value, str):
        found = CONTROL.search(value)
        return found.group() if found else None
    if isinstance(value, dict):
        value = [item for pair in value.items() for item in pair]
    if isinstance(value, list):
        return next(filter(None, map(first_control_character, value)), None)
    return None


def refuse_hostile_text() -> None:
    """Before every request: a NUL in the query string, or a control character in a JSON body's strings,
    is refused with 400 (form fields are checked one by one, with the message next to the field)."""
    if any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True)):
        abort(400, NUL_MESSAGE)
    if request.is_json and (bad := first_control_character(request.get_json(silent=True))):
        abort(400, CONTROL_MESSAGE.format(ord(bad)))
