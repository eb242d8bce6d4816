"""Reassembly of chunked binary transfers with bounded memory (docs/protocol.md P-BIN-4..7)."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Final

from ..errors import ErrorCodes, ValidationError
from ._chunks import decode_chunk_frame
from ._constants import DEFAULT_MAX_TRANSFER_BYTES

_FIXED: Final = ("count", "totalLength", "sha256", "headers")


def transfer_failure(reason: str, message: str, transfer_id: str | None = None) -> ValidationError:
    details: dict[str, Any] = {"reason": reason}
    if transfer_id is not None:
        details["transferId"] = transfer_id
    return ValidationError(message, code=ErrorCodes.TRANSFER_INVALID, details=details)


@dataclass
class _Transfer:
    header: dict[str, Any]
    started: float
    chunks: dict[int, bytes] = field(default_factory=dict)
    buffered: int = 0


@dataclass(frozen=True)
class CompletedTransfer:
    transfer_id: str
    data: bytes
    headers: dict[str, str]


class TransferAssembler:
    """Feed it frames with ``add``; it returns the completed transfer or None, and raises
    ``ValidationError`` / ``SFN_TRANSFER_INVALID`` (``details.reason``) when a transfer fails."""

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_TRANSFER_BYTES,
        timeout_seconds: float = 30.0,
        max_open_transfers: int = 64,
    ) -> None:
        self._max_bytes = max_bytes
        self._timeout = timeout_seconds
        self._max_open = max_open_transfers
        self._open: dict[str, _Transfer] = {}
        self._failed: dict[str, float] = {}

    def expire(self, now: float | None = None) -> list[ValidationError]:
        """Fails transfers still incomplete after the timeout (P-BIN-6) and frees their buffers."""
        now = time.monotonic() if now is None else now
        expired = [tid for tid, t in self._open.items() if now - t.started > self._timeout]
        for tid in expired:
            self._fail(tid)
        message = "the transfer did not complete in time"
        return [transfer_failure("incomplete", message, tid) for tid in expired]

    def _fail(self, transfer_id: str) -> None:
        self._open.pop(transfer_id, None)
        self._failed[transfer_id] = time.monotonic()

    def add(self, payload: bytes, now: float | None = None) -> CompletedTransfer | None:
        try:
            frame = decode_chunk_frame(payload)
        except ValidationError:
            raise transfer_failure("malformed_frame", "a chunk frame is malformed") from None
        header = frame.header
        tid = str(header["transferId"])
        if tid in self._failed:
            return None  # frames of a failed transfer are discarded (P-BIN-7)
        transfer = self._open.get(tid)
        if transfer is None:
            if header["totalLength"] > self._max_bytes:
                self._fail(tid)
                raise transfer_failure("too_large", "the transfer exceeds the size limit", tid)
            if len(self._open) >= self._max_open:
                raise transfer_failure("too_large", "too many transfers are open", tid)
            transfer = _Transfer(header, time.monotonic() if now is None else now)
            self._open[tid] = transfer
        elif any(header[k] != transfer.header[k] for k in _FIXED):
            self._fail(tid)
            raise transfer_failure("inconsistent_header", "a frame disagrees with the first frame", tid)
        index = int(header["index"])
        if index in transfer.chunks:
            if transfer.chunks[index] != frame.data:
                self._fail(tid)
                raise transfer_failure("inconsistent_header", "a duplicate frame has other bytes", tid)
            return None
        if transfer.buffered + len(frame.data) > transfer.header["totalLength"]:
            self._fail(tid)
            raise transfer_failure("length_mismatch", "the frames carry more bytes than announced", tid)
        transfer.chunks[index] = frame.data
        transfer.buffered += len(frame.data)
        if len(transfer.chunks) < transfer.header["count"]:
            return None
        data = b"".join(transfer.chunks[i] for i in range(transfer.header["count"]))
        self._open.pop(tid, None)
        if len(data) != transfer.header["totalLength"]:
            self._fail(tid)
            raise transfer_failure("length_mismatch", "the transfer's length differs from totalLength", tid)
        if hashlib.sha256(data).hexdigest() != transfer.header["sha256"]:
            self._fail(tid)
            raise transfer_failure("sha256_mismatch", "the transfer's SHA-256 differs", tid)
        return CompletedTransfer(tid, data, dict(transfer.header["headers"]))
