"""A daily pass over every audience sync, so nothing depends on an audience model happening to change.

Each sync checks that its destination still holds what it confirmed (a list deleted or emptied, a receiver
that lost its data is sent everything again) and uploads Customer Match members again before Google drops
them at the end of their membership lifespan. A sync with nothing to do sends nothing.
"""

from __future__ import annotations

import dagster as dg


def build_upkeep_schedule(job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="audience_upkeep_schedule",
        job=job,
        cron_schedule="17 4 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Daily: check every destination still holds its audience and renew expiring "
        "Customer Match memberships.",
    )
