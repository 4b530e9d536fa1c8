"""The SOQL subset the Salesforce stand-in answers, parsed into fields, an object, conditions and a limit.

``SELECT <fields> FROM <object> [WHERE <field> <op> <literal> [AND ...]] [ORDER BY SystemModstamp [ASC]]
[LIMIT n]``, with ``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` and literals as SOQL writes them: quoted
strings, numbers, ``true``/``false``/``null`` and datetimes (``2026-11-29T10:15:00.123+0000`` or
``...Z``). Datetimes compare as instants, so ``SystemModstamp > <checkpoint>`` sees every later change
whatever the offset.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from interaction_pipeline.sandbox.salesforce.store import parse_stamp
from interaction_pipeline.sandbox.stripe.store import SandboxError

QUERY = re.compile(
    r"^\s*select\s+(?P<fields>.+?)\s+from\s+(?P<object>\w+)"
    r"(?:\s+where\s+(?P<where>.+?))?"
    r"(?:\s+order\s+by\s+systemmodstamp(?:\s+asc)?)?"
    r"(?:\s+limit\s+(?P<limit>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
CONDITION = re.compile(
    r"^\s*(?P<field>\w+)\s*(?P<op>!=|<=|>=|=|<|>)\s*(?P<literal>'(?:[^'\\]|\\.)*'|\S+)\s*$", re.DOTALL
)
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$")
OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
SUPPORTED = (
    "only SELECT ... FROM ... [WHERE field op literal [AND ...]] [ORDER BY SystemModstamp] [LIMIT n] "
    "is supported by the sandbox"
)


@dataclass(frozen=True)
class Query:
    fields: list[str]
    sobject: str
    matches: Callable[[dict], bool]
    limit: int | None


def parse_query(text: str) -> Query:
    match = QUERY.match(text)
    if match is None:
        raise SandboxError(400, SUPPORTED, "MALFORMED_QUERY")
    where = match["where"]
    conditions = [_condition(part) for part in re.split(r"\s+and\s+", where, flags=re.I)] if where else []
    return Query(
        fields=[field.strip() for field in match["fields"].split(",")],
        sobject=match["object"],
        matches=lambda record: all(condition(record) for condition in conditions),
        limit=int(match["limit"]) if match["limit"] else None,
    )


def _condition(text: str) -> Callable[[dict], bool]:
    match = CONDITION.match(text)
    if match is None:
        raise SandboxError(400, f"unexpected condition {text.strip()!r}; {SUPPORTED}", "MALFORMED_QUERY")
    field, compare, literal = match["field"], OPERATORS[match["op"]], match["literal"]
    if DATETIME.match(literal):
        instant = parse_stamp(literal)
        if field.lower() == "systemmodstamp":
            return lambda record: compare(record["_stamp"], instant)  # kept parsed by the store
        return lambda record: _compare_stamps(_value(record, field), instant, compare)
    value = _literal(literal)

    def condition(record: dict) -> bool:
        actual = _value(record, field)
        if value is None or actual is None:
            # SOQL's null compares only for equality.
            return compare(actual, value) if compare in (operator.eq, operator.ne) else False
        try:
            return compare(actual, value)
        except TypeError:
            return False

    return condition


def _value(record: dict, field: str):
    """A field's value; SOQL field names are case-insensitive."""
    if field in record:
        return record[field]
    lowered = field.lower()
    return next((value for key, value in record.items() if key.lower() == lowered), None)


def _literal(text: str):
    if text.startswith("'"):
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    try:
        return float(text) if "." in text else int(text)
    except ValueError as failure:
        raise SandboxError(400, f"invalid literal {text!r}; {SUPPORTED}", "MALFORMED_QUERY") from failure


def _compare_stamps(actual, instant: int, compare) -> bool:
    if not isinstance(actual, str):
        return False
    try:
        return compare(parse_stamp(actual), instant)
    except SandboxError:
        return False
