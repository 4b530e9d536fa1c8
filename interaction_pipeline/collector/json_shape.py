"""A look at a JSON body's shape before it is parsed, so no body can make the parser build too much.

``orjson.loads`` builds the whole document at once, and a small body can hold a great many objects: 500 KB of
``[{},{},...]`` is 166,000 dicts, about 12 MB of Python objects. So before parsing, the bytes are reduced to
their structural characters (one C-level ``bytes.translate``) and counted: objects and arrays, values (commas
and colons), and the nesting depth (peeling the innermost pairs, one ``bytes.replace`` per level). A body over
any cap is refused without being parsed. Brackets, commas and colons inside strings are counted too, so the
counts are upper bounds: the caps sit far above what real events need.

A body of at most 64 KiB is bounded by its size instead, and not scanned (the scan costs about a fifth of a
parse): it cannot hold more than 33,000 objects and arrays (under 2 MB of Python objects), and orjson refuses
nesting beyond 1,024 levels as it descends, before building anything deeper.
"""

from __future__ import annotations

MAX_DEPTH = 256  # a message deeper than 254 levels cannot be written anyway (orjson's serializer limit)
MAX_CONTAINERS = 50_000  # objects and arrays per body: 2,500 messages with 20 each
MAX_VALUES = 250_000  # values per body: 2,500 messages with 100 each
SCANNED_ABOVE = 64 * 1024

_KEEP = b"[]{},:"
_DROP = bytes(byte for byte in range(256) if byte not in _KEEP)
# Both kinds of bracket become one, so every innermost pair reads "{}" whatever its kind.
_ONE_BRACKET = bytes.maketrans(b"[]", b"{}")


class ShapeError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def check_shape(body: bytes) -> None:
    """Raise :class:`ShapeError` when the body is nested too deeply or holds too many values to parse."""
    if len(body) <= SCANNED_ABOVE:
        return
    structure = body.translate(None, _DROP)
    if len(structure) > MAX_CONTAINERS:  # below that, neither count can be over its cap
        containers = structure.count(b"{") + structure.count(b"[")
        if containers > MAX_CONTAINERS:
            message = f"the body holds more than {MAX_CONTAINERS:,} objects and arrays"
            raise ShapeError("too_many_values", message)
        if structure.count(b",") + structure.count(b":") + 1 > MAX_VALUES:
            raise ShapeError("too_many_values", f"the body holds more than {MAX_VALUES:,} values")
    brackets = structure.translate(_ONE_BRACKET, b",:")
    for _ in range(MAX_DEPTH):
        peeled = brackets.replace(b"{}", b"")
        if len(peeled) == len(brackets):  # nothing left, or brackets inside strings that do not pair up
            return
        brackets = peeled
    if brackets:
        message = f"the body is nested more than {MAX_DEPTH} levels deep"
        raise ShapeError("too_deeply_nested", message)
