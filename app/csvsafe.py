"""CSV exports that a spreadsheet opens safely: one escaping rule for every export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable

#: a spreadsheet treats a cell starting with one of these as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ tab or CR gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def line_writer() -> Callable[[Iterable[object]], str]:
    """A function that turns one row into one escaped CSV line, for streaming responses."""
    buf = io.StringIO()
    writer = csv.writer(buf)

    def line(values: Iterable[object]) -> str:
        writer.writerow([escape_cell(v) for v in values])
        out = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return out

    return line
