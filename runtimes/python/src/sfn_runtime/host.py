"""The function host: ``@service`` / ``@function`` authoring and the ServiceHost that runs a service."""

from ._host._authoring import (
    CallContext,
    FunctionHandler,
    ServiceDefinition,
    function,
    service,
    service_from_class,
)
from ._host._contract import compile_contract
from ._host._pipeline import Metrics, RetryPolicy
from ._host._run import load_service, load_settings, run_service
from ._host._service_host import HostState, ServiceHost

__all__ = [
    "CallContext",
    "FunctionHandler",
    "HostState",
    "Metrics",
    "RetryPolicy",
    "ServiceDefinition",
    "ServiceHost",
    "compile_contract",
    "function",
    "load_service",
    "load_settings",
    "run_service",
    "service",
    "service_from_class",
]
