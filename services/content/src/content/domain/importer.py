"""The importer: a page of the clinic's site, saved as text, becomes an article in Markdown.

The page's title is the heading directly followed by the first paragraph; that paragraph is the
summary and the intro. Every later heading becomes a ``##`` section, numbered items become an
ordered list (an item's label in bold, its paragraphs inside the item), and site chrome (banner,
cart, comment form, navigation, footer) is left out. Conditions are read from the headings and
item labels (falling back to the whole text), tags from the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from content.domain.errors import SeedImportError
from content.domain.seed_blocks import Block, Kind, classify, split_blocks
from content.domain.slugs import slugify, validate_slug

SUMMARY_MAX_CHARS = 500
CONDITION_PATTERNS: dict[str, str] = {
    "depression": r"\bdepress(?:ion|ive)\b",
    "anxiety": r"\banxiety\b|\banxious\b",
    "ptsd": r"\bPTSD\b|\bpost-traumatic stress\b",
    "bipolar": r"\bbipolar\b",
    "ocd": r"\bOCD\b|\bobsessive-compulsive\b",
    "chronic-pain": r"\bchronic pain\b",
}
TAG_PATTERNS: dict[str, str] = {
    "ketamine": r"\bketamine\b",
    "esketamine": r"\besketamine\b|\bspravato\b",
    "iv-infusion": r"\bintravenous\b|\bIV infusion\b",
    "im-injection": r"\bintramuscular\b|\bIM injection\b",
    "troches": r"\btroches?\b",
    "nasal-spray": r"\bintranasal\b|\bnasal spray\b",
}
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


@dataclass(frozen=True)
class ImportedArticle:
    """What the importer read: the fields of a new draft article."""

    title: str
    slug: str
    summary: str
    markdown: str
    conditions: list[str]
    tags: list[str]


def _escape(text: str) -> str:
    """``text`` as a Markdown paragraph that renders as exactly this text."""
    text = _ENTITY_LIKE.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text))
    text = re.sub(r"^([#+=-])", r"\\\1", text)
    return re.sub(r"^(\d{1,9})([.)])", r"\1\\\2", text)


def _take_list(body: list[Block], start: int) -> tuple[str, list[str], int]:
    """The ordered list starting at ``body[start]``, paragraphs that follow it, and the next index."""
    items: list[tuple[Block, list[str]]] = []
    index = start
    while index < len(body) and body[index].kind is Kind.ITEM:
        item, paragraphs = body[index], []
        index += 1
        while index < len(body) and body[index].kind is Kind.PARAGRAPH:
            paragraphs.append(body[index].text)
            index += 1
        items.append((item, paragraphs))
    # The last item keeps as many paragraphs as the others had; the rest close the section.
    last, last_paragraphs = items[-1]
    earlier = [len(paragraphs) for _, paragraphs in items[:-1]]
    keep = min(earlier) if earlier else (1 if last.label else 0)
    items[-1] = (last, last_paragraphs[:keep])
    lines: list[str] = []
    for item, paragraphs in items:
        marker = f"{item.number}."
        indent = " " * (len(marker) + 1)
        lines.append(f"{marker} **{_escape(item.label)}**" if item.label else f"{marker} {_escape(item.text)}")
        lines.extend(f"\n{indent}{_escape(paragraph)}" for paragraph in paragraphs)
        lines.append("")
    return "\n".join(lines).strip(), last_paragraphs[keep:], index


def _to_markdown(body: list[Block]) -> str:
    parts: list[str] = []
    index = 0
    while index < len(body):
        block = body[index]
        if block.kind is Kind.ITEM:
            ordered_list, trailing, index = _take_list(body, index)
            parts.append(ordered_list)
            parts.extend(_escape(paragraph) for paragraph in trailing)
            continue
        parts.append(f"## {_escape(block.text)}" if block.kind is Kind.HEADING else _escape(block.text))
        index += 1
    return "\n\n".join(parts) + "\n"


def _matching(patterns: dict[str, str], text: str) -> list[str]:
    return [key for key, pattern in patterns.items() if re.search(pattern, text, re.IGNORECASE)]


def _summary(text: str) -> str:
    if len(text) <= SUMMARY_MAX_CHARS:
        return text
    return text[: SUMMARY_MAX_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def import_seed_page(text: str, *, slug: str | None = None) -> ImportedArticle:
    """Read the page ``text`` into an article; ``slug`` defaults to one made from the title."""
    blocks = [classify(raw) for raw in split_blocks(text)]
    end = next((i for i, block in enumerate(blocks) if block.kind is Kind.END), len(blocks))
    kept = [block for block in blocks[:end] if block.kind is not Kind.CHROME]
    title_at = next(
        (i for i in range(len(kept) - 1) if kept[i].kind is Kind.HEADING and kept[i + 1].kind is Kind.PARAGRAPH),
        None,
    )
    if title_at is None:
        raise SeedImportError("no title found: expected a heading followed by a paragraph")
    title, body = kept[title_at].text, kept[title_at + 1 :]
    labels = " \n".join(b.label or b.text for b in body if b.kind in {Kind.HEADING, Kind.ITEM})
    everything = " \n".join([title, *(b.text for b in body)])
    return ImportedArticle(
        title=title,
        slug=validate_slug(slug) if slug is not None else slugify(title),
        summary=_summary(body[0].text),
        markdown=_to_markdown(body),
        conditions=_matching(CONDITION_PATTERNS, labels) or _matching(CONDITION_PATTERNS, everything),
        tags=_matching(TAG_PATTERNS, everything),
    )
