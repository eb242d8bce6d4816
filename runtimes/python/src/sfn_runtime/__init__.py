"""sfn runtime for Python: the wire protocol, messaging over MQTT 5, the authenticator, the datastore
and authorizer clients, and the function host. See docs/python-runtime.md."""

from ._hash import INTERFACE_HASH_ALGORITHM, compute_interface_hash, interface_hash

__all__ = ["INTERFACE_HASH_ALGORITHM", "compute_interface_hash", "interface_hash"]
__version__ = "0.1.0"
