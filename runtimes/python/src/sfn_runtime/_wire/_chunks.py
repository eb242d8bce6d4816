"""Chunked binary transfer frames (docs/protocol.md §11)."""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass
from typing import Any, Final

from .._validation import validate_wire
from ..errors import ErrorCodes, ValidationError
from ._constants import DEFAULT_CHUNK_SIZE
from ._envelope import encode_json
from ._ids import new_session_id

_MAX_HEADER_BYTES: Final = 64 * 1024


@dataclass(frozen=True)
class ChunkFrame:
    """One decoded frame: its ``ChunkHeader`` (as the JSON object) and its bytes."""

    header: dict[str, Any]
    data: bytes


def _invalid(message: str, details: dict[str, Any] | None = None) -> ValidationError:
    if details is None:
        return ValidationError(message, code=ErrorCodes.TRANSFER_INVALID)
    return ValidationError(message, code=ErrorCodes.TRANSFER_INVALID, details=details)


def encode_chunk_frame(header: dict[str, Any], data: bytes) -> bytes:
    """uint32 big-endian header length N, N bytes of UTF-8 JSON ChunkHeader, then the chunk bytes."""
    header_bytes = encode_json(header)
    return struct.pack(">I", len(header_bytes)) + header_bytes + data


def decode_chunk_frame(payload: bytes) -> ChunkFrame:
    """Parses one frame; malformed input raises ``ValidationError`` / ``SFN_TRANSFER_INVALID``."""
    if len(payload) < 4:
        raise _invalid("chunk frame is shorter than its length prefix", {"reason": "malformed_frame"})
    (length,) = struct.unpack_from(">I", payload)
    if length > _MAX_HEADER_BYTES or 4 + length > len(payload):
        raise _invalid(f"chunk header length {length} does not fit the frame", {"reason": "malformed_frame"})
    try:
        header = json.loads(payload[4 : 4 + length].decode("utf-8"))
    except (ValueError, RecursionError):
        raise _invalid("chunk header is not UTF-8 JSON", {"reason": "malformed_frame"}) from None
    problems = validate_wire("ChunkHeader", header)
    if problems:
        raise _invalid("chunk header is invalid", {"reason": "malformed_frame", "violations": problems})
    if header["index"] >= header["count"]:
        raise _invalid("chunk index is not below count", {"reason": "malformed_frame"})
    return ChunkFrame(header, bytes(payload[4 + length :]))


def split_into_chunk_frames(
    data: bytes,
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    headers: dict[str, str] | None = None,
    transfer_id: str | None = None,
) -> list[bytes]:
    """Splits a payload into chunk frames ready to publish, in order (P-BIN-2)."""
    if chunk_size < 1:
        raise ValidationError(f"chunk size must be a positive integer, got {chunk_size}")
    digest = hashlib.sha256(data).hexdigest()
    count = max(1, -(-len(data) // chunk_size))
    transfer_id = transfer_id if transfer_id is not None else new_session_id()
    return [
        encode_chunk_frame(
            {
                "transferId": transfer_id,
                "index": index,
                "count": count,
                "totalLength": len(data),
                "sha256": digest,
                "headers": dict(headers or {}),
            },
            data[index * chunk_size : (index + 1) * chunk_size],
        )
        for index in range(count)
    ]
