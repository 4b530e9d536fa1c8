"""Fault injection for every vendor stand-in: one set of rules, applied to every request outside the control
API (``/_sandbox/...``) by `FaultMiddleware`.

A rule matches requests whose path starts with ``prefix`` (and contains ``path_contains``, and uses
``method``, when given), fails ``rate`` of them (drawn from a seeded RNG, so a run is repeatable) with one of
its ``kinds``, and stops after ``times`` failures when that is set. Kinds:

- a status code (``"429"``, ``"500"``, ``"503"``, ``"400"`` ...): that status with the vendor's error shape,
  nothing applied; 429 and 503 carry ``Retry-After: retry_after`` (1 unless set; null sends none), and
  ``code`` puts a vendor error code in the body (Google's ``CONCURRENT_MODIFICATION``);
- ``timeout``: answer only after ``delay`` seconds, longer than a sensible client waits, then apply it;
- ``reset``: send the headers, then drop the connection before the body;
- ``truncate``: apply the request, then send a 200 whose JSON body is cut in half;
- ``partial``: apply the request but refuse ``partial`` of its rows, as the vendor reports partial failures.

``{"status": 429}``, ``{"delay": 0.6}`` and ``{"partial": 5}`` are short for a rule of that one kind. Of the
rules that match, the one with the longest prefix wins, earlier rules first among equals.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

ALL_KINDS = ("429", "500", "502", "503", "timeout", "reset", "truncate")
OTHER_KINDS = ("partial",)
FIELDS = (
    "prefix",
    "path_contains",
    "method",
    "rate",
    "kinds",
    "retry_after",
    "delay",
    "partial",
    "code",
    "times",
)


@dataclass
class FaultRule:
    prefix: str = "/"
    path_contains: str = ""
    method: str | None = None
    rate: float = 1.0
    kinds: tuple[str, ...] = ALL_KINDS
    retry_after: int | None = 1
    delay: float = 3.0
    partial: int = 0
    code: str | None = None  # vendor error code to put in the body of a status fault
    times: int | None = None  # failures left; None for no limit

    @classmethod
    def from_json(cls, body: dict[str, Any], prefix: str | None = None) -> FaultRule:
        unknown = set(body) - {*FIELDS, "status"}
        if unknown:
            raise ValueError(f"unknown fault rule fields {sorted(unknown)}; known: {[*FIELDS, 'status']}")
        values = {name: body[name] for name in FIELDS if name in body}
        if prefix is not None:
            values["prefix"] = prefix
        if "status" in body:
            values["kinds"] = (str(body["status"]),)
        elif "kinds" not in body and body.get("partial"):
            values["kinds"] = ("partial",)
        elif "kinds" not in body and "delay" in body:
            values["kinds"] = ("timeout",)
        rule = cls(**values)
        rule.kinds = tuple(str(kind) for kind in rule.kinds)
        rule.method = rule.method.upper() if rule.method else None
        rule.check()
        return rule

    def check(self) -> None:
        unknown = [k for k in self.kinds if k not in ALL_KINDS + OTHER_KINDS and not _is_error_status(k)]
        if unknown or not self.kinds:
            raise ValueError(
                f"unknown fault kinds {unknown}; known: {[*ALL_KINDS, *OTHER_KINDS]} or any 4xx/5xx status"
            )
        if not 0.0 <= float(self.rate) <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if not self.prefix.startswith("/"):
            raise ValueError(f"prefix must be a path starting with '/', not {self.prefix!r}")

    def matches(self, path: str, method: str) -> bool:
        return (
            self.times != 0
            and path.startswith(self.prefix)
            and self.path_contains in path
            and self.method in (None, method)
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "kinds": list(self.kinds)}


def _is_error_status(kind: str) -> bool:
    return kind.isdigit() and 400 <= int(kind) <= 599


@dataclass
class Faults:
    seed: int = 42
    rules: list[FaultRule] = field(default_factory=list)
    injected: dict[str, int] = field(default_factory=dict)  # kind -> how often it was injected
    fired: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)
        self._lock = threading.Lock()

    def configure(self, rules: dict[str, dict] | list[dict], seed: int | None = None) -> None:
        """Replace the rules: ``{prefix: rule}`` or a list of rules that name their prefix."""
        parsed = self._parse(rules)
        with self._lock:
            self.rules = parsed
            if seed is not None:
                self._random = random.Random(seed)

    def add(self, rules: list[dict]) -> None:
        parsed = self._parse(rules)
        with self._lock:
            self.rules.extend(parsed)

    @staticmethod
    def _parse(rules: dict[str, dict] | list[dict]) -> list[FaultRule]:
        if isinstance(rules, dict):
            return [FaultRule.from_json(body, prefix) for prefix, body in rules.items()]
        return [FaultRule.from_json(body) for body in rules]

    def choose(self, path: str, method: str) -> tuple[FaultRule, str] | None:
        """The rule and the kind of fault to inject for this request, or None."""
        with self._lock:
            matching = [rule for rule in self.rules if rule.matches(path, method)]
            if not matching:
                return None
            rule = max(matching, key=lambda candidate: len(candidate.prefix))  # the first of the longest
            if self._random.random() >= rule.rate:
                return None
            kind = self._random.choice(rule.kinds)
            if rule.times is not None:
                rule.times -= 1
            self.injected[kind] = self.injected.get(kind, 0) + 1
            self.fired.append({"path": path, "method": method, "kind": kind})
        return rule, kind

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "rules": [rule.to_json() for rule in self.rules],
                "injected": dict(self.injected),
                "fired": list(self.fired),
            }
