"""Partner request signatures, checked when the source holds the partner's signing secret.

Customer.io signs each reporting webhook: ``X-CIO-Signature`` is the hex HMAC-SHA256 of
``v0:<X-CIO-Timestamp>:<raw body>`` under the webhook's signing key. The timestamp is not held to a window:
Customer.io retries for up to seven days, and a replayed event is stored once anyway (its ``messageId`` is
derived from ``event_id``).
"""

from __future__ import annotations

import hashlib
import hmac


def customerio(secret: str, headers: dict[bytes, bytes], body: bytes) -> str | None:
    """None when the signature is right, else why it is not."""
    signature, timestamp = headers.get(b"x-cio-signature"), headers.get(b"x-cio-timestamp")
    if not signature or not timestamp:
        return "the source has a signing secret; X-CIO-Signature and X-CIO-Timestamp are required"
    expected = hmac.new(secret.encode(), b"v0:" + timestamp.strip() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest().encode(), signature.strip().lower()):
        return "X-CIO-Signature does not match the body under this source's signing secret"
    return None


def sign_customerio(secret: str, timestamp: str, body: bytes) -> str:
    """What Customer.io sends, for the sandbox's Customer.io stand-in and tests."""
    return hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()


VERIFIERS = {"customerio": customerio}
