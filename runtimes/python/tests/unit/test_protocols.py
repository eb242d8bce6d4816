"""The runtime's classes implement the generated platform protocols (checked by mypy --strict, which
type-checks this file; the assertions check the same at run time)."""

from __future__ import annotations

from sfn_runtime._auth._authenticator import OidcAuthenticator
from sfn_runtime._data._store import PostgresAuthorizer, PostgresDataStore
from sfn_runtime.generated import interfaces
from sfn_runtime.messaging import BoundMessaging


def as_messaging(value: BoundMessaging) -> interfaces.Messaging:
    return value


def as_data_store(value: PostgresDataStore) -> interfaces.DataStore:
    return value


def as_authorizer(value: PostgresAuthorizer) -> interfaces.Authorizer:
    return value


def as_authenticator(value: OidcAuthenticator) -> interfaces.Authenticator:
    return value


def test_every_protocol_member_is_implemented() -> None:
    pairs = [
        (BoundMessaging, interfaces.Messaging),
        (PostgresDataStore, interfaces.DataStore),
        (PostgresAuthorizer, interfaces.Authorizer),
        (OidcAuthenticator, interfaces.Authenticator),
    ]
    for implementation, protocol in pairs:
        members = [name for name in vars(protocol) if not name.startswith("_")]
        missing = [name for name in members if not callable(getattr(implementation, name, None))]
        assert members
        assert missing == [], f"{implementation.__name__} lacks {missing}"
