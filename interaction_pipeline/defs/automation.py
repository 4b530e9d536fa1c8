"""The two automation sensors: they evaluate every automation condition and launch what comes true.

- `object_source_polls` polls Stripe, Zendesk and Salesforce on their cadences
  (`defs/ingestion/objects_automation.py`).
- `rebuild_and_sync` rebuilds the dbt models downstream of new data (`defs/transform/automation.py`),
  redraws the charts, and syncs every audience whose members changed (`defs/activation/automation.py`). The
  rebuilds and the syncs share one sensor so that a sync sees, in the same evaluation, that its audience is
  about to be rebuilt, and waits for it.

New closed spool segments are a sensor of their own (`defs/ingestion/events_sensors.py`): they are files,
outside Dagster.
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs import cadence
from interaction_pipeline.defs.ingestion.objects_factory import GROUP as OBJECTS_GROUP

OBJECT_SOURCES = dg.AssetSelection.groups(OBJECTS_GROUP)


@dg.definitions
def automation_sensors() -> dg.Definitions:
    every = cadence.evaluation_seconds()
    minutes = cadence.rebuild_window_minutes()
    polls = dg.AutomationConditionSensorDefinition(
        "object_source_polls",
        target=OBJECT_SOURCES,
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=every,
        description="Polls Stripe and Zendesk every minute and Salesforce every "
        f"{cadence.source_minutes('salesforce')} minutes; each sync fetches only what changed since its "
        f"cursor. Evaluated every {every} s.",
    )
    rebuild = dg.AutomationConditionSensorDefinition(
        "rebuild_and_sync",
        target=dg.AssetSelection.all() - OBJECT_SOURCES,
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=every,
        description="Rebuilds the dbt models downstream of new events and objects (the first change of a "
        f"quiet {minutes}-minute window at once, the rest of a burst at the next window), then syncs each "
        f"audience whose members changed. Evaluated every {every} s.",
    )
    return dg.Definitions(sensors=[polls, rebuild])
