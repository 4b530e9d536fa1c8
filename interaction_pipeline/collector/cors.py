"""CORS for browser sources (analytics.js posts JSON as text/plain from the customer's site).

A preflight carries no write key, so it is answered for any origin some source allows; the actual request
is then checked against its own source's ``allowed_origins`` (default ``["*"]``).
"""

from __future__ import annotations

from interaction_pipeline.collector.responses import error_body, send_json

PREFLIGHT_MAX_AGE = b"86400"
DEFAULT_ALLOWED_HEADERS = b"Content-Type, Authorization, Content-Encoding"


def response_headers(registry, origin: str | None, source) -> list[tuple[bytes, bytes]]:
    if origin is None:
        return []
    allowed = source.allows_origin(origin) if source is not None else registry.allows_origin_anywhere(origin)
    if not allowed:
        return [(b"vary", b"Origin")]
    return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]


async def answer_preflight(scope, send, registry, origin: str | None) -> None:
    if origin is None or not registry.allows_origin_anywhere(origin):
        return await send_json(send, 403, error_body("origin_not_allowed", "no source allows this origin"))
    requested = b""
    for name, value in scope["headers"]:
        if name == b"access-control-request-headers":
            requested = value
    headers = [
        *response_headers(registry, origin, None),
        (b"access-control-allow-methods", b"POST, OPTIONS"),
        (b"access-control-allow-headers", requested or DEFAULT_ALLOWED_HEADERS),
        (b"access-control-max-age", PREFLIGHT_MAX_AGE),
    ]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
