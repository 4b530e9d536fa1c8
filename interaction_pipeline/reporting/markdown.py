"""Tables as markdown, for Dagster's asset metadata (the UI renders markdown, not HTML)."""

from __future__ import annotations

from decimal import Decimal


def _cell(value) -> str:
    """Counts as they are; rates (the only non-integer numbers in the funnel) as percentages."""
    if isinstance(value, float | Decimal):
        return f"{float(value):.1%}"
    return "" if value is None else str(value)


def markdown_table(columns: list[str], rows: list[tuple], limit: int = 25) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows[:limit]]
    return "\n".join(lines)
