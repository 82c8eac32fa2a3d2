"""The one Markdown pipeline keeps formatting and drops anything that could run."""

from __future__ import annotations

import re

import pytest

from app.markdown import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    '<p onclick="alert(1)">hi</p>',
    "![x](javascript:alert(1))",
    "<object data=evil.swf></object>",
    "<!-- <script>alert(1)</script> -->",
    '<a href="vbscript:msgbox(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
]
DANGER = re.compile(r"<script|<iframe|<object|<svg|<img|\son\w+\s*=|javascript:|vbscript:|data:", re.I)


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_comes_out_inert(payload):
    assert not DANGER.search(str(render_markdown(payload)))


def test_ordinary_formatting_survives():
    html = str(render_markdown("## Title\n\n**bold** and [a link](https://example.org)\n\n- one\n- two"))
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">a link</a>' in html
    assert "<li>one</li>" in html


def test_headings_can_be_shifted_below_the_page_title():
    assert "<h2>Lecture</h2>" in str(render_markdown("# Lecture", shift_headings=1))
