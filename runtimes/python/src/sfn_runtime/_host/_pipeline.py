"""The call lifecycle of a runtime (docs/protocol.md §7.1, steps 2-15) for one received message."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Final, TypeVar

from .._messaging._bound import IncomingCall
from .._messaging._connection import ReceivedMessage
from .._wire._constants import DEFAULT_MAX_PAYLOAD_BYTES
from .._wire._envelope import (
    Call,
    EnvelopeDecodeError,
    as_call,
    create_error_reply,
    create_message_envelope,
    create_success_reply,
    decode_envelope,
    encode_envelope,
    envelope_to_dict,
    now_ms,
)
from .._wire._topics import dead_letter_topic, publish_topic_problem
from ..errors import (
    ErrorCodes,
    NotFoundError,
    SfnError,
    SfnSystemError,
    SfnTimeoutError,
    ValidationError,
    to_error_info,
)
from ..generated.wire_types import Envelope, UserContext
from ._authoring import CallContext, ServiceDefinition
from ._contract import CompiledFunction

_log = logging.getLogger("sfn_runtime.host")
_CALL_ID: Final = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
#: asyncio.timeout (Python 3.11+) limits an attempt in the handler's own task; wait_for runs it in a new one
_TIMEOUT: Final[Any] = getattr(asyncio, "timeout", None)
_T = TypeVar("_T")


async def _within(attempt: Awaitable[_T], seconds: float) -> _T:
    """``attempt``'s result, or asyncio.TimeoutError (cancelling it) after ``seconds``."""
    if _TIMEOUT is None:
        return await asyncio.wait_for(attempt, seconds)
    async with _TIMEOUT(seconds):
        return await attempt


#: Publishes an envelope to a topic (QoS 1); the host wires it to the connection the call came on.
Publish = Callable[[str, Envelope], Awaitable[None]]
#: Binds the function's Messaging to the caller and to the call being handled (nested calls, P-HDR-3).
MessagingFor = Callable[[UserContext | None, IncomingCall], Any]


@dataclass(frozen=True)
class RetryPolicy:
    """P-ERR-8: exponential backoff with full jitter."""

    max_attempts: int = 3
    base_ms: int = 100
    max_delay_ms: int = 2_000

    def delay_ms(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay_ms, self.base_ms * 2 ** (attempt - 1)))


@dataclass
class PipelineOptions:
    service: str
    prefix: str | None = None
    max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    dedup: bool = True
    dedup_ttl_seconds: int = 24 * 3600
    validate_output: bool = False
    config: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Metrics:
    calls: int = 0
    succeeded: int = 0
    failed: int = 0
    poison: int = 0
    duplicates: int = 0
    dead_letters: int = 0


