"""An id-keyed object collection with a cached sort order, for list endpoints that page by object id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class OrderedObjects:
    """Objects by id plus an order computed on demand and cached until the collection changes.

    ``sort_key(obj, seq)`` gives the order; ``seq`` is the insertion counter, so ties keep insertion order.
    Lookups of a position by id (for ``starting_after``) are O(1) once the order is built.
    """

    def __init__(self, sort_key: Callable[[dict, int], Any], reverse: bool = False) -> None:
        self.objects: dict[Any, dict] = {}
        self._seq: dict[Any, int] = {}
        self._counter = 0
        self._sort_key = sort_key
        self._reverse = reverse
        self._order: list[Any] | None = None
        self._position: dict[Any, int] = {}

    def __len__(self) -> int:
        return len(self.objects)

    def put(self, object_id: Any, obj: dict) -> None:
        if object_id not in self.objects:
            self._counter += 1
            self._seq[object_id] = self._counter
        self.objects[object_id] = obj
        self._order = None

    def remove(self, object_id: Any) -> dict | None:
        self._order = None
        self._seq.pop(object_id, None)
        return self.objects.pop(object_id, None)

    def order(self) -> list[Any]:
        if self._order is None:
            ids = sorted(
                self.objects,
                key=lambda i: self._sort_key(self.objects[i], self._seq[i]),
                reverse=self._reverse,
            )
            self._order = ids
            self._position = {object_id: index for index, object_id in enumerate(ids)}
        return self._order

    def position_after(self, object_id: Any) -> int | None:
        """Index just after ``object_id`` in the order, or None if the id is unknown."""
        self.order()
        index = self._position.get(object_id)
        return None if index is None else index + 1
