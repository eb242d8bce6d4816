"""Identifiers: messageId (UUID v4, P-ENV-3), callId / session / transfer ids (128 random bits, base64url)."""

from __future__ import annotations

import base64
import secrets
import uuid


def new_message_id() -> str:
    """A fresh messageId: new for every publish, retries included."""
    return str(uuid.uuid4())


def _nonce() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(16)).rstrip(b"=").decode("ascii")


def new_call_id() -> str:
    """A fresh callId (22 characters). Reuse it only to retry the same logical call (P-ENV-4)."""
    return _nonce()


def new_session_id() -> str:
    """A random id for a session reply topic or a binary transfer (P-TOP-3, P-BIN-2)."""
    return _nonce()
