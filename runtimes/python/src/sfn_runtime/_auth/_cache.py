"""A bounded LRU of validation results keyed by a salted SHA-256 of the token, never the token."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class TokenCache(Generic[V]):
    def __init__(self, *, max_entries: int = 10_000) -> None:
        self._salt = secrets.token_bytes(16)
        self._entries: OrderedDict[bytes, tuple[float, V]] = OrderedDict()
        self._max = max_entries

    def key(self, token: str) -> bytes:
        return hashlib.sha256(self._salt + token.encode("utf-8")).digest()

    def get(self, key: bytes) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[0] <= time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: bytes, value: V, ttl_seconds: float) -> None:
        if ttl_seconds <= 0:
            return
        self._entries[key] = (time.monotonic() + ttl_seconds, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
