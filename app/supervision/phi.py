"""Spot likely client identifiers in free text before it is saved.

A heuristic, tuned to warn rather than block: the writer confirms when a finding
is not an identifier (a colleague's role, a place). Patterns: email addresses,
phone numbers, dates that look like birth dates, "DOB"/"born", and names (a title
or two capitalised words in the middle of a sentence).
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
DATE = re.compile(r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})\b")
DOB = re.compile(r"\b(?:DOB|d\.o\.b\.|date of birth|born (?:on|in))\b", re.I)
TITLE_NAME = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+")
TWO_CAPS = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\s+([A-Z][a-z]{2,})\b", re.M)
NOT_NAMES = {
    "Safety", "Plan", "Crisis", "Lifeline", "Suicide", "Care", "Team", "Motivational", "Interviewing",
    "In", "Home", "Therapy", "Intensive", "Coordination", "Therapeutic", "Mentoring", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May",
    "June", "July", "August", "September", "October", "November", "December", "The", "This", "Client",
}


def _quoted(snippet: str) -> str:
    """The text found, in quotes, with a bracket the pattern took without its partner dropped: "(617-555-0199"
    shows as “617-555-0199”, "(617) 555-0199" stays whole."""
    snippet = snippet.strip()
    if snippet.startswith("(") and snippet.count("(") > snippet.count(")"):
        snippet = snippet[1:]
    if snippet.endswith(")") and snippet.count(")") > snippet.count("("):
        snippet = snippet[:-1]
    return f"“{snippet}”"


def find_identifiers(text: str) -> list[str]:
    """Short descriptions of what looks like a client identifier, e.g. 'a phone number: “555-123-4567”'."""
    if not text:
        return []
    found: list[str] = []
    for m in EMAIL.finditer(text):
        found.append(f"an email address: {_quoted(m.group())}")
    for m in PHONE.finditer(text):
        found.append(f"a phone number: {_quoted(m.group())}")
    for m in DATE.finditer(text):
        found.append(f"a date that may be a birth date: {_quoted(m.group())}")
    if DOB.search(text):
        found.append("a mention of a date of birth")
    for m in TITLE_NAME.finditer(text):
        found.append(f"a name: {_quoted(m.group())}")
    for m in TWO_CAPS.finditer(text):
        if m.group(1) not in NOT_NAMES and m.group(2) not in NOT_NAMES:
            found.append(f"a name: {_quoted(m.group())}")
    return list(dict.fromkeys(found))
