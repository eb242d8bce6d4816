"""``Conformance``: the reference contract of conformance/contract.json, implemented once for the Python
runtime. Each function follows its ``description`` in the contract (the normative text); the runner
launches it as conformance/runtimes/python.json says:

    python -m sfn_runtime conformance.service:ConformanceService ../../conformance/contract.json
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import time
from collections import OrderedDict
from datetime import timedelta
from typing import Any, ClassVar

from sfn_runtime.datastore import PostgresAuthorizer, PostgresDataStore
from sfn_runtime.errors import (
    BusinessLogicError,
    NotFoundError,
    SfnError,
    SfnSystemError,
    ValidationError,
    error_from_info,
)
from sfn_runtime.generated.wire_types import UserContext
from sfn_runtime.host import CallContext, function, service
from sfn_runtime.messaging import BoundMessaging

SERVICE = "Conformance"
_ATTEMPTS_KEPT = 100_000


class NotConfiguredError(SfnSystemError):
    """A platform interface the function needs was not configured (no database, no messaging)."""


def _typed_error(parameters: dict[str, Any]) -> SfnError:
    """`fail`'s error: its type, code, details and retryable as given, the rest the type's defaults."""
    kind = parameters.get("type", "SystemError")
    return error_from_info({**parameters, "type": kind, "message": f"conformance: {kind} requested"})


@service(SERVICE)
class ConformanceService:
    #: ``fail`` with ``failAttempts``: attempts seen per callId, in this process (bounded, oldest dropped).
    attempts: ClassVar[OrderedDict[str, int]] = OrderedDict()

    def __init__(
        self,
        user: UserContext | None,
        data_store: PostgresDataStore | None,
        authorizer: PostgresAuthorizer | None,
        messaging: BoundMessaging | None,
        context: CallContext,
    ) -> None:
        self.user = user
        self._data_store = data_store
        self._authorizer = authorizer
        self._messaging = messaging
        self.context = context

    # -- what the injected interfaces must provide -----------------------------------------------
    @property
    def data_store(self) -> PostgresDataStore:
        if self._data_store is None:
            raise NotConfiguredError("no DataStore: SFN_DATABASE_URL is not set", retryable=False)
        return self._data_store

    @property
    def authorizer(self) -> PostgresAuthorizer:
        if self._authorizer is None:
            raise NotConfiguredError("no Authorizer: SFN_DATABASE_URL is not set", retryable=False)
        return self._authorizer

    @property
    def messaging(self) -> BoundMessaging:
        if self._messaging is None:
            raise NotConfiguredError("no Messaging bound to the function", retryable=False)
        return self._messaging

    @property
    def database(self) -> str:
        return self.authorizer.database or "app"

    # -- echo, arithmetic, identity ------------------------------------------------------------------
    @function("echo")
    async def echo(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"value": parameters["value"]}

    @function("publicEcho")
    async def public_echo(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"value": parameters["value"]}

    @function("add")
    async def add(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"sum": parameters["a"] + parameters["b"]}

    @function("whoami")
    async def whoami(self, _: dict[str, Any]) -> dict[str, Any]:
        user = self.user
        if user is None:
            return {"userId": "", "roles": [], "hasToken": False}
        seen: dict[str, Any] = {
            "userId": user.user_id,
            "roles": list(user.roles),
            "groups": list(user.groups),
        }
        optional = {
            "email": user.email,
            "tenant": user.tenant,
            "clientId": user.client_id,
            "tokenId": user.token_id,
            "expiresAt": user.expires_at,
        }
        seen.update({name: value for name, value in optional.items() if value is not None})
        seen["hasToken"] = bool(user.token)
        return seen

    # -- documents -----------------------------------------------------------------------------------
    async def _document(self, collection: str, id: str) -> dict[str, Any]:
        found = await self.data_store.get_by_id(collection, id)
        if found is None:
            raise NotFoundError(f"no document {id} in {collection}")  # no code: SFN_NOT_FOUND (P-ERR-6)
        return found.to_dict()

    @function("createDoc")
    async def create_doc(self, parameters: dict[str, Any]) -> dict[str, Any]:
        new_id = await self.data_store.insert(parameters["collection"], parameters["data"])
        return await self._document(parameters["collection"], new_id)

    @function("getDoc")
    async def get_doc(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return await self._document(parameters["collection"], parameters["id"])

    @function("queryDocs")
    async def query_docs(self, parameters: dict[str, Any]) -> dict[str, Any]:
        page = parameters.get("page", 1)
        page_size = parameters.get("pageSize", 20)
        # whole numbers go as integers; anything else reaches the DataStore, which rejects it
        page = int(page) if isinstance(page, float) and page.is_integer() else page
        page_size = int(page_size) if isinstance(page_size, float) and page_size.is_integer() else page_size
        result = await self.data_store.query(
            parameters["collection"], parameters.get("query", {}), page, page_size
        )
        return result.to_dict()

    @function("updateDoc")
    async def update_doc(self, parameters: dict[str, Any]) -> dict[str, Any]:
        collection, id = parameters["collection"], parameters["id"]
        changed = await self.data_store.update(
            collection, {"filter": {"id": id}}, parameters["data"], mode=parameters.get("mode", "merge")
        )
        if changed == 0:
            raise NotFoundError(f"no document {id} in {collection}")
        return await self._document(collection, id)

    @function("deleteDoc")
    async def delete_doc(self, parameters: dict[str, Any]) -> dict[str, Any]:
        deleted = await self.data_store.delete(parameters["collection"], {"filter": {"id": parameters["id"]}})
        return {"deleted": deleted > 0}

    # -- permissions ---------------------------------------------------------------------------------
    @function("grantPermission")
    async def grant_permission(self, parameters: dict[str, Any]) -> None:
        permissions = parameters["permissions"]
        collection = parameters.get("collection")
        if "userId" in parameters:
            await self.authorizer.assign_permissions_to_user(
                parameters["userId"], permissions, self.database, collection
            )
        else:
            await self.authorizer.grant_permissions_to_role(
                parameters["role"], permissions, self.database, collection
            )

    @function("checkPermission")
    async def check_permission(self, parameters: dict[str, Any]) -> dict[str, Any]:
        subject = parameters.get("userId") or (self.user.user_id if self.user is not None else "")
        granted = await self.authorizer.has_permission(
            subject, parameters["permission"], self.database, parameters.get("collection")
        )
        return {"granted": granted}

    # -- messaging -----------------------------------------------------------------------------------
    @function("notify")
    async def notify(self, parameters: dict[str, Any]) -> None:
        topic = self.messaging.topic(f"conformance/notify/{parameters['topic']}")
        for _ in range(parameters.get("count", 1)):
            await self.messaging.send(topic, parameters["message"])

    @function("callOther")
    async def call_other(self, parameters: dict[str, Any]) -> dict[str, Any]:
        timeout = timedelta(milliseconds=parameters.get("timeoutMs", 30_000))
        try:
            result = await self.messaging.call(
                SERVICE, parameters["function"], parameters["parameters"], timeout=timeout
            )
        except SfnError as error:  # the nested outcome is data here, not a failure of callOther
            seen: dict[str, Any] = {"type": error.type, "code": error.code, "retryable": error.retryable}
            return {"outcome": "error", "error": seen}
        return {"outcome": "success", "result": result}

    @function("headers")
    async def headers(self, _: dict[str, Any]) -> dict[str, Any]:
        incoming = self.context.headers
        seen: dict[str, Any] = {
            "headers": {name: value for name, value in incoming.items() if name != "authorization"},
            "hasAuthorization": "authorization" in incoming,
        }
        if self.user is not None:
            seen["userId"] = self.user.user_id
        return seen

    @function("binaryEcho")
    async def binary_echo(self, parameters: dict[str, Any]) -> dict[str, Any]:
        try:
            data = base64.b64decode(parameters["data"], validate=True)
        except binascii.Error:
            raise ValidationError("data is not base64", code="SFN_PARAMETERS_INVALID") from None
        chunk_size = parameters.get("chunkSize")
        options = {} if chunk_size is None else {"chunk_size": chunk_size}
        topic = self.messaging.topic(f"conformance/binary/{parameters['topic']}")
        sent = await self.messaging.send_transfer(topic, data, **options)
        return {
            "transferId": sent.transfer_id,
            "totalLength": sent.total_length,
            "sha256": sent.sha256,
            "frames": sent.frames,
        }

    # -- errors, time, effects -----------------------------------------------------------------------
    @function("failBusiness")
    async def fail_business(self, parameters: dict[str, Any]) -> None:
        options: dict[str, Any] = {}
        if "code" in parameters:
            options["code"] = parameters["code"]
        if "details" in parameters:
            options["details"] = parameters["details"]
        raise BusinessLogicError("conformance: business rule", **options)

    @function("fail")
    async def fail(self, parameters: dict[str, Any]) -> None:
        fail_attempts = parameters.get("failAttempts")
        if fail_attempts is not None:
            call_id = self.context.call_id
            attempt = self.attempts.pop(call_id, 0) + 1
            self.attempts[call_id] = attempt
            while len(self.attempts) > _ATTEMPTS_KEPT:
                self.attempts.popitem(last=False)
            if attempt > fail_attempts:
                return None
        if parameters.get("writeFirst"):
            await self.data_store.insert("effects", {"callId": self.context.call_id})
        if parameters.get("untyped"):
            raise RuntimeError("conformance: an untyped failure with internals that must not leak")
        raise _typed_error(parameters)

    @function("slow")
    async def slow(self, parameters: dict[str, Any]) -> dict[str, Any]:
        started = time.monotonic()
        await asyncio.sleep(parameters["ms"] / 1000)  # cancelled by the host at the time limit
        return {"sleptMs": round((time.monotonic() - started) * 1000)}

    @function("counter")
    async def counter(self, parameters: dict[str, Any]) -> dict[str, Any]:
        await asyncio.sleep(parameters.get("delayMs", 0) / 1000)
        name = parameters["name"]
        await self.data_store.insert("counters", {"name": name, "callId": self.context.call_id})
        seen = await self.data_store.query("counters", {"filter": {"name": name}}, 1, 1)
        return {"value": seen.total}

    @function("bigResult")
    async def big_result(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"data": "x" * parameters["bytes"]}

    @function("badResult")
    async def bad_result(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"sum": "not an integer"}
