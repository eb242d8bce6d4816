"""Envelope encode/decode and the call/reply builders (docs/protocol.md §4, §7, §13)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from .._contracts import schema_by_title
from .._validation import validate_wire
from ..errors import ErrorCodes, ValidationError
from ..generated.wire_types import MISSING, CallBody, Envelope, ReplyBody
from ._constants import DEFAULT_MAX_PAYLOAD_BYTES, ENVELOPE_CONTENT_TYPE, PROTOCOL_VERSION
from ._ids import new_call_id, new_message_id

_VERSION: Final = re.compile(r"^[0-9]+\.[0-9]+$")
_SUPPORTED_MAJOR, _SUPPORTED_MINOR = (int(part) for part in PROTOCOL_VERSION.split("."))
_BOM: Final = b"\xef\xbb\xbf"
_MEMBER_ORDER: Final = ("protocolVersion", "messageId", "callId", "replyTo", "headers", "body")


class EnvelopeDecodeError(ValidationError):
    """The only error decoding raises: a ValidationError whose code says what was wrong with the bytes.

    ``raw`` is the parsed JSON value when parsing got that far (the host uses it to decide whether a
    reply is possible, P-LIFE-2), else None.
    """

    def __init__(self, message: str, *, code: str, details: Any = None, raw: Any = None) -> None:
        if details is None:
            super().__init__(message, code=code)
        else:
            super().__init__(message, code=code, details=details)
        self.raw = raw


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def envelope_to_dict(envelope: Envelope) -> dict[str, Any]:
    """The JSON object of an envelope, members in protocol order; a MISSING body travels as null."""
    members: dict[str, Any] = {
        "protocolVersion": envelope.protocol_version,
        "messageId": str(envelope.message_id),
        "callId": envelope.call_id,
        "replyTo": envelope.reply_to,
        "headers": dict(envelope.headers),
        "body": None if envelope.body is MISSING else envelope.body,
    }
    return {name: members[name] for name in _MEMBER_ORDER if members[name] is not None or name == "body"}


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, as JSON.stringify writes it (no insignificant whitespace, P-ENV-1)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def encode_envelope(envelope: Envelope) -> bytes:
    """Serialises an envelope to its wire form."""
    return encode_json(envelope_to_dict(envelope))


def _for_this_version(value: Any) -> Any:
    """P-VER-3/4: an unknown major is SFN_PROTOCOL_UNSUPPORTED; members of a newer minor are dropped."""
    if not isinstance(value, dict):
        return value
    declared = value.get("protocolVersion")
    if not isinstance(declared, str) or _VERSION.fullmatch(declared) is None:
        return value
    major, minor = (int(part) for part in declared.split("."))
    if major != _SUPPORTED_MAJOR:
        raise EnvelopeDecodeError(
            f"protocol version {declared} is not supported (supported: {PROTOCOL_VERSION})",
            code=ErrorCodes.PROTOCOL_UNSUPPORTED,
            details={"protocolVersion": declared, "supported": PROTOCOL_VERSION},
            raw=value,
        )
    if minor <= _SUPPORTED_MINOR:
        return value
    known = schema_by_title("Envelope")["properties"].keys()
    return {member: child for member, child in value.items() if member in known}


def parse_json_payload(payload: bytes, *, max_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> Any:
    """Steps 2-3 of P-LIFE-1: size check before parsing, then strict UTF-8 and JSON."""
    if len(payload) > max_bytes:
        raise EnvelopeDecodeError(
            f"payload of {len(payload)} bytes exceeds the limit of {max_bytes}",
            code=ErrorCodes.PAYLOAD_TOO_LARGE,
            details={"size": len(payload), "limit": max_bytes},
        )
    try:
        text = payload[len(_BOM) :].decode("utf-8") if payload.startswith(_BOM) else payload.decode("utf-8")
    except UnicodeDecodeError:
        raise EnvelopeDecodeError("payload is not valid UTF-8", code=ErrorCodes.ENVELOPE_MALFORMED) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise EnvelopeDecodeError(
            f"payload is not valid JSON: {str(error)[:200]}", code=ErrorCodes.ENVELOPE_MALFORMED
        ) from None


def decode_envelope(payload: bytes, *, max_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> Envelope:
    """Parses and validates one MQTT payload. Raises only ``EnvelopeDecodeError``, whatever the input."""
    value = parse_json_payload(payload, max_bytes=max_bytes)
    checked = _for_this_version(value)
    problems = validate_wire("Envelope", checked)
    if problems:
        raise EnvelopeDecodeError(
            "payload is not a valid envelope",
            code=ErrorCodes.ENVELOPE_INVALID,
            details={"violations": problems},
            raw=value,
        )
    return Envelope.from_dict(checked)


@dataclass(frozen=True)
class Call:
    """A call as a runtime sees it once the envelope has been checked (P-ENV-5)."""

    envelope: Envelope
    call_id: str
    reply_to: str
    body: CallBody


def as_call(envelope: Envelope) -> Call:
    """Narrows an envelope to a call, or explains with ``SFN_CALL_INVALID`` why it is not one."""
    body_problems = validate_wire("CallBody", None if envelope.body is MISSING else envelope.body)
    if envelope.call_id is not None and envelope.reply_to is not None and not body_problems:
        return Call(envelope, envelope.call_id, envelope.reply_to, CallBody.from_dict(envelope.body))
    missing = [
        name
        for name, value in (("callId", envelope.call_id), ("replyTo", envelope.reply_to))
        if value is None
    ]
    raise ValidationError(
        f"call lacks {' and '.join(missing)}" if missing else "call body is not {function, parameters}",
        code=ErrorCodes.CALL_INVALID,
        details={
            "missing": missing,
            "violations": [{**v, "path": f"/body{v['path']}"} for v in body_problems],
        },
    )


def as_reply_body(envelope: Envelope) -> ReplyBody:
    """Checks that an envelope's body is a ReplyBody (``SFN_ENVELOPE_INVALID`` otherwise)."""
    body = None if envelope.body is MISSING else envelope.body
    problems = validate_wire("ReplyBody", body)
    if problems:
        raise ValidationError(
            "reply body is not a valid ReplyBody",
            code=ErrorCodes.ENVELOPE_INVALID,
            details={"violations": problems},
        )
    return ReplyBody.from_dict(body)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def create_call_envelope(
    *,
    function: str,
    parameters: dict[str, Any],
    reply_to: str,
    call_id: str | None = None,
    headers: dict[str, str] | None = None,
    timeout_ms: int | None = None,
    now: int | None = None,
) -> Envelope:
    """The envelope of a call (P-CALL-2); ``timeout_ms`` sets the ``deadline`` header. A ``deadline``
    given in ``headers`` (a nested call's bound, P-TIME-6) is kept when it is the earlier one."""
    all_headers = {"content-type": ENVELOPE_CONTENT_TYPE, **(headers or {})}
    if timeout_ms is not None:
        deadline = (now if now is not None else now_ms()) + timeout_ms
        given = all_headers.get("deadline")
        if given is not None and given.isdigit():
            deadline = min(deadline, int(given))
        all_headers["deadline"] = str(deadline)
    return Envelope(
        headers=all_headers,
        message_id=UUID(new_message_id()),
        body={"function": function, "parameters": parameters},
        call_id=call_id if call_id is not None else new_call_id(),
        protocol_version=PROTOCOL_VERSION,
        reply_to=reply_to,
    )


