"""Load the spool as soon as the collector closes segments.

The sensor only lists files (it never opens DuckDB, which a running load may hold) and asks for one run per
batch of new segments; the run key is derived from the segment names, so a tick replayed after a crash does
not start a second run for the same segments. The loader goes by the manifest, so even overlapping runs load
each segment once.
"""

import hashlib

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.defs import cadence
from interaction_pipeline.defs.ingestion import events_assets
from interaction_pipeline.warehouse.spool_watch import SpoolCursor, new_segments, segment_id


def spool_run_key(segments: list[str]) -> str:
    digest = hashlib.sha256("\n".join(segments).encode()).hexdigest()[:16]
    return f"spool-{segment_id(segments[-1])}-{len(segments)}-{digest}"


# The job is reached through its module so the defs loader collects it once, from events_assets.
@dg.sensor(
    job=events_assets.load_events_job,
    minimum_interval_seconds=cadence.evaluation_seconds(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a load when the collector has closed new spool segments (events or rejects).",
)
def spool_sensor(context: dg.SensorEvaluationContext):
    spool = settings.paths().spool
    fresh, cursor = new_segments(spool, SpoolCursor.parse(context.cursor))
    if not fresh:
        return dg.SkipReason(f"no new closed segments in {spool}")
    request = dg.RunRequest(
        run_key=spool_run_key(fresh),
        tags={"interaction_pipeline/spool_segments": str(len(fresh))},
    )
    return dg.SensorResult(run_requests=[request], cursor=cursor.serialize())
