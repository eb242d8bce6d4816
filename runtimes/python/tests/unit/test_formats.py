"""Formats are asserted (P-LIFE-5) with the format libraries pyproject.toml lists (jsonschema's
format-nongpl set without rfc3987-syntax): a missing library would make jsonschema skip its format.
Both validators take part: a bad value must not pass jsonschema-rs's fast path."""

from __future__ import annotations

import pytest

from sfn_runtime._validation import schema_validator, violations

FORMATS = {
    "date-time": ("2026-12-03T08:00:00Z", "yesterday"),
    "uuid": ("0190b7a0-0000-7000-8000-000000000000", "not-a-uuid"),
    "email": ("ada@example.com", "ada"),
    "uri": ("https://example.com/a?b=c", "::"),
    "uri-reference": ("/a/b", "\\\\"),
    "hostname": ("api.example.com", "-bad-."),
    "json-pointer": ("/a/b", "a/b"),
    "duration": ("P1D", "one day"),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_format_is_asserted(name: str) -> None:
    good, bad = FORMATS[name]
    validator = schema_validator({"type": "string", "format": name})
    assert violations(validator, good) == []
    assert [v["keyword"] for v in violations(validator, bad)] == ["format"]
