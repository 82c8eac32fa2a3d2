from __future__ import annotations

import pytest

from app.supervision.phi import find_identifiers


@pytest.mark.parametrize(("text", "finding"), [
    ("Talked about how to reach jay.smith@gmail.com after school", "an email address"),
    ("Youth gave me his number 617-555-0199 to text", "a phone number"),
    ("call (617) 555 0199 tomorrow", "a phone number"),
    ("Client born 03/14/2011 in Boston", "a date that may be a birth date"),
    ("Confirmed the DOB with the parent", "a mention of a date of birth"),
    ("Discussed how Mr. Alvarez reacted", "a name"),
    ("We reviewed what Jaylen Brooks said in session", "a name"),
])
def test_likely_identifiers_are_flagged(text, finding):
    assert any(f.startswith(finding) for f in find_identifiers(text))


@pytest.mark.parametrize("text", [
    "Practised OARS with case Y-17; reviewed the Safety Plan steps and when to call 988.",
    "Discussed boundaries around social media and gifts. Next: role-play closure.",
    "",
])
def test_ordinary_supervision_notes_pass(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize(("text", "shown"), [
    ("Her cell (617-555-0199) is on file", "a phone number: “617-555-0199”"),
    ("call (617) 555 0199 tomorrow", "a phone number: “(617) 555 0199”"),
    ("Reach her at 617-555-0199.", "a phone number: “617-555-0199”"),
])
def test_the_warning_quotes_what_was_found_with_balanced_brackets(text, shown):
    assert find_identifiers(text) == [shown]
