"""When a dbt model (or a Python asset built from the marts) is rebuilt, as an automation condition.

Where new data enters (a model reading a raw table: a staging model), a model is requested when that table
changed since the model was last built, at most once per rebuild window (`defs/cadence.py`): the first change
of a quiet window rebuilds at once, later ones wait for the next window, so a burst of loads or polls becomes
one build. Everything downstream of a requested model is requested with it, in the same run; a downstream
model left out of that run (it was still part of an earlier one) follows as soon as that run is over. A model
never built is built once everything upstream of it exists.

Nothing is requested while it is part of a run that has not built it yet, or while a model upstream of it is:
at most one build per model runs, and at most one more waits. Loads and polls still in progress do not hold a
rebuild back: the warehouse pool runs them first, and the rebuild includes them. A downstream model whose
last build failed waits for the next change upstream rather than failing again and again.

The conditions compare timestamps ("since"), so data that lands while a build runs is never lost: it is newer
than the build and requests the next one.
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs import cadence
from interaction_pipeline.defs.ingestion.objects_factory import GROUP as OBJECTS_GROUP

EVENTS_GROUP = "ingestion"
RAW_ASSETS = dg.AssetSelection.groups(EVENTS_GROUP, OBJECTS_GROUP)

AC = dg.AutomationCondition


def upstream_changed() -> dg.AutomationCondition:
    return (
        AC.any_deps_match(AC.newly_updated())
        .since(AC.newly_updated())
        .with_label("upstream data changed since the last build")
    )


def window_open(minutes: int, cron: str) -> dg.AutomationCondition:
    requested_in_window = (
        AC.newly_requested()
        .since(AC.cron_tick_passed(cron))
        .with_label(f"a rebuild was requested in this {minutes}-minute window")
    )
    return ~requested_in_window


def never_built() -> dg.AutomationCondition:
    return (
        (AC.missing() & ~AC.any_deps_missing())
        .newly_true()
        .with_label("never built, and everything upstream exists")
    )


def rebuild_condition(reads_raw_data: bool) -> dg.AutomationCondition:
    """The condition of a model that reads raw tables (throttled by the window), or of one downstream."""
    minutes, cron = cadence.rebuild_window_minutes(), cadence.rebuild_window_cron()
    if reads_raw_data:
        changed = upstream_changed() & window_open(minutes, cron)
        label = f"rebuild when new data lands, at most once per {minutes} min"
    else:
        changed = upstream_changed() & ~AC.execution_failed().with_label("the last build failed")
        label = "rebuild when a model upstream is rebuilt"
    upstream_rebuilding = AC.any_deps_match(AC.will_be_requested()).with_label(
        "a model upstream is rebuilt in this run"
    )
    upstream_building = (
        AC.any_deps_in_progress().ignore(RAW_ASSETS).with_label("a model upstream is still being built")
    )
    return (
        (changed | upstream_rebuilding | never_built())
        & ~AC.in_progress()
        & ~AC.any_deps_missing()
        & ~upstream_building
    ).with_label(label)
