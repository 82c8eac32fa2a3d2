"""The one Markdown pipeline: Python-Markdown, then nh3 with an allow-list.

Python-Markdown passes raw HTML through, so its output is never trusted; nh3
keeps only the tags, attributes and URL schemes below. Course files and learner
text both go through here.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import markdown as md
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.I)


def _check_url(tag: str, attr: str, value: str) -> str | None:
    """A second look at URLs after nh3's scheme check: with whitespace and control characters
    squeezed out (browsers drop tabs and newlines inside URLs, and Python-Markdown turns tabs
    into spaces), the scheme must still be allowed; a leading backslash (which browsers read
    as a slash, making `\\evil.example` an off-site link) is refused too."""
    if attr not in {"href", "src"}:
        return value
    squeezed = _INVISIBLE.sub("", value)
    match = _SCHEME.match(squeezed)
    if (match and match.group(1).lower() not in URL_SCHEMES) or squeezed.startswith("\\"):
        return None
    return value


_local = threading.local()


def _converter() -> md.Markdown:
    """One Markdown instance per thread, reset between documents: building one loads every extension,
    which cost more than converting a typical post."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return converter


def render_markdown(text: str | None, *, shift_headings: int = 0) -> Markup:
    return _render(text or "", shift_headings)


@lru_cache(maxsize=1024)
def _render(text: str, shift_headings: int) -> Markup:
    """The same text always gives the same HTML, so a page shown again (a lecture, a busy thread's posts)
    is converted and sanitized once per process."""
    converter = _converter()
    try:
        html = converter.convert(text)
    finally:
        converter.reset()
    if shift_headings:
        for level in range(6, 0, -1):
            new = min(level + shift_headings, 6)
            html = html.replace(f"<h{level}", f"<h{new}").replace(f"</h{level}>", f"</h{new}>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_check_url,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)  # noqa: S704 - sanitized by nh3 just above
