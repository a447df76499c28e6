"""HTML sanitizing: the last gate before anything reaches a reader's browser.

Two policies, both built on nh3 (ammonia):

- articles: a conservative set of text tags; links keep ``href`` and ``title`` only, with
  ``rel="noopener nofollow ugc"`` forced; an ``href`` must be http(s)/mailto or a site path
  (``/...``) or a fragment (``#...``).
- comments: plain text only. Everything the commenter typed is escaped; bare http(s) URLs become
  links with ``rel="nofollow ugc"``; paragraphs and line breaks are kept.

Whatever the input, no script, style, iframe, object, embed, svg, event-handler attribute or
``javascript:``/``data:``/``vbscript:`` URL survives.
"""

from __future__ import annotations

import html
import re
from functools import cache
from urllib.parse import urlsplit

import nh3

ARTICLE_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre", "br"}
)
ARTICLE_LINK_REL = "noopener nofollow ugc"
ARTICLE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
COMMENT_TAGS = frozenset({"p", "br", "a"})
COMMENT_LINK_REL = "nofollow ugc"
COMMENT_URL_SCHEMES = frozenset({"http", "https"})

_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_COMMENT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?*"


def url_scheme(href: str) -> str | None:
    """The lowercase scheme a browser would see in ``href`` (controls and spaces ignored), or None."""
    match = _SCHEME.match(_CONTROL_OR_SPACE.sub("", html.unescape(href)))
    return match.group(1).lower() if match else None


def is_safe_href(href: str, schemes: frozenset[str], *, allow_site_paths: bool) -> bool:
    """True if ``href`` uses one of ``schemes``, or (when allowed) is a ``/path`` or ``#fragment``."""
    scheme = url_scheme(href)
    if scheme is not None:
        return scheme in schemes
    stripped = _CONTROL_OR_SPACE.sub("", href)
    return allow_site_paths and stripped.startswith(("/", "#"))


def _article_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return value if is_safe_href(value, ARTICLE_URL_SCHEMES, allow_site_paths=True) else None
    if attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 6 else None
    return value


def _comment_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return value if is_safe_href(value, COMMENT_URL_SCHEMES, allow_site_paths=False) else None
    return value  # the only other attribute that reaches here is the rel the cleaner sets


@cache
def _article_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ARTICLE_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href", "title"}, "ol": {"start"}},
        attribute_filter=_article_attribute,
        link_rel=ARTICLE_LINK_REL,
        url_schemes=set(ARTICLE_URL_SCHEMES),
    )


@cache
def _comment_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(COMMENT_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        attribute_filter=_comment_attribute,
        link_rel=COMMENT_LINK_REL,
        url_schemes=set(COMMENT_URL_SCHEMES),
        url_relative="deny",
    )


def sanitize_article_html(fragment: str) -> str:
    """``fragment`` with everything outside the article policy removed."""
    return _article_cleaner().clean(fragment)


def _link_or_text(match: re.Match[str]) -> str:
    url = match.group(0)
    trimmed = url.rstrip(_URL_TRAILING)
    while trimmed.endswith(")") and trimmed.count(")") > trimmed.count("("):
        trimmed = trimmed[:-1].rstrip(_URL_TRAILING)
    rest = html.escape(url[len(trimmed) :])
    try:
        host = urlsplit(trimmed).hostname
    except ValueError:
        host = None
    if not host:
        return html.escape(url)
    return f'<a href="{html.escape(trimmed, quote=True)}">{html.escape(trimmed)}</a>{rest}'


def _linkify_line(line: str) -> str:
    out: list[str] = []
    position = 0
    for match in _URL_IN_TEXT.finditer(line):
        out.append(html.escape(line[position : match.start()]))
        out.append(_link_or_text(match))
        position = match.end()
    out.append(html.escape(line[position:]))
    return "".join(out)


def sanitize_comment(text: str) -> str:
    """Safe HTML for a comment body typed as plain text.

    Blank lines separate paragraphs (``<p>``), single newlines become ``<br>``, bare http(s)
    URLs become ``rel="nofollow ugc"`` links; every other character is escaped, so markup the
    commenter typed is shown as text, never interpreted.
    """
    normalized = _COMMENT_CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not normalized:
        return ""
    paragraphs = (p.strip("\n") for p in re.split(r"\n[ \t]*\n", normalized))
    html_paragraphs = [
        "<p>" + "<br>".join(_linkify_line(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    ]
    return _comment_cleaner().clean("\n".join(html_paragraphs))
