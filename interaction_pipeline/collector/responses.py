"""Raw ASGI responses for the hot path: a status, a JSON body and a few headers, nothing else."""

from __future__ import annotations

import orjson

JSON_HEADERS = [(b"content-type", b"application/json")]


async def send_json(
    send, status: int, body: object, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    payload = body if isinstance(body, bytes) else orjson.dumps(body)
    all_headers = [*JSON_HEADERS, (b"content-length", str(len(payload)).encode()), *(headers or ())]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": payload})


def error_body(code: str, message: str) -> dict:
    """Segment's error shape, as analytics-python parses it."""
    return {"success": False, "code": code, "message": message}
