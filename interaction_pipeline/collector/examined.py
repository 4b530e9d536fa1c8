"""What an endpoint makes of one request before it waits for the disk: the body parsed within the shape caps,
and the result as bytes and small tuples.

Both endpoints parse, check, map and encode a request in one synchronous call that returns an
:class:`Examined`: the parsed objects die with that call, so requests waiting on the same fsync never hold
their parsed bodies at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from interaction_pipeline.collector.json_shape import ShapeError, check_shape
from interaction_pipeline.collector.refusals import Refusal


def parse_body(body: bytes) -> object:
    """The parsed body, refused before parsing when its shape is over the caps (:mod:`.json_shape`)."""
    try:
        check_shape(body)
        return orjson.loads(body)
    except ShapeError as error:
        raise Refusal(400, error.code, error.message) from None
    except orjson.JSONDecodeError as error:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "invalid_utf8", "the body is not valid UTF-8") from None
        raise Refusal(400, "invalid_json", f"the body is not valid JSON: {error}") from None


@dataclass(slots=True)
class Examined:
    """What one request produced, as bytes and small tuples: nothing that holds the parsed body."""

    source: object = None
    cors_headers: list = field(default_factory=list)
    refusal: Refusal | None = None
    refusal_record: dict | None = None
    lines: list = field(default_factory=list)  # while examining; joined into events_data at the end
    events_data: bytes = b""
    lengths: list = field(default_factory=list)  # of each line in events_data, for the debugger
    entries: list = field(default_factory=list)  # (type, event name) per line, for the debugger
    rejects: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def join_lines(self) -> Examined:
        """One buffer for all lines: each ``orjson.dumps`` result holds a 4 KiB allocation however short
        it is, so the lines are joined before the request waits for the disk."""
        if self.lines:
            self.lengths = list(map(len, self.lines))
            self.events_data = b"\n".join(self.lines) + b"\n"
            self.lines = []
        return self

    @property
    def accepted(self) -> int:
        return len(self.lengths)
