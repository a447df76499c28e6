"""Markdown to sanitized HTML, split into sections at headings.

Articles are written in CommonMark. Raw HTML in the source is not interpreted (it shows as
text); links are checked by markdown-it and again by the sanitizer. Each heading outside a
block quote starts a section; the section's ``title`` is the heading's plain text (escape it
when writing HTML) and its ``html`` is the sanitized body that follows, up to the next heading.
Text before the first heading is the article's intro (``intro_html``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from content.domain.sanitizing import sanitize_article_html, sanitize_comment

__all__ = ["RenderedArticle", "Section", "render_markdown", "sanitize_comment"]

_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Section:
    """One headed part of an article: plain-text ``title``, sanitized ``html``, heading ``level`` (1-6)."""

    title: str
    html: str
    level: int


@dataclass(frozen=True)
class RenderedArticle:
    """An article body as sanitized HTML: the intro before the first heading, then its sections."""

    intro_html: str
    sections: list[Section] = field(default_factory=list)

    @property
    def html(self) -> str:
        """The whole body as one sanitized HTML fragment (headings capped to h2-h4)."""
        parts = [self.intro_html] if self.intro_html else []
        for section in self.sections:
            tag = f"h{min(max(section.level, 2), 4)}"
            parts.append(f"<{tag}>{html.escape(section.title)}</{tag}>")
            parts.append(section.html)
        return "\n".join(part for part in parts if part)

    @property
    def text(self) -> str:
        """The body as plain text (titles included), for full-text search."""
        return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", self.html))).strip()


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def _plain_text(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return _SPACES.sub(" ", "".join(parts)).strip()


def _render(tokens: Sequence[Token]) -> str:
    if not tokens:
        return ""
    parser = _parser()
    return sanitize_article_html(parser.renderer.render(list(tokens), parser.options, {})).strip()


def render_markdown(md: str) -> RenderedArticle:
    """Render ``md`` (CommonMark) into sanitized HTML sections split at its headings."""
    tokens = _parser().parse(md)
    intro: list[Token] = []
    sections: list[Section] = []
    heading: tuple[str, int] | None = None
    body: list[Token] = intro
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "heading_open" and token.level == 0:
            if heading is not None:
                sections.append(Section(title=heading[0], html=_render(body), level=heading[1]))
            heading = (_plain_text(tokens[index + 1]), int(token.tag[1]))
            body = []
            index += 3  # heading_open, inline, heading_close
            continue
        body.append(token)
        index += 1
    if heading is not None:
        sections.append(Section(title=heading[0], html=_render(body), level=heading[1]))
    return RenderedArticle(intro_html=_render(intro), sections=sections)
