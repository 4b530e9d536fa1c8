"""Numeric ids kept exactly, as the text that was sent.

orjson reads an integer beyond 64 bits, and any number with a fraction or an exponent, as a float, and the
float's text is not what was sent (``123456789012345678901234`` becomes ``1.2345678901234568e+23``). Ids are
stored as text, so when one arrives as a float, the body is read again, once per request, with the standard
library's parser, which keeps integers exact and hands back fractions as their own text.
"""

from __future__ import annotations

import json

ID_FIELDS = ("userId", "anonymousId", "groupId", "previousId", "messageId")


class InexactNumber(ValueError):
    """An id arrived as a float; its exact text must be read from the body."""


class ExactIds:
    def __init__(self, body: bytes, batch: bool) -> None:
        self.body, self.batch = body, batch
        self._document: object = None

    def restore(self, message: dict, index: int) -> None:
        """Replace every float id of ``message`` (the ``index``-th of the body) by the text that was sent."""
        if self._document is None:
            self._document = json.loads(self.body, parse_float=lambda text: text)
        exact = self._document["batch"][index] if self.batch else self._document
        for name in ID_FIELDS:
            if message.get(name).__class__ is float:
                message[name] = str(exact[name])