class CallPipeline:
    def __init__(
        self,
        definition: ServiceDefinition,
        functions: Mapping[str, CompiledFunction],
        options: PipelineOptions,
        *,
        authenticator: Any = None,
        data_stores: Any = None,
        messaging_for: MessagingFor | None = None,
    ) -> None:
        self._definition = definition
        self._functions = functions
        self._options = options
        self._authenticator = authenticator
        self._data_stores = data_stores
        self._messaging_for = messaging_for
        self.metrics = Metrics()

    # -- outcomes ------------------------------------------------------------------------------
    def _poison(self, reason: str, error: BaseException | None = None) -> None:
        self.metrics.poison += 1
        _log.warning("poison message: %s (%s)", reason, getattr(error, "code", None))

    async def _reply(self, publish: Publish, reply_to: str, reply: Envelope, traceparent: str | None) -> None:
        if traceparent is not None:
            reply.headers.setdefault("traceparent", traceparent)
        size = len(encode_envelope(reply))
        if size > self._options.max_payload_bytes:  # P-SIZE-1: details {size, limit}
            error = ValidationError(
                "the reply exceeds the size limit",
                code=ErrorCodes.PAYLOAD_TOO_LARGE,
                details={"size": size, "limit": self._options.max_payload_bytes},
            )
            reply = create_error_reply(reply.call_id, error.to_error_info())
        await publish(reply_to, reply)

    async def _error_reply(
        self,
        publish: Publish,
        reply_to: str,
        call_id: str | None,
        error: SfnError,
        traceparent: str | None = None,
    ) -> None:
        self.metrics.failed += 1
        await self._reply(publish, reply_to, create_error_reply(call_id, error.to_error_info()), traceparent)

    # -- steps ---------------------------------------------------------------------------------
    async def process(self, message: ReceivedMessage, publish: Publish) -> None:
        """Runs steps 2-14; the caller acknowledges afterwards (step 15). Never raises."""
        self.metrics.calls += 1
        try:
            await self._process(message, publish)
        except Exception:  # P-LIFE-1: keep serving whatever happens
            _log.exception("unexpected failure while processing a call")

    async def _process(self, message: ReceivedMessage, publish: Publish) -> None:
        try:
            envelope = decode_envelope(
                message.payload, max_bytes=self._options.max_payload_bytes
            )  # steps 2-5
        except EnvelopeDecodeError as error:
            await self._undecodable(message, error, publish)
            return
        try:
            call = as_call(envelope)  # step 6
        except ValidationError as error:
            reply_to = envelope.reply_to
            if reply_to is None or publish_topic_problem(reply_to) is not None:
                self._poison("not a call", error)
                return
            call_id = envelope.call_id if envelope.call_id and _CALL_ID.match(envelope.call_id) else None
            await self._error_reply(publish, reply_to, call_id, error)
            return
        if publish_topic_problem(call.reply_to) is not None:
            self._poison("replyTo is not a topic one may publish to")
            return
        await self._handle_call(call, publish)

    async def _undecodable(
        self, message: ReceivedMessage, error: EnvelopeDecodeError, publish: Publish
    ) -> None:
        raw = error.raw
        if error.code == ErrorCodes.PAYLOAD_TOO_LARGE:  # P-SIZE-3: only the MQTT 5 properties are known
            reply_to = message.response_topic
            correlation = message.correlation_data
            call_id = None
            if correlation is not None:
                with contextlib.suppress(UnicodeDecodeError):
                    text = correlation.decode("utf-8")
                    call_id = text if _CALL_ID.match(text) else None
        elif isinstance(raw, dict):
            reply_to = raw.get("replyTo") if isinstance(raw.get("replyTo"), str) else None
            candidate = raw.get("callId")
            call_id = candidate if isinstance(candidate, str) and _CALL_ID.match(candidate) else None
        else:
            reply_to, call_id = None, None
        if not isinstance(reply_to, str) or not 1 <= len(reply_to) <= 1024 or publish_topic_problem(reply_to):
            self._poison("undecodable payload", error)
            return
        await self._error_reply(publish, reply_to, call_id, error)

    async def _authenticate(self, call: Call, function: CompiledFunction | None) -> UserContext | None:
        header = call.envelope.headers.get("authorization")
        required = function is None or function.authenticated
        if header is None and not required:
            return None
        if self._authenticator is None:
            # the host refuses to start without one when any function is authenticated
            return None
        user: UserContext = await self._authenticator.validate_token(header if header is not None else "")
        return user

    async def _handle_call(self, call: Call, publish: Publish) -> None:
        headers = call.envelope.headers
        traceparent = headers.get("traceparent")
        deadline_header = headers.get("deadline")
        deadline = int(deadline_header) if deadline_header is not None else None
        if deadline is not None and now_ms() >= deadline:  # step 7
            error = SfnTimeoutError("the call's deadline passed", code=ErrorCodes.DEADLINE_EXPIRED)
            await self._error_reply(publish, call.reply_to, call.call_id, error, traceparent)
            return
        function = self._functions.get(call.body.function)
        try:
            user = await self._authenticate(call, function)  # step 8
        except SfnError as auth_error:
            await self._error_reply(publish, call.reply_to, call.call_id, auth_error, traceparent)
            return
        handler = self._definition.functions.get(call.body.function)
        if function is None or handler is None:  # step 9
            not_found = NotFoundError(
                f"function '{call.body.function[:128]}' does not exist",
                code=ErrorCodes.FUNCTION_NOT_FOUND,
                details={"function": call.body.function},
            )
            await self._error_reply(publish, call.reply_to, call.call_id, not_found, traceparent)
            return
        problems = function.parameter_violations(call.body.parameters)  # step 10
        if problems:
            invalid = ValidationError(
                f"parameters do not match the input schema of {function.name}",
                code=ErrorCodes.PARAMETERS_INVALID,
                details={"violations": problems},
            )
            await self._error_reply(publish, call.reply_to, call.call_id, invalid, traceparent)
            return
        started = now_ms()
        limit_ms = function.timeout_ms if deadline is None else min(function.timeout_ms, deadline - started)
        body, attempts = await self._execute_with_retries(
            call, function, user, limit_ms, started
        )  # steps 11-14
        if body.get("status") == "error" and body["error"]["type"] == "SystemError":
            await self._dead_letter(call, function, body["error"], attempts, publish)
        reply = (
            create_success_reply(call.call_id, body.get("result"))
            if body["status"] == "success"
            else create_error_reply(call.call_id, body["error"])
        )
        if body["status"] == "success":
            self.metrics.succeeded += 1
        else:
            self.metrics.failed += 1
        await self._reply(publish, call.reply_to, reply, traceparent)

    async def _execute_with_retries(
        self, call: Call, function: CompiledFunction, user: UserContext | None, limit_ms: int, started: int
    ) -> tuple[dict[str, Any], int]:
        policy = self._options.retry
        limit_at = started + limit_ms
        attempt = 0
        while True:
            attempt += 1
            remaining = limit_at - now_ms()
            try:
                if remaining <= 0:
                    raise asyncio.TimeoutError
                return await _within(self._attempt(call, function, user, limit_at), remaining / 1000), attempt
            except SfnError as caught:  # before TimeoutError: SfnTimeoutError is one too
                error: SfnError = caught
            except asyncio.TimeoutError:
                error = SfnTimeoutError(
                    "the function exceeded its time limit",
                    code=ErrorCodes.TIMEOUT,
                    details={"limitMs": max(0, remaining)},
                )
                return {"status": "error", "error": error.to_error_info()}, attempt
            except Exception:
                _log.exception("function %s failed (callId %s)", function.name, call.call_id)  # P-ERR-3
                # exactly {type, code, message} on the wire; a SystemError without `retryable`, so its
                # effective retryable is true (P-ERR-4) and it is retried like any other (P-ERR-8)
                error = SfnSystemError(
                    str(to_error_info(RuntimeError())["message"]), code=ErrorCodes.INTERNAL
                )
            delay = policy.delay_ms(attempt)
            budget_left = limit_at - now_ms()
            if not (error.type == "SystemError" and error.retryable) or attempt >= policy.max_attempts:
                return {"status": "error", "error": error.to_error_info()}, attempt
            if budget_left <= delay:
                return {"status": "error", "error": error.to_error_info()}, attempt
            await asyncio.sleep(delay / 1000)

    async def _attempt(
        self, call: Call, function: CompiledFunction, user: UserContext | None, limit_at: int
    ) -> dict[str, Any]:
        """One attempt in a fresh transaction: de-duplicate, run, check, record, commit (steps 11-14)."""
        dedup = self._data_stores is not None and self._options.dedup and not function.idempotent
        if self._data_stores is None:
            return await self._run(call, function, user, None, limit_at)
        from .._data._lazy import LazyTransaction
        from .._data._processed_calls import CLAIM_SQL, RECORD_REFUSED, RECORD_STRICT_SQL, record_params

        service = self._options.service
        async with LazyTransaction(self._data_stores) as transaction:
            if not dedup:  # no processed_calls lookup: the transaction begins with the first operation
                return await self._run(call, function, user, transaction, limit_at)
            # BEGIN + claim in one round trip: a concurrent duplicate waits on the call's advisory lock
            # (P-DEDUP-3) and then finds the reply the first delivery committed
            stored = await transaction.begin_with(CLAIM_SQL, (service, call.call_id))
            if isinstance(stored, dict):
                self.metrics.duplicates += 1
                return stored  # P-DEDUP-4
            body = await self._run(call, function, user, transaction, limit_at)
            # record + COMMIT in one round trip; a record that finds one already refuses and rolls back
            if not await transaction.commit_with(
                RECORD_STRICT_SQL,
                record_params(service, call.call_id, body, self._options.dedup_ttl_seconds),
                refusal=RECORD_REFUSED,
            ):
                raise SfnSystemError("a concurrent delivery of this call won; retrying", retryable=True)
            return body

    async def _run(
        self, call: Call, function: CompiledFunction, user: UserContext | None, conn: Any, limit_at: int
    ) -> dict[str, Any]:
        data_store = authorizer = None
        if self._data_stores is not None and user is not None:
            data_store = self._data_stores.create_data_store(user, call_id=call.call_id, transaction=conn)
            authorizer = self._data_stores.create_authorizer(user, call_id=call.call_id, transaction=conn)
        headers = call.envelope.headers
        deadline = headers.get("deadline")
        messaging = (
            self._messaging_for(user, IncomingCall(headers=dict(headers), limit_at_ms=limit_at))
            if self._messaging_for is not None
            else None
        )
        context = CallContext(
            user=user,
            call_id=call.call_id,
            function=function.name,
            deadline_ms=int(deadline) if deadline is not None else now_ms() + function.timeout_ms,
            headers=dict(headers),
            limit_at_ms=limit_at,
            data_store=data_store,
            authorizer=authorizer,
            messaging=messaging,
            config=self._options.config,
        )
        result = await self._definition.functions[function.name](dict(call.body.parameters), context)
        if now_ms() >= limit_at:  # P-TIME-4: a result that arrives after the limit is discarded
            raise asyncio.TimeoutError
        if self._options.validate_output:  # step 13, development mode
            problems = function.result_violations(result)
            if problems:
                raise SfnSystemError(
                    "the result does not match the output schema",
                    code=ErrorCodes.RESULT_INVALID,
                    retryable=False,
                    details={"violations": problems},
                )
        return {"status": "success", "result": result}

    async def _dead_letter(
        self, call: Call, function: CompiledFunction, error: dict[str, Any], attempts: int, publish: Publish
    ) -> None:
        """P-ERR-9: the dead letter goes out before the error reply; its failure is logged, not fatal."""
        received = envelope_to_dict(call.envelope)
        received["headers"] = {k: v for k, v in received["headers"].items() if k != "authorization"}
        headers = (
            {"traceparent": call.envelope.headers["traceparent"]}
            if "traceparent" in call.envelope.headers
            else {}
        )
        body = {
            "service": self._options.service,
            "function": function.name,
            "attempts": attempts,
            "failedAt": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "error": error,
            "envelope": received,
        }
        try:
            await publish(
                dead_letter_topic(self._options.service, prefix=self._options.prefix),
                create_message_envelope(body, headers),
            )
            self.metrics.dead_letters += 1
        except Exception:
            _log.exception("publishing the dead letter failed")
