"""Object syncs every three hours, like Segment's cloud sources; each run fetches only what changed."""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs.ingestion.objects_factory import GROUP

object_sources_every_3_hours = dg.ScheduleDefinition(
    name="object_sources_every_3_hours",
    target=dg.AssetSelection.groups(GROUP),
    cron_schedule="0 */3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
