"""When a dbt model (or a Python asset built from the marts) is rebuilt, as an automation condition.

A model is requested when data upstream of it changed since it was last built, but the models of one source at
most once per rebuild window (`defs/cadence.py`): the first change of a quiet window rebuilds at once, later
ones wait for the next window, so a burst of loads becomes one build. Everything downstream of a requested
model is requested with it, in the same run. A model never built is built once everything upstream exists.

Nothing is requested while it is already part of a run that has not built it yet, or while a model upstream
of it is: at most one build per model runs, and at most one more waits. Loads and syncs still in progress do
not hold a rebuild back: the warehouse pool runs them first, and the rebuild then includes them.

Each condition compares timestamps ("since"), so an update that lands while a build runs is never lost: it
is newer than the build and requests the next one.
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


def rebuild_condition() -> dg.AutomationCondition:
    minutes, cron = cadence.rebuild_window_minutes(), cadence.rebuild_window_cron()
    upstream_rebuilding = AC.any_deps_match(AC.will_be_requested()).with_label(
        "a model upstream is rebuilt in this run"
    )
    upstream_building = (
        AC.any_deps_in_progress().ignore(RAW_ASSETS).with_label("a model upstream is still being built")
    )
    return (
        ((upstream_changed() & window_open(minutes, cron)) | upstream_rebuilding | never_built())
        & ~AC.in_progress()
        & ~AC.any_deps_missing()
        & ~upstream_building
    ).with_label(f"rebuild when upstream data changes, at most once per {minutes} min")
