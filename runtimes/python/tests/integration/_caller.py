"""A conformance-style caller: calls as a fixture user, raw envelopes to a probe topic, topic capture."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sfn_runtime.errors import SfnError
from sfn_runtime.generated.wire_types import Envelope
from sfn_runtime.messaging import MessagingClient
from sfn_runtime.wire import create_call_envelope, new_session_id

from ._tokens import mint_token

SERVICE = "Conformance"


class Caller:
    """``client`` makes calls; ``observer`` (another connection, as the runner's) captures topics, so
    its filters never compete with the caller's reply subscription for one message."""

    def __init__(self, client: MessagingClient, observer: MessagingClient, prefix: str) -> None:
        self.client = client
        self.observer = observer
        self.prefix = prefix
        self._tokens: dict[str, str] = {}
        self._seen: dict[str, asyncio.Queue[Envelope]] = defaultdict(asyncio.Queue)

    def topic(self, topic: str) -> str:
        return f"{self.prefix}/{topic}"

    async def token(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = await mint_token(user)
        return self._tokens[user]

    async def call(
        self,
        function: str,
        parameters: dict[str, Any],
        *,
        as_user: str | None = "alice",
        headers: dict[str, str] | None = None,
        timeout: float = 10,
        call_id: str | None = None,
    ) -> Any:
        all_headers = dict(headers or {})
        if as_user is not None:
            all_headers["authorization"] = f"Bearer {await self.token(as_user)}"
        return await self.client.call(
            SERVICE,
            function,
            parameters,
            headers=all_headers,
            timeout=timedelta(seconds=timeout),
            call_id=call_id,
        )

    async def error(self, function: str, parameters: dict[str, Any], **options: Any) -> SfnError:
        try:
            result = await self.call(function, parameters, **options)
        except SfnError as error:
            return error
        raise AssertionError(f"{function} succeeded with {result!r}")

    async def capture(self, topic_filter: str) -> asyncio.Queue[Envelope]:
        """Every envelope published on ``{p}{topic_filter}`` from now on."""
        queue = self._seen[topic_filter]

        async def seen(envelope: Envelope) -> None:
            await queue.put(envelope)

        await self.observer.subscribe(self.topic(topic_filter), seen)
        return queue

    async def raw_calls(
        self,
        function: str,
        parameters: dict[str, Any],
        *,
        as_user: str = "alice",
        deadline_in_ms: int = 30_000,
        wait: float = 10,
        repeat: int = 1,
        call_id: str | None = None,
    ) -> list[Envelope]:
        """``repeat`` publications of one call (one callId) whose deadline is ``deadline_in_ms`` from
        now, answered on a probe topic; every reply is collected, waiting up to ``wait`` seconds for
        each however short the deadline is."""
        probe = f"probe/{new_session_id()}"
        replies = await self.capture(probe)
        envelope = create_call_envelope(
            function=function,
            parameters=parameters,
            reply_to=self.topic(probe),
            call_id=call_id,
            headers={"authorization": f"Bearer {await self.token(as_user)}"},
            timeout_ms=deadline_in_ms,
        )
        for _ in range(repeat):
            await self.client.publish_envelope(self.topic(f"service/{SERVICE}"), envelope)
        return [await asyncio.wait_for(replies.get(), wait) for _ in range(repeat)]

    async def raw_call(
        self, function: str, parameters: dict[str, Any], *, deadline_in_ms: int, wait: float
    ) -> Envelope:
        (reply,) = await self.raw_calls(function, parameters, deadline_in_ms=deadline_in_ms, wait=wait)
        return reply
