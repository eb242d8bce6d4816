"""OpenID Connect discovery and the issuer's JWKS, cached (refreshed on an unknown kid, rate-limited)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import jwt

from ._failures import auth_failure

_JWKS_MAX_AGE = 600.0
_REFRESH_INTERVAL = 30.0
_STALE_GRACE = 3600.0


class Issuer:
    def __init__(self, issuer_url: str, http: httpx.AsyncClient) -> None:
        self.url = issuer_url
        self._http = http
        self._metadata: dict[str, Any] | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._unnamed: list[jwt.PyJWK] = []
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url)
        except httpx.HTTPError:
            raise auth_failure("issuer_unavailable") from None
        if response.status_code != 200:
            raise auth_failure("issuer_unavailable")
        try:
            value = response.json()
        except ValueError:
            raise auth_failure("issuer_unavailable") from None
        if not isinstance(value, dict):
            raise auth_failure("issuer_unavailable")
        return value

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            self._metadata = await self._get_json(self.url.rstrip("/") + "/.well-known/openid-configuration")
        return self._metadata

    async def _refresh(self) -> None:
        jwks = await self._get_json(str((await self.metadata())["jwks_uri"]))
        keys: dict[str, jwt.PyJWK] = {}
        unnamed: list[jwt.PyJWK] = []
        for entry in jwks.get("keys", []):
            try:
                key = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key of an unsupported type is skipped, not fatal
            if isinstance(entry.get("kid"), str):
                keys[entry["kid"]] = key
            else:
                unnamed.append(key)
        self._keys, self._unnamed, self._fetched_at = keys, unnamed, time.monotonic()

    async def warm(self, *, keys: bool) -> None:
        """Fetches discovery and, with ``keys``, the JWKS now (unless already fetched)."""
        await self.metadata()
        if keys:
            async with self._lock:
                if self._fetched_at == 0.0:
                    await self._refresh()

    async def key_for(self, kid: str | None) -> jwt.PyJWK | None:
        """The key named ``kid``; an unknown kid refreshes the JWKS once per 30 s."""
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            if self._fetched_at == 0.0 or age > _JWKS_MAX_AGE:
                try:
                    await self._refresh()
                except Exception:
                    if self._fetched_at == 0.0 or age > _JWKS_MAX_AGE + _STALE_GRACE:
                        raise
            key = self._lookup(kid)
            if key is None and time.monotonic() - self._fetched_at > _REFRESH_INTERVAL:
                await self._refresh()
                key = self._lookup(kid)
            return key

    def _lookup(self, kid: str | None) -> jwt.PyJWK | None:
        if kid is not None:
            return self._keys.get(kid)
        candidates = self._unnamed + list(self._keys.values())
        return candidates[0] if len(candidates) == 1 else None
