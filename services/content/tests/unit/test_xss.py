"""No XSS payload survives sanitizing, whether it arrives as a comment or as article Markdown.

Payloads follow the OWASP XSS Filter Evasion and XSS Prevention cheat sheets, plus the
Markdown-specific vectors (link and image destinations, autolinks, reference definitions).
"""

from __future__ import annotations

import html
import re
import urllib.parse
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.domain.rendering import render_markdown, sanitize_comment
from content.domain.sanitizing import ARTICLE_TAGS, COMMENT_TAGS

JS_ALERT = "javascript:alert('XSS')"
ENTITIES_PADDED = "".join(f"&#{ord(c):07d}" for c in JS_ALERT)  # no semicolons, zero-padded
ENTITIES_DECIMAL = "".join(f"&#{ord(c)};" for c in JS_ALERT)
ENTITIES_HEX = "".join(f"&#x{ord(c):X}" for c in JS_ALERT)  # hex, no semicolons
SVG_B64 = "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciPjxzY3JpcHQ+YWxlcnQoMSk8L3NjcmlwdD48L3N2Zz4="
PAYLOADS = [
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://cdn.example/xss.js></SCRIPT>",
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    f'<img src=x onerror="{ENTITIES_PADDED}">',
    f"<IMG SRC={ENTITIES_DECIMAL}>",
    f"<IMG SRC={ENTITIES_HEX}>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    '<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=//xss.example/.j>",
    "<iframe src=http://xss.example/scriptlet.html <",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    '<INPUT TYPE="IMAGE" SRC="javascript:alert(\'XSS\');">',
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<svg/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<BODY ONLOAD=alert('XSS')>",
    '<LINK REL="stylesheet" HREF="javascript:alert(\'XSS\');">',
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<STYLE>@import'http://xss.example/xss.css';</STYLE>",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:alert(\'XSS\');">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
    f'<EMBED SRC="data:image/svg+xml;base64,{SVG_B64}" type="image/svg+xml" AllowScriptAccess="always">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<x onclick=alert(1)>click",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<form action=javascript:alert(1)><button>go</button></form>",
    '<button formaction="javascript:alert(1)">x</button>',
    '<img src="x` `<script>alert(1)</script>"` `>',
    'http://example.com/"><script>alert(1)</script>',
    "https://example.com/?q=<img src=x onerror=alert(1)>",
    'https://example.com/"onmouseover="alert(1)',
    # Markdown vectors
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](  javascript:alert(1)  )",
    "[x](%6Aavascript:alert(1))",
    "[x](java%0ascript:alert(1))",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    f"![x](data:image/svg+xml;base64,{SVG_B64})",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
    "## <script>alert(1)</script> heading\n\ntext",
    "```html\n<script>alert(1)</script>\n```",
    "> <iframe src=javascript:alert(1)>",
    "* <svg onload=alert(1)>\n* [a](javascript:alert(1))",
]
FORBIDDEN_ELEMENTS = {
    "script", "iframe", "object", "embed", "svg", "style", "meta", "link", "base",
    "frame", "frameset", "form", "input", "button", "img", "math", "body",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "background", "data", "xlink:href", "poster"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_safe(output: str, allowed_tags: frozenset[str]) -> None:
    assert "<script" not in output.lower()
    collector = _Collector()
    collector.feed(output)
    collector.close()
    for tag, attrs in collector.elements:
        assert tag not in FORBIDDEN_ELEMENTS, output
        assert tag in allowed_tags, output
        for name, value in attrs:
            assert not name.startswith("on"), output
            assert name != "style", output
            if name in URL_ATTRIBUTES and value is not None:
                seen = _INVISIBLE.sub("", urllib.parse.unquote(html.unescape(value))).lower()
                assert not seen.startswith(BAD_SCHEMES), output


def test_xss_corpus_has_at_least_forty_payloads() -> None:
    assert len(PAYLOADS) >= 40
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_comment_sanitizer_neutralises_xss_payload(payload: str) -> None:
    assert_safe(sanitize_comment(payload), COMMENT_TAGS)
    assert_safe(sanitize_comment(f"Nice post!\n\n{payload}\nhttps://example.com/{payload}"), COMMENT_TAGS)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_renderer_neutralises_xss_payload(payload: str) -> None:
    rendered = render_markdown(f"Intro {payload}\n\n## Section\n\n{payload}\n\n1. {payload}\n")
    assert_safe(rendered.html, ARTICLE_TAGS)
    for section in [rendered.intro_html, *(s.html for s in rendered.sections)]:
        assert_safe(section, ARTICLE_TAGS)


def test_safety_check_itself_catches_the_payloads_it_guards_against() -> None:
    # If assert_safe let these through, the corpus tests above would prove nothing.
    for unsafe in (
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<p onclick="x">x</p>',
        "<svg></svg>",
        '<a href="%64ata:text/html,x">x</a>',
    ):
        with pytest.raises(AssertionError):
            assert_safe(unsafe, ARTICLE_TAGS | {"svg"})


_MARKUP_HEAVY = st.text(alphabet=st.sampled_from(list("<>/=\"' \n\tscriptSCRIPTjavascript:onerror&#;x()[]!")))


@settings(max_examples=300)
@given(st.one_of(st.text(), _MARKUP_HEAVY))
def test_comment_sanitizer_never_outputs_a_script_tag(text: str) -> None:
    assert "<script" not in sanitize_comment(text).lower()
    assert "<script" not in sanitize_comment("<script>" + text).lower()


@settings(max_examples=300)
@given(st.one_of(st.text(), _MARKUP_HEAVY))
def test_markdown_renderer_never_outputs_a_script_tag(text: str) -> None:
    assert "<script" not in render_markdown(text).html.lower()


@settings(max_examples=200)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_comment_sanitizer_keeps_every_word_the_commenter_typed(text: str) -> None:
    output = sanitize_comment(text)
    shown = html.unescape(re.sub(r"<[^>]*>", " ", output))
    assert shown.split() == text.split()
