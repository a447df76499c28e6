"""Dependencies and parameters the catalog's routes share: the list cache, and paths, queries and headers
checked like bodies (PostgreSQL refuses NUL and broken text with an error)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, cast

from fastapi import Depends, Header, Path, Request
from pydantic import BeforeValidator

from catalog.domain.vocabulary import Category, Condition, Route
from catalog.service_layer.list_cache import ListCache

SlugPath = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
IdPath = Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]


def _as_typed(vocabulary: type[StrEnum]) -> BeforeValidator:
    """A filter value as people type it: any case, spaces or hyphens for underscores (`iv`, `PTSD`,
    `nasal spray`). Anything else is left as it came, for the enum to refuse with a 422."""
    words = {member.value.casefold().replace("_", " "): member.value for member in vocabulary}

    def _normalise(value: Any) -> Any:
        if isinstance(value, str):
            return words.get(" ".join(value.replace("_", " ").replace("-", " ").split()).casefold(), value)
        return value

    return BeforeValidator(_normalise)


ConditionQuery = Annotated[Condition | None, _as_typed(Condition)]
RouteQuery = Annotated[Route | None, _as_typed(Route)]
CategoryQuery = Annotated[Category | None, _as_typed(Category)]

IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=40,
                                         description='The ETag of the product version you edit, e.g. "3"')]


async def get_list_cache(request: Request) -> ListCache:
    """The app's own list cache (bootstrap.create_app: one per app, checked against its database)."""
    return cast(ListCache, request.app.state.list_cache)


ListCacheDep = Annotated[ListCache, Depends(get_list_cache)]
