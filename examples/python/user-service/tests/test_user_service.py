"""The UserService on the shared fixture (`pnpm exec sfn-fixture up`): the scripted calls of the
TypeScript example's demo, in Python — an authorised call, a validation error, a forbidden call, and one
call delivered twice with the same callId that is answered twice but inserts once."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import pytest
from sfn_runtime.authenticator import OidcAuthenticator
from sfn_runtime.datastore import PostgresDataStoreFactory, migrate
from sfn_runtime.errors import ForbiddenError, NotFoundError, ValidationError
from sfn_runtime.generated.wire_types import Envelope
from sfn_runtime.host import ServiceHost
from sfn_runtime.messaging import MessagingClient
from sfn_runtime.wire import new_call_id

from user_service.service import UserService

MQTT_URL = os.environ.get("SFN_MQTT_URL", "mqtt://127.0.0.1:18830")
DATABASE_URL = os.environ.get("SFN_DATABASE_URL", "postgres://postgres@127.0.0.1:15432/sfn")
ISSUER = os.environ.get("SFN_OIDC_ISSUER", "http://127.0.0.1:18900")
AUDIENCE = os.environ.get("SFN_OIDC_AUDIENCE", "urn:sfn:api")
TEST_CLIENT = (
    os.environ.get("SFN_OIDC_CLIENT_ID", "sfn-test"),
    os.environ.get("SFN_OIDC_CLIENT_SECRET", "sfn-test-secret"),
)
CONTRACT = json.loads((Path(__file__).parents[1] / "contract.json").read_text(encoding="utf-8"))
CAROL = "00000000-0000-4000-8000-00000000ca01"


async def token(user: str) -> str:
    """A fixture user's access token, through the fixture issuer's test-user grant."""
    async with httpx.AsyncClient(timeout=10) as http:
        metadata = (await http.get(f"{ISSUER}/.well-known/openid-configuration")).json()
        grant = {"grant_type": "urn:sfn:params:oauth:grant-type:test-user", "username": user}
        response = await http.post(metadata["token_endpoint"], data=grant, auth=TEST_CLIENT)
        response.raise_for_status()
        return str(response.json()["access_token"])


@pytest.fixture
async def database() -> AsyncIterator[str]:
    """A fresh PostgreSQL database with the shared migrations and the example's grants (as in the
    TypeScript example's sfn.config.json: role admin → admin, role user → read)."""
    name = f"sfn_py_example_{secrets.token_hex(6)}"
    async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(DATABASE_URL)
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    try:
        await migrate(url)
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            for role, permission in (("admin", "admin"), ("user", "read")):
                await conn.execute(
                    "INSERT INTO sfn.role_permissions (database, collection, role, permission, granted_by)"
                    " VALUES ('app', '', %s, %s, 'example')",
                    (role, permission),
                )
        yield url
    finally:
        async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def call(
    caller: MessagingClient, function: str, parameters: dict[str, Any], user: str, **kw: Any
) -> Any:
    headers = {"authorization": f"Bearer {await token(user)}"}
    return await caller.call(
        "UserService", function, parameters, headers=headers, timeout=timedelta(seconds=10), **kw
    )


async def test_the_demo_calls(database: str) -> None:
    prefix = f"example-{secrets.token_hex(4)}"
    notifications: asyncio.Queue[Envelope] = asyncio.Queue()

    async def notified(envelope: Envelope) -> None:
        await notifications.put(envelope)

    async with (
        OidcAuthenticator(ISSUER, audience=AUDIENCE) as authenticator,
        PostgresDataStoreFactory(database, database="app") as data_stores,
    ):
        host = ServiceHost(
            UserService,
            CONTRACT,
            mqtt_url=MQTT_URL,
            authenticator=authenticator,
            data_stores=data_stores,
            prefix=prefix,
            replica_id=secrets.token_hex(4),
            config={"notificationTopic": "notifications"},
        )
        async with host, MessagingClient(MQTT_URL, prefix=prefix) as caller:
            await caller.subscribe(f"{prefix}/notifications", notified)
            # 1. an authorised call: carol (role admin) creates a user and reads it back
            created = await call(caller, "createUser", {"email": "ada@example.com", "name": "Ada"}, "carol")
            user = await call(caller, "getUser", {"userId": created["userId"]}, "carol")
            assert user["email"] == "ada@example.com"
            assert (user["name"], user["createdBy"]) == ("Ada", CAROL)
            notification = await asyncio.wait_for(notifications.get(), 5)
            assert notification.body == {"type": "user created", "userId": created["userId"]}
            assert notification.headers["authorization"].startswith("Bearer ")  # on the caller's behalf
            # 2. a validation error: every violation is listed, the function does not run
            with pytest.raises(ValidationError) as invalid:
                await call(caller, "createUser", {"email": "not-an-email", "name": ""}, "carol")
            assert invalid.value.code == "SFN_PARAMETERS_INVALID"
            paths = {violation["path"] for violation in invalid.value.details["violations"]}
            assert {"/body/parameters/email", "/body/parameters/name"} <= paths
            # 3. a forbidden call: mallory has no role with write on users; the database says no
            with pytest.raises(ForbiddenError):
                await call(caller, "createUser", {"email": "m@example.com", "name": "M"}, "mallory")
            with pytest.raises(NotFoundError) as missing:
                await call(caller, "getUser", {"userId": "00000000-0000-7000-8000-000000000000"}, "carol")
            assert missing.value.code == "USER_NOT_FOUND"
            # 4. one call delivered twice with the same callId: answered twice, inserted once
            before = (await call(caller, "listUsers", {}, "alice"))["total"]
            same = new_call_id()
            grace = {"email": "grace@example.com", "name": "Grace"}
            first = await call(caller, "createUser", grace, "carol", call_id=same)
            second = await call(caller, "createUser", grace, "carol", call_id=same)
            assert first == second
            page = await call(caller, "listUsers", {"pageSize": 10}, "alice")
            assert page["total"] == before + 1
            assert sorted(u["name"] for u in page["items"]) == ["Ada", "Grace"]
            await host.stop(leave=True)
