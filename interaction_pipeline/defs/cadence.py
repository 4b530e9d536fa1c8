"""How often the automation looks for work, all of it derived from one setting.

`INTERACTION_PIPELINE_REBUILD_WAIT_MINUTES` (default 3) is the longest a change that reached the warehouse
waits for the dbt rebuild that includes it. From it:

- the dbt models of one source rebuild at most once per window of that many minutes: the first change of a
  quiet window at once, the rest of a burst at the start of the next window;
- sensors and automation conditions are evaluated six times per window, at most every 30 seconds;
- each object source is polled as often as its vendor's limits make sensible (below), so a change there
  reaches the warehouse well within a window.
"""

from __future__ import annotations

from datetime import timedelta

from interaction_pipeline import settings

# Minutes between polls of each object source.
# - Zendesk excludes changes of the last minute from its incremental exports and allows 10 export requests a
#   minute (https://developer.zendesk.com/api-reference/introduction/rate-limits); a sync asks once per
#   collection (3) when little changed, so once a minute is both the fastest useful and well within the limit.
# - Stripe allows 25 reads a second in test mode and 100 in live mode (https://docs.stripe.com/rate-limits); a
#   sync reads the Events API once per collection (6).
# - Salesforce counts API calls per org and day, 15,000 for a Developer Edition org and 100,000 and more for
#   Enterprise ("API Request Limits and Allocations" in Salesforce's limits cheat sheet); a sync makes 8 (a
#   describe and a query per object), so every 3 minutes stays under 4,000 a day.
SOURCE_MINUTES = {"zendesk": 1, "stripe": 1}
SALESFORCE_MIN_MINUTES = 3
# A sync whose destination left changes unconfirmed is tried again at the next five-minute mark.
RETRY_UNCONFIRMED_CRON = "*/5 * * * *"
# Object tables not synced for this long have a stuck source: credentials, rate limits, or a pool held.
OBJECT_FRESHNESS_LIMIT = timedelta(minutes=30)


def every_minutes_cron(minutes: int) -> str:
    """Cron for windows of at most ``minutes``; they start on the hour, so the last one may be shorter."""
    if minutes >= 60:
        return "0 * * * *"
    return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"


def rebuild_window_minutes() -> int:
    return settings.rebuild_wait_minutes()


def rebuild_window_cron() -> str:
    return every_minutes_cron(rebuild_window_minutes())


def evaluation_seconds() -> int:
    """How often sensors and automation conditions run: six times per rebuild window, 10 to 30 seconds."""
    return max(10, min(30, rebuild_window_minutes() * 60 // 6))


def source_minutes(source: str) -> int:
    if source in SOURCE_MINUTES:
        return SOURCE_MINUTES[source]
    return max(rebuild_window_minutes(), SALESFORCE_MIN_MINUTES)
