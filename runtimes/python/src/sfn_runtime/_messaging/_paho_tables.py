"""Table lookups for paho-mqtt's MQTT 5 ``Properties``.

paho (2.x) finds a property by scanning its 27 names with ``str.replace(' ', '')`` on every attribute
set, lookup, pack and unpack, and rebuilds its tables in every ``Properties()``. Profiling the host
under load put about half of its CPU per call there (2.3 million ``str.replace`` calls for 3,400
calls: unpacking each received PUBLISH's properties, building each reply's). The methods below return
exactly what paho's return, from tables built once from paho's own; ``tests/unit/test_paho_tables.py``
compares packed bytes and unpacked values with the original methods. Applied once, on import of the
connection module.
"""

from __future__ import annotations

from typing import Any, Final

from paho.mqtt import properties as _paho
from paho.mqtt.packettypes import PacketTypes

_Properties: Any = _paho.Properties
#: The original methods, kept for the equivalence test.
ORIGINALS: Final = {
    name: getattr(_Properties, name)
    for name in (
        "__init__",
        "__setattr__",
        "getIdentFromName",
        "getNameFromIdent",
        "allowsMultiple",
        "pack",
        "clear",
    )
}
_template: Any = object.__new__(_Properties)
ORIGINALS["__init__"](_template, PacketTypes.PUBLISH)
_TYPES: Final[list[str]] = _template.types
_NAMES: Final[dict[str, int]] = _template.names
_PROPERTIES: Final[dict[int, tuple[int, list[int]]]] = _template.properties
_IDENT: Final = {name.replace(" ", ""): ident for name, ident in _NAMES.items()}
_NAME: Final = {ident: name for name, ident in _NAMES.items()}
_ORDER: Final = [(name.replace(" ", ""), ident) for name, ident in _NAMES.items()]
_MULTIPLE: Final = frozenset({11, 38})
_PRIVATE: Final = frozenset({"packetType", "types", "names", "properties"})
_encode_length: Any = _paho.VariableByteIntegers.encode


def _init(self: Any, packetType: int) -> None:  # noqa: N803 - paho's parameter name
    object.__setattr__(self, "packetType", packetType)
    object.__setattr__(self, "types", _TYPES)
    object.__setattr__(self, "names", _NAMES)
    object.__setattr__(self, "properties", _PROPERTIES)


def _ident(self: Any, compressedName: str) -> int:  # noqa: N803
    return _IDENT.get(compressedName, -1)


def _name(self: Any, identifier: int) -> str | None:
    return _NAME.get(identifier)


def _multiple(self: Any, compressedName: str) -> bool:  # noqa: N803
    return _IDENT.get(compressedName, -1) in _MULTIPLE


def _setattr(self: Any, name: str, value: Any) -> None:
    compressed = name.replace(" ", "")
    ident = _IDENT.get(compressed)
    if compressed in _PRIVATE or ident is None or self.packetType not in _PROPERTIES[ident][1]:
        ORIGINALS["__setattr__"](self, name, value)  # private members, and paho's errors
        return
    if not isinstance(value, list) and (
        (compressed in ("ReceiveMaximum", "TopicAlias") and not 1 <= value <= 65535)
        or (compressed == "TopicAliasMaximum" and not 0 <= value <= 65535)
        or (compressed in ("MaximumPacketSize", "SubscriptionIdentifier") and not 1 <= value <= 268435455)
        or (
            compressed
            in ("RequestResponseInformation", "RequestProblemInformation", "PayloadFormatIndicator")
            and value not in (0, 1)
        )
    ):
        ORIGINALS["__setattr__"](self, name, value)  # raises paho's MQTTException
        return
    if ident in _MULTIPLE:
        if not isinstance(value, list):
            value = [value]
        if hasattr(self, compressed):
            value = object.__getattribute__(self, compressed) + value
    object.__setattr__(self, compressed, value)


def _pack(self: Any) -> bytes:
    buffer = b""
    for compressed, ident in _ORDER:
        if hasattr(self, compressed):
            attr_type = _PROPERTIES[ident][0]
            if ident in _MULTIPLE:
                for prop in getattr(self, compressed):
                    buffer += self.writeProperty(ident, attr_type, prop)
            else:
                buffer += self.writeProperty(ident, attr_type, getattr(self, compressed))
    encoded: bytes = _encode_length(len(buffer)) + buffer
    return encoded


def _clear(self: Any) -> None:
    for compressed, _ in _ORDER:
        if hasattr(self, compressed):
            delattr(self, compressed)


def apply() -> None:
    """Installs the table lookups (idempotent)."""
    _Properties.__init__ = _init
    _Properties.__setattr__ = _setattr
    _Properties.getIdentFromName = _ident
    _Properties.getNameFromIdent = _name
    _Properties.allowsMultiple = _multiple
    _Properties.pack = _pack
    _Properties.clear = _clear


apply()
