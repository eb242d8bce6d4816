"""Constants of the wire protocol (docs/protocol.md, Appendix A)."""

from typing import Final

PROTOCOL_VERSION: Final = "1.0"
DEFAULT_MAX_PAYLOAD_BYTES: Final = 1024 * 1024
ENVELOPE_CONTENT_TYPE: Final = "application/json"
CHUNK_CONTENT_TYPE: Final = "application/vnd.sfn.chunk"
DEFAULT_CHUNK_SIZE: Final = 64 * 1024
DEFAULT_MAX_TRANSFER_BYTES: Final = 64 * 1024 * 1024
