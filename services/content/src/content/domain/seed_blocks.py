"""Reading a page saved as text: split it into blocks and tell what each block is.

The clinic's pages, saved as text, put one paragraph per block (blocks are separated by blank
lines). A heading is a short line that does not end like a sentence; a numbered item is a
block starting ``1.`` or ``1)``; site chrome (the price-match banner, cart, comment form,
navigation, footer) is recognised by a short list of markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

HEADING_MAX_WORDS = 14
HEADING_MAX_CHARS = 120
LABEL_MAX_WORDS = 10

# A block matching one of these is site chrome, wherever it appears.
_CHROME = re.compile(
    r"we guarantee to be the most affordable|we.ll give you \d+% off|your cart is empty"
    r"|haven.t added any items to your cart|^browse products$|your email address will not be published"
    r"|required fields are marked|^skip to (main )?content$|all rights reserved|^copyright\b|©"
    r"|^(home|menu|search|shop|cart|checkout|log ?in|sign ?in|my account|privacy policy)$"
    r"|^(posted|published) (in|on|by)\b|^(tags?|categor(y|ies)|share( this)?):?\b",
    re.IGNORECASE,
)
# The article ends where one of these starts (the comment form, related posts, the footer).
_END = re.compile(
    r"^(leave a (reply|comment)|\d+ (comments?|responses?|replies)|related (posts|articles)"
    r"|post navigation|you may also like|about the author)\b",
    re.IGNORECASE,
)
_ITEM = re.compile(r"(\d{1,2})[.)]\s+(.+)", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?;,:…]$")


class Kind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    CHROME = "chrome"
    END = "end"


@dataclass(frozen=True)
class Block:
    """One block of the page: its kind, its text, and for a numbered item its number and label."""

    kind: Kind
    text: str
    number: int = 0
    label: str = ""


def split_blocks(page: str) -> list[str]:
    """The page's blocks: runs of non-blank lines, whitespace collapsed to single spaces."""
    page = page.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    raw = re.split(r"\n[ \t]*\n", page)
    return [text for text in (" ".join(chunk.split()) for chunk in raw) if text]


def _looks_like_heading(text: str) -> bool:
    return (
        len(text) <= HEADING_MAX_CHARS
        and len(text.split()) <= HEADING_MAX_WORDS
        and text[0].isupper()
        and not _SENTENCE_END.search(text)
        and ". " not in text
    )


def classify(text: str) -> Block:
    """What the block ``text`` is: chrome, the end of the article, a heading, an item or a paragraph."""
    if _END.match(text):
        return Block(Kind.END, text)
    if _CHROME.search(text):
        return Block(Kind.CHROME, text)
    item = _ITEM.fullmatch(text)
    if item:
        number, rest = int(item.group(1)), item.group(2).strip()
        label = rest.removesuffix(":").strip()
        is_label = len(label.split()) <= LABEL_MAX_WORDS and not _SENTENCE_END.search(label)
        if is_label and (rest.endswith(":") or ". " not in rest):
            return Block(Kind.ITEM, text, number=number, label=label)
        return Block(Kind.ITEM, rest, number=number)
    if _looks_like_heading(text):
        return Block(Kind.HEADING, text)
    return Block(Kind.PARAGRAPH, text)
