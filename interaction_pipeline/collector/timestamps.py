"""ISO-8601 timestamps as the spool contract writes them: UTC, milliseconds, a trailing ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def parse(value: object) -> datetime | None:
    """An aware UTC datetime from an ISO-8601 string, or None when the value is not one.

    Values without an offset are read as UTC, as Segment does for its HTTP API.
    """
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def format_utc(moment: datetime) -> str:
    """``2026-11-29T10:15:00.123Z`` for an aware datetime."""
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
        f"{moment.second:02d}.{moment.microsecond // 1000:03d}Z"
    )


def canonical(text: str, parsed: datetime) -> str:
    """``text`` itself when it is already in the spool's format, else ``parsed`` formatted (saves time on
    the hot path, where most senders already use this format)."""
    if len(text) == 24 and text[23] == "Z" and text[19] == "." and text[10] == "T":
        return text
    return format_utc(parsed)


def now_utc() -> datetime:
    return datetime.now(UTC)
