"""W3C Trace Context for nested calls (P-HDR-3): the same trace-id with a new parent-id."""

from __future__ import annotations

import re
import secrets
from typing import Final

_TRACEPARENT: Final = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")


def child_traceparent(traceparent: str | None) -> str | None:
    """A ``traceparent`` for a call made while handling ``traceparent``: same version, trace-id and
    flags, a fresh non-zero parent-id. None when there is no (valid) incoming trace."""
    if traceparent is None:
        return None
    match = _TRACEPARENT.fullmatch(traceparent)
    if match is None:
        return None
    version, trace_id, parent_id, flags = match.groups()
    span = parent_id
    while span == parent_id or span == "0" * 16:
        span = secrets.token_hex(8)
    return f"{version}-{trace_id}-{span}-{flags}"
