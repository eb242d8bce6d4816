"""@service/@function: constructor injection per call, and typed functions over generated contract types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from sfn_runtime.errors import ValidationError
from sfn_runtime.generated.wire_types import UserContext
from sfn_runtime.host import CallContext, function, service, service_from_class


@dataclass
class GreetRequest:  # the shape `sfn-codegen contract generate --lang python` writes
    name: str

    @staticmethod
    def from_dict(obj: Any) -> GreetRequest:
        assert isinstance(obj, dict)
        return GreetRequest(obj["name"])


@dataclass
class GreetResponse:
    greeting: str

    def to_dict(self) -> dict[str, Any]:
        return {"greeting": self.greeting}


@service("Greeter")
class Greeter:
    def __init__(self, user: UserContext | None, call_id: str) -> None:
        self.user, self.call_id = user, call_id

    @function("greet")
    async def greet(self, request: GreetRequest) -> GreetResponse:
        who = self.user.user_id if self.user is not None else "nobody"
        return GreetResponse(f"hello {request.name}, from {who} in {self.call_id}")

    @function("raw")
    async def raw(self, parameters: dict[str, Any]) -> dict[str, Any]:
        return {"seen": parameters}


def _context(call_id: str) -> CallContext:
    user = UserContext(groups=[], roles=[], user_id="alice")
    return CallContext(user=user, call_id=call_id, function="greet", deadline_ms=0)


async def test_typed_functions_decode_parameters_and_encode_results() -> None:
    definition = service_from_class(Greeter)
    assert sorted(definition.functions) == ["greet", "raw"]
    greeting = await definition.functions["greet"]({"name": "Ada"}, _context("c1"))
    assert greeting == {"greeting": "hello Ada, from alice in c1"}
    assert await definition.functions["raw"]({"x": 1}, _context("c2")) == {"seen": {"x": 1}}


def test_unknown_constructor_parameters_are_refused_early() -> None:
    @service("Bad")
    class Bad:
        def __init__(self, database_password: str) -> None:
            self.secret = database_password

    with pytest.raises(ValidationError):
        service_from_class(Bad)
