"""When each object source is polled, as an automation condition on its assets.

Every collection of a source is requested at each tick of the source's cadence (`defs/cadence.py`: Zendesk
and Stripe every minute, Salesforce every few), unless its previous sync has not finished: a sync waiting for
the warehouse pool is not joined by another. Each sync fetches only what changed since its saved cursor.
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs import cadence

AC = dg.AutomationCondition


def poll_condition(source: str) -> dg.AutomationCondition:
    minutes = cadence.source_minutes(source)
    due = AC.cron_tick_passed(cadence.every_minutes_cron(minutes)).since(AC.newly_requested())
    unit = "minute" if minutes == 1 else f"{minutes} minutes"
    return (due.with_label(f"{unit} passed since the last poll") & ~AC.in_progress()).with_label(
        f"poll {source.title()} every {unit}"
    )
