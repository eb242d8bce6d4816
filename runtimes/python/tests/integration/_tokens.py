"""Mints fixture tokens through the issuer's test-user grant (as packages/testkit/src/tokens.ts does)."""

from __future__ import annotations

import httpx

from .conftest import OIDC_ISSUER, TEST_CLIENT

TEST_USER_GRANT = "urn:sfn:params:oauth:grant-type:test-user"


async def mint_token(user: str, *, resource: str = "urn:sfn:api", ttl: int | None = None) -> str:
    async with httpx.AsyncClient(timeout=10) as http:
        metadata = (await http.get(f"{OIDC_ISSUER}/.well-known/openid-configuration")).json()
        data = {"grant_type": TEST_USER_GRANT, "username": user, "resource": resource}
        if ttl is not None:
            data["ttl"] = str(ttl)
        response = await http.post(metadata["token_endpoint"], data=data, auth=TEST_CLIENT)
        response.raise_for_status()
        return str(response.json()["access_token"])
