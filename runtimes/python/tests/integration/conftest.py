"""Integration tests run against the shared fixture (`pnpm exec sfn-fixture up`), configured by the
standard SFN_* variables (defaults: the fixture's ports)."""

from __future__ import annotations

import os
import secrets

import pytest

MQTT_URL = os.environ.get("SFN_MQTT_URL", "mqtt://127.0.0.1:18830")
DATABASE_URL = os.environ.get("SFN_DATABASE_URL", "postgres://postgres@127.0.0.1:15432/sfn")
OIDC_ISSUER = os.environ.get("SFN_OIDC_ISSUER", "http://127.0.0.1:18900")
OIDC_AUDIENCE = os.environ.get("SFN_OIDC_AUDIENCE", "urn:sfn:api")
TEST_CLIENT = (
    os.environ.get("SFN_OIDC_CLIENT_ID", "sfn-test"),
    os.environ.get("SFN_OIDC_CLIENT_SECRET", "sfn-test-secret"),
)
RESOURCE_CLIENT = (
    os.environ.get("SFN_OIDC_RESOURCE_CLIENT_ID", "sfn-runtime"),
    os.environ.get("SFN_OIDC_RESOURCE_CLIENT_SECRET", "sfn-runtime-secret"),
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.path):
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def prefix() -> str:
    """A topic prefix isolating one test (P-TOP-4)."""
    return f"pytest-{secrets.token_hex(6)}"
