"""Hourly safety net for the spool sensor.

Loads anything a missed or stopped sensor left behind, and re-runs the freshness and rejects checks even when
no new segment arrived (a source that went silent sends nothing to notice).
"""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs.ingestion import events_assets

# The job is reached through its module so the defs loader collects it once, from events_assets.
hourly_spool_load = dg.ScheduleDefinition(
    name="hourly_spool_load",
    job=events_assets.load_events_job,
    cron_schedule="0 * * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Hourly: loads any closed segment the spool sensor missed (it was stopped or a tick was "
    "lost) and re-runs the spool's freshness and rejects checks even when no events arrived.",
)
