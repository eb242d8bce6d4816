"""Topics (docs/protocol.md §3)."""

from __future__ import annotations

import re
from typing import Final

from ..errors import ErrorCodes, ValidationError

_SERVICE_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,127}$")
_GROUP: Final = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_MAX_TOPIC_BYTES: Final = 1024


def _with_prefix(topic: str, prefix: str | None) -> str:
    return f"{prefix.rstrip('/')}/{topic}" if prefix else topic


def prefixed_topic(topic: str, *, prefix: str | None = None) -> str:
    """``{p}{topic}``: an application topic under the deployment prefix (P-TOP-4)."""
    return _with_prefix(topic, prefix)


def is_valid_service_name(name: str) -> bool:
    return _SERVICE_NAME.fullmatch(name) is not None


def _assert_service_name(name: str) -> None:
    if not is_valid_service_name(name):
        raise ValidationError(
            f"invalid service name '{name[:80]}': expected {_SERVICE_NAME.pattern}",
            code=ErrorCodes.TOPIC_INVALID,
        )


def service_topic(service_name: str, *, prefix: str | None = None) -> str:
    """``{p}service/{name}``: where calls to a service are published (P-TOP-1)."""
    _assert_service_name(service_name)
    return _with_prefix(f"service/{service_name}", prefix)


def shared_service_subscription(
    service_name: str, *, prefix: str | None = None, group: str | None = None
) -> str:
    """``$share/{group}/{p}service/{name}``, group ``sfn-{name}`` by default (P-TOP-2)."""
    group = group if group is not None else f"sfn-{service_name}"
    if _GROUP.fullmatch(group) is None:
        raise ValidationError(
            f"invalid shared subscription group '{group[:80]}'", code=ErrorCodes.TOPIC_INVALID
        )
    return f"$share/{group}/{service_topic(service_name, prefix=prefix)}"


def reply_topic(session_id: str, *, prefix: str | None = None) -> str:
    """``{p}reply/{sessionId}``: a client session's reply topic (P-TOP-3)."""
    return _with_prefix(f"reply/{session_id}", prefix)


def dead_letter_topic(service_name: str, *, prefix: str | None = None) -> str:
    """``{p}dlq/{name}``: where a service's dead letters go (P-ERR-9)."""
    _assert_service_name(service_name)
    return _with_prefix(f"dlq/{service_name}", prefix)


def publish_topic_problem(topic: str) -> str | None:
    """Why a topic may not be published to (P-TOP-5), or None when it may."""
    if not topic:
        return "is empty"
    if len(topic.encode("utf-8", "surrogatepass")) > _MAX_TOPIC_BYTES:
        return f"is longer than {_MAX_TOPIC_BYTES} bytes"
    if "+" in topic or "#" in topic:
        return "contains a wildcard"
    if topic.startswith("$"):
        return "starts with '$'"
    if "\x00" in topic:
        return "contains NUL"
    return None


def assert_publish_topic(topic: str) -> None:
    """Raises ``ValidationError`` / ``SFN_TOPIC_INVALID`` unless the topic may be published to."""
    problem = publish_topic_problem(topic)
    if problem is not None:
        raise ValidationError(
            f"cannot publish to topic '{topic[:80]}': it {problem}", code=ErrorCodes.TOPIC_INVALID
        )
