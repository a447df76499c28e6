"""Demo data: the clinic's own ketamine article page, saved as text, for ``make up`` to load.

Read it with :func:`seed_page_text` and turn it into an article with
:func:`content.domain.importer.import_seed_page`.
"""

from __future__ import annotations

from importlib.resources import files

SEED_PAGE = "ketamine-seed.txt"


def seed_page_text() -> str:
    """The seed page's text, read from the installed package (works from a wheel too)."""
    return files(__name__).joinpath(SEED_PAGE).read_text(encoding="utf-8")
