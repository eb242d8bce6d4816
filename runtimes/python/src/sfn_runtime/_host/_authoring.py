"""``@service`` / ``@function``: a class whose constructor receives the platform interfaces bound to the
caller, and whose methods implement the contract's functions (the design's ``[ServiceFunction]`` /
``[Function]``). A new instance is built for every call, so instance state never leaks between callers."""

from __future__ import annotations

import inspect
import logging
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import ValidationError
from ..generated.wire_types import UserContext

T = TypeVar("T")
_SERVICE_ATTR = "__sfn_service__"
_FUNCTION_ATTR = "__sfn_function__"


@dataclass
class CallContext:
    """What a function receives for one call, bound to the caller."""

    user: UserContext | None
    call_id: str
    function: str
    #: The call's deadline (its ``deadline`` header, or now + the function's time limit), ms since the epoch.
    deadline_ms: int
    #: The incoming call's headers, ``authorization`` included (functions must not log it).
    headers: Mapping[str, str] = field(default_factory=dict)
    #: When the effective time limit of this call ends (P-TIME-4), ms since the epoch.
    limit_at_ms: int | None = None
    data_store: Any = None
    messaging: Any = None
    authorizer: Any = None
    config: Mapping[str, Any] = field(default_factory=dict)
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("sfn_runtime.function"))


#: A function implementation: parameters in, JSON-serialisable result out.
FunctionHandler = Callable[[dict[str, Any], CallContext], Awaitable[Any]]


@dataclass(frozen=True)
class ServiceDefinition:
    name: str
    functions: dict[str, FunctionHandler]


def service(name: str) -> Callable[[type[T]], type[T]]:
    """Marks a class as the implementation of service ``name``."""

    def mark(cls: type[T]) -> type[T]:
        setattr(cls, _SERVICE_ATTR, name)
        return cls

    return mark


F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def function(name: str | None = None) -> Callable[[F], F]:
    """Marks an async method as contract function ``name`` (default: the method's name)."""

    def mark(method: F) -> F:
        is_async = inspect.iscoroutinefunction(method)
        if not is_async:
            raise ValidationError(f"@function must decorate an async method, not {method!r}")
        setattr(method, _FUNCTION_ATTR, name or getattr(method, "__name__", ""))
        return method

    return mark


_INJECTABLE = {
    "user",
    "data_store",
    "messaging",
    "authorizer",
    "config",
    "logger",
    "context",
    "call_id",
    "headers",
}


def _injected_names(cls: type[Any]) -> list[str]:
    """The constructor parameters the host fills (computed once per class: signatures are slow)."""
    parameters = list(inspect.signature(cls).parameters.values())
    unknown = [
        p.name for p in parameters if p.name not in _INJECTABLE and p.default is inspect.Parameter.empty
    ]
    unknown = [name for name in unknown if name not in ("args", "kwargs")]
    if unknown:
        raise ValidationError(
            f"{cls.__name__}.__init__ asks for {unknown}; injectable: {sorted(_INJECTABLE)}"
        )
    return [p.name for p in parameters if p.name in _INJECTABLE]


def _constructor_arguments(names: list[str], context: CallContext) -> dict[str, Any]:
    available = {
        "user": context.user,
        "data_store": context.data_store,
        "messaging": context.messaging,
        "authorizer": context.authorizer,
        "config": context.config,
        "logger": context.logger,
        "context": context,
        "call_id": context.call_id,
        "headers": context.headers,
    }
    return {name: available[name] for name in names}


def _converters(method: Callable[..., Any]) -> tuple[Callable[[Any], Any] | None, bool]:
    """Typed functions: a parameter annotated with a generated contract type (a class with a static
    ``from_dict``, as ``sfn-codegen contract generate --lang python`` writes them) receives the decoded
    object; a result with ``to_dict()`` is encoded back. Plain ``dict`` functions get the JSON value."""
    try:
        hints = typing.get_type_hints(method)
    except Exception:  # unresolvable annotations: the function takes and returns JSON values
        return None, False
    parameters = [p for p in inspect.signature(method).parameters.values() if p.name != "self"]
    decode = None
    if parameters:
        annotation = hints.get(parameters[0].name)
        from_dict = getattr(annotation, "from_dict", None)
        decode = from_dict if callable(from_dict) else None
    returned = hints.get("return")
    encodes = callable(getattr(returned, "to_dict", None)) or decode is not None
    return decode, encodes


def _encoded(result: Any) -> Any:
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if callable(to_dict) else result


def service_from_class(cls: type[Any]) -> ServiceDefinition:
    """Turns a ``@service`` class into a ServiceDefinition (constructor injection per call)."""
    name = getattr(cls, _SERVICE_ATTR, None)
    if not isinstance(name, str):
        raise ValidationError(f"class {cls.__name__} has no @service decorator")
    injected = _injected_names(cls)  # fails early on an unknown constructor parameter
    functions: dict[str, FunctionHandler] = {}
    for attribute, member in inspect.getmembers(cls, inspect.iscoroutinefunction):
        function_name = getattr(member, _FUNCTION_ATTR, None)
        if function_name is None:
            continue

        decode, encodes = _converters(member)

        def bind(
            attribute: str = attribute,
            decode: Callable[[Any], Any] | None = decode,
            encodes: bool = encodes,
        ) -> FunctionHandler:
            async def handler(parameters: dict[str, Any], context: CallContext) -> Any:
                instance = cls(**_constructor_arguments(injected, context))
                request = decode(parameters) if decode is not None else parameters
                result = await getattr(instance, attribute)(request)
                return _encoded(result) if encodes else result

            return handler

        functions[function_name] = bind()
    return ServiceDefinition(name, functions)
