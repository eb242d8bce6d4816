from __future__ import annotations

import pytest

from sfn_runtime.errors import ValidationError
from sfn_runtime.wire import TransferAssembler, encode_chunk_frame, split_into_chunk_frames

DATA = bytes(range(256)) * 40


def _reason(assembler: TransferAssembler, frame: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        assembler.add(frame)
    assert caught.value.code == "SFN_TRANSFER_INVALID"
    return str(caught.value.details["reason"])


def test_reassembles_in_any_order_and_ignores_identical_duplicates() -> None:
    frames = split_into_chunk_frames(DATA, chunk_size=1000, headers={"authorization": "Bearer t"})
    assembler = TransferAssembler()
    order = [3, 0, 0, 5, 1, 2, 4, 7, 10, 6, 9, 8]
    results = [assembler.add(frames[i]) for i in order]
    assert all(r is None for r in results[:-1])
    completed = results[-1]
    assert completed is not None
    assert completed.data == DATA
    assert completed.headers == {"authorization": "Bearer t"}


def test_too_large_fails_at_the_first_frame() -> None:
    frames = split_into_chunk_frames(DATA, chunk_size=1000)
    assembler = TransferAssembler(max_bytes=100)
    assert _reason(assembler, frames[0]) == "too_large"
    assert assembler.add(frames[1]) is None  # later frames of a failed transfer are discarded


def test_sha256_mismatch_and_inconsistent_header() -> None:
    frames = split_into_chunk_frames(b"abcdef", chunk_size=3, transfer_id="t" * 22)
    good = split_into_chunk_frames(b"abcdef", chunk_size=3, transfer_id="t" * 22)
    forged_header = {
        "transferId": "t" * 22,
        "index": 1,
        "count": 2,
        "totalLength": 6,
        "sha256": "0" * 64,
        "headers": {},
    }
    assembler = TransferAssembler()
    assert assembler.add(frames[0]) is None
    assert _reason(assembler, encode_chunk_frame(forged_header, b"def")) == "inconsistent_header"
    other = TransferAssembler()
    bad = {**forged_header, "index": 0, "sha256": "1" * 64}
    assert other.add(encode_chunk_frame(bad, b"abc")) is None
    assert _reason(other, encode_chunk_frame({**bad, "index": 1}, b"xyz")) == "sha256_mismatch"
    assert good


def test_incomplete_transfers_expire() -> None:
    frames = split_into_chunk_frames(DATA, chunk_size=1000)
    assembler = TransferAssembler(timeout_seconds=30)
    assembler.add(frames[0], now=0.0)
    (failure,) = assembler.expire(now=31.0)
    assert failure.details["reason"] == "incomplete"


def test_malformed_frame() -> None:
    assert _reason(TransferAssembler(), b"\x00") == "malformed_frame"