def create_message_envelope(body: Any, headers: dict[str, str] | None = None) -> Envelope:
    """A one-way message envelope."""
    return Envelope(
        headers={"content-type": ENVELOPE_CONTENT_TYPE, **(headers or {})},
        message_id=UUID(new_message_id()),
        body=body,
        protocol_version=PROTOCOL_VERSION,
    )


def _reply(call_id: str | None, body: dict[str, Any], headers: dict[str, str] | None) -> Envelope:
    return Envelope(
        headers={"content-type": ENVELOPE_CONTENT_TYPE, **(headers or {})},
        message_id=UUID(new_message_id()),
        body=body,
        call_id=call_id,
        protocol_version=PROTOCOL_VERSION,
    )


def create_success_reply(call_id: str, result: Any, headers: dict[str, str] | None = None) -> Envelope:
    """The success reply to a call; a None result travels as null (P-ENV-7)."""
    return _reply(call_id, {"status": "success", "result": result}, headers)


def create_error_reply(
    call_id: str | None, error: dict[str, Any], headers: dict[str, str] | None = None
) -> Envelope:
    """The error reply to a call; ``call_id`` is None only when the call had no valid callId (P-LIFE-2)."""
    return _reply(call_id, {"status": "error", "error": error}, headers)


def remaining_ms(headers: dict[str, str], now: int | None = None) -> int | None:
    """Milliseconds left before the call's deadline; None when it has none."""
    deadline = headers.get("deadline")
    return None if deadline is None else int(deadline) - (now if now is not None else now_ms())
