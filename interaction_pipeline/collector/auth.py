"""Where a request carries its write key: HTTP Basic (key as user name), ``writeKey`` in the body, and for
partner webhooks also ``Authorization: Bearer <key>``, a bare ``Authorization: <key>`` or the URL's last
path segment."""

from __future__ import annotations

import base64
import binascii


def write_key_from_authorization(value: bytes | None) -> str | None:
    """The user name of a Basic credential, with or without the trailing colon; None for anything else
    (a Bearer token means OAuth, where the write key travels in the body)."""
    if not value or value[:6].lower() != b"basic ":
        return None
    try:
        decoded = base64.b64decode(value[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.split(":", 1)[0] or None


def write_key_from_body(payload: dict) -> str | None:
    value = payload.get("writeKey")
    return value if isinstance(value, str) and value else None


def webhook_key(authorization: bytes | None) -> str | None:
    """The key in a partner's ``Authorization`` header: Bearer (Braze's token field), Basic, or bare (what
    Iterable sends for its "Basic" auth type: the token alone)."""
    if not authorization:
        return None
    if authorization[:7].lower() == b"bearer ":
        token = authorization[7:].strip()
    elif authorization[:6].lower() == b"basic ":
        return write_key_from_authorization(authorization)
    else:
        token = authorization.strip()
    if not token or b" " in token:
        return None
    try:
        return token.decode("ascii")
    except UnicodeDecodeError:
        return None
