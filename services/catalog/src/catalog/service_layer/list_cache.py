"""The public list's answers, kept as the bytes sent, per query, for as long as the catalog did not change.

Whether it changed is asked of the database on every request (`ProductRepository.generation`: one
aggregate over the products, no transaction), so a write is visible at once on every replica, whichever
one wrote it; what is saved is the page, its children and the serialisation. Bounded in bytes
(CATALOG_LIST_CACHE_BYTES; 0 turns it off), least recently used first out.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    generation: tuple[Any, ...]
    body: bytes
    etag: str


def entity_tag(body: bytes) -> str:
    return '"l-' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class ListCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Answer] = OrderedDict()
        self._bytes = 0

    def get(self, key: Hashable, generation: tuple[Any, ...]) -> Answer | None:
        answer = self._entries.get(key)
        if answer is None or answer.generation != generation:
            return None
        self._entries.move_to_end(key)
        return answer

    def put(self, key: Hashable, answer: Answer) -> None:
        size = len(answer.body)
        if size > self.max_bytes // 4:  # (also: max_bytes 0 keeps nothing)
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = answer
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)
