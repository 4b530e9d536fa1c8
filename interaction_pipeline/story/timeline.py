"""Time for the demo story: epoch seconds inside, each vendor's own string format outside.

The story covers the 365 days before ``now``. The audiences look back 180 days (about six months), and a
pipeline run always happens a little after the story was generated, so nothing that decides audience
membership (a visit, an order, an email send) is ever placed within a few days of that boundary: the answer
is then the same whether the window is counted from the story's ``now`` or from the moment dbt runs, and
whether it is "180 days" or "6 months".
"""

from __future__ import annotations

from datetime import UTC, datetime

DAY = 86_400.0
HOUR = 3_600.0
STORY_DAYS = 365
AUDIENCE_WINDOW_DAYS = 180
# No deciding event between 188 and 172 days before now.
BOUNDARY_BAND_DAYS = (172, 188)

_day_prefix_cache: dict[int, str] = {}


def clear_of_boundary(moment: float, now: float) -> float:
    """Move a moment out of the band around the 180-day boundary (to its older side)."""
    newest, oldest = now - BOUNDARY_BAND_DAYS[0] * DAY, now - BOUNDARY_BAND_DAYS[1] * DAY
    if oldest <= moment <= newest:
        return oldest - (newest - moment)
    return moment


def _day_prefix(day: int) -> str:
    prefix = _day_prefix_cache.get(day)
    if prefix is None:
        prefix = datetime.fromtimestamp(day * DAY, UTC).strftime("%Y-%m-%dT")
        _day_prefix_cache[day] = prefix
    return prefix


def segment_time(moment: float) -> str:
    """ISO-8601 UTC with milliseconds, as Segment libraries send it: ``2026-11-29T10:15:00.123Z``.

    Formatting by hand with a per-day cache keeps event generation fast enough for millions of events.
    """
    millis = int(moment * 1000)
    day, in_day = divmod(millis, 86_400_000)
    seconds, ms = divmod(in_day, 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{_day_prefix(day)}{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}Z"


def zendesk_time(moment: float) -> str:
    """Zendesk's ``2026-11-29T10:15:00Z``."""
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def salesforce_time(moment: float) -> str:
    """Salesforce's ``2026-11-29T10:15:00.000+0000``."""
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def salesforce_date(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%d")


def to_epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
