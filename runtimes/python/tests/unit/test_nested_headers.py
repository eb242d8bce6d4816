"""P-HDR-3 / P-TIME-6: the headers a function's nested call carries."""

from __future__ import annotations

from datetime import timedelta

from sfn_runtime.generated.wire_types import UserContext
from sfn_runtime.messaging import BoundMessaging, IncomingCall, MessagingClient
from sfn_runtime.wire import child_traceparent, create_call_envelope

TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def test_child_traceparent_keeps_the_trace_and_changes_the_parent() -> None:
    child = child_traceparent(TRACE)
    assert child is not None
    assert child.startswith("00-0af7651916cd43dd8448eb211c80319c-")
    assert child.endswith("-01")
    assert child.split("-")[2] not in ("b7ad6b7169203331", "0" * 16)
    assert child_traceparent("not-a-traceparent") is None
    assert child_traceparent(None) is None


def test_a_given_deadline_wins_when_it_is_earlier() -> None:
    early = create_call_envelope(
        function="f", parameters={}, reply_to="r", headers={"deadline": "1500"}, timeout_ms=1000, now=1000
    )
    assert early.headers["deadline"] == "1500"
    late = create_call_envelope(
        function="f", parameters={}, reply_to="r", headers={"deadline": "9000"}, timeout_ms=1000, now=1000
    )
    assert late.headers["deadline"] == "2000"


def test_nested_call_headers() -> None:
    client = MessagingClient("mqtt://127.0.0.1:1", prefix="p")  # never connected
    user = UserContext(groups=[], roles=[], user_id="bob", token="tok")
    incoming = IncomingCall(
        headers={"traceparent": TRACE, "tracestate": "vendor=x", "deadline": "5000", "x-app": "1"},
        limit_at_ms=4000,
    )
    bound = BoundMessaging(client, user, incoming=incoming)
    nested = bound._headers(None, nested=True)
    assert nested["authorization"] == "Bearer tok"
    assert nested["tracestate"] == "vendor=x"
    assert nested["deadline"] == "4000"  # the earlier of the incoming deadline and this call's limit
    assert nested["traceparent"] != TRACE
    assert nested["traceparent"].startswith("00-0af76519")
    assert "x-app" not in nested
    one_way = bound._headers(None)
    assert "deadline" not in one_way  # one-way messages do not expire with the call
    assert bound._bounded(timedelta(hours=1)) <= timedelta(milliseconds=1)  # limit 4000 ms after 1970
    assert bound.topic("conformance/notify/t") == "p/conformance/notify/t"
