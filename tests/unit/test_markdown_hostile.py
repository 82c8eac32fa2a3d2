"""Hostile learner Markdown: whatever goes in, nothing that can run comes out.

Each payload is rendered through the one pipeline (`app.markdown.render_markdown`)
and the HTML is then parsed: no script-capable element, no `on*` attribute, and
every URL-bearing attribute is http, https, mailto or relative.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.markdown import render_markdown

HOSTILE = [
    # raw HTML elements that run or embed
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script\n>alert(1)</script\n>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"evil.swf\"></object>",
    "<embed src=\"evil.swf\">",
    "<applet code=\"Evil.class\"></applet>",
    "<form action=\"https://evil.example\"><input name=x></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<base href=\"https://evil.example/\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    # event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"alert(1)\"/>",
    "<p onclick=\"alert(1)\">hi</p>",
    "<a href=\"https://ok.example\" onmouseover=\"alert(1)\">x</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<div/onmouseover='alert(1)'>x</div>",
    "<b \tonclick=alert(1)>x</b>",
    "**bold**<em onpointerenter=alert(1)>x</em>",
    # dangerous URLs in Markdown links and images
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;avascript&#x3A;alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: data:text/html,alert(1) \"title\"",
    "<javascript:alert(1)>",
    "[x](javascript:alert`1`)",
    "[x](\\javascript:alert(1))",
    "[a](jav&#x09;ascript:alert(1))",
    # dangerous URLs in raw HTML attributes
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\"javascript&#58;alert(1)\">x</a>",
    "<img src=\"javascript:alert(1)\">",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<a style=\"position:fixed;top:0;left:0;width:100%;height:100%\" href=\"https://evil.example\">x</a>",
    "<a href=\"https://ok.example\" formaction=\"javascript:alert(1)\">x</a>",
    # comments, CDATA, mixed Markdown
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "> <script>alert(1)</script>",
    "- item <img src=x onerror=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "`<script>` is fine in code, but <script>alert(1)</script> is not",
    "```html\n<script>alert(1)</script>\n```",
    "<div markdown=\"1\">[x](javascript:alert(1))</div>",
    "*[HTML]: <script>alert(1)</script>\n\nHTML",
    "Text[^1]\n\n[^1]: <img src=x onerror=alert(1)>",
    "<a href=\"https://ok.example\"\nonclick=alert(1)>x</a>",
    "<<script>script>alert(1)<</script>/script>",
    "<img src=`x`onerror=alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
]

SCRIPTY_TAGS = {"script", "iframe", "object", "embed", "applet", "form", "input", "button", "base", "meta",
                "link", "style", "svg", "math", "template", "img", "video", "audio", "source", "body", "details",
                "marquee", "noscript"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class _Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SCRIPTY_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if name in {"style", "srcdoc", "formaction"}:
                self.problems.append(f"{name}= on <{tag}>")
            if name in URL_ATTRS and value is not None:
                squashed = "".join(ch for ch in value if ch > " ").lower()
                if urlsplit(squashed).scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value!r}")

    handle_startendtag = handle_starttag


def problems(html: str) -> list[str]:
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector.problems


def test_there_are_at_least_fifty_payloads():
    assert len(set(HOSTILE)) >= 50


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_renders_inert(payload):
    html = str(render_markdown(payload))
    assert problems(html) == [], html
    lowered = html.lower()
    assert "javascript:" not in lowered and "vbscript:" not in lowered
    assert "<script" not in lowered


def test_the_inspector_would_catch_what_it_looks_for():
    assert problems('<a href="javascript:alert(1)" onclick="x">x</a><script></script>') == [
        "href='javascript:alert(1)'", "onclick= on <a>", "<script>"]


def test_safe_links_and_formatting_survive_the_hostile_filter():
    html = str(render_markdown("[ok](https://example.org) [mail](mailto:a@example.org) [rel](/dashboard)"))
    assert problems(html) == []
    assert 'href="https://example.org"' in html and 'href="mailto:a@example.org"' in html
    assert 'href="/dashboard"' in html
