"""Reading a request body under Segment's size limits, counted as the bytes stream in.

``Content-Length`` is only used to refuse early; the limit is enforced on the bytes actually received and,
for ``Content-Encoding: gzip``, again on the decompressed bytes, inflated incrementally with ``max_length``
so a gzip bomb is refused after at most ``limit`` bytes of output.
"""

from __future__ import annotations

import zlib


class BodyError(Exception):
    """A request body that cannot be accepted; carries the HTTP status and a machine-readable code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _too_large(limit: int, what: str) -> BodyError:
    message = f"{what} exceeds the {limit // 1024} KB limit ({limit:,} bytes)"
    return BodyError(413, "request_too_large", message)


class _Inflater:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        self._decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)

    def feed(self, chunk: bytes) -> None:
        data = chunk
        while data and not self._decompressor.eof:
            try:
                output = self._decompressor.decompress(data, self.limit - self.size + 1)
            except zlib.error as error:
                raise BodyError(
                    400, "invalid_gzip", f"the gzip body cannot be decompressed: {error}"
                ) from None
            self.size += len(output)
            if self.size > self.limit:
                raise _too_large(self.limit, "the decompressed request body")
            self.parts.append(output)
            data = self._decompressor.unconsumed_tail

    def finish(self) -> bytes:
        if not self._decompressor.eof:
            raise BodyError(400, "invalid_gzip", "the gzip body is truncated")
        return b"".join(self.parts)


async def read_body(
    receive, limit: int, content_length: bytes | None, encoding: bytes
) -> tuple[bytes, bytes]:
    """Return (decoded body, raw body) or raise :class:`BodyError`.

    ``content_length`` and ``encoding`` are the raw header values (the caller has already scanned the
    headers once); an announced length over the limit is refused before reading anything.
    """
    announced = content_length is not None and content_length.isdigit()
    if announced and (len(content_length) > 15 or int(content_length) > limit):
        raise _too_large(limit, "the request body")
    if encoding:
        encoding = encoding.strip().lower()
    if encoding not in (b"", b"identity", b"gzip"):
        raise BodyError(415, "unsupported_encoding", "Content-Encoding must be gzip or identity")
    inflater = _Inflater(limit) if encoding == b"gzip" else None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            reason = "the connection closed before the body was complete (the client left or ran out of time)"
            raise BodyError(400, "client_disconnected", reason)
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise _too_large(limit, "the request body")
            chunks.append(chunk)
            if inflater:
                inflater.feed(chunk)
        if not message.get("more_body", False):
            break
    raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if inflater is None:
        return raw, raw
    return inflater.finish(), raw
