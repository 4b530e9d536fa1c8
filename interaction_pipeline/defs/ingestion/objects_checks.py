"""Freshness of the object tables: each is polled every few minutes, so half an hour without a sync means
its source is stuck (credentials, rate limits, a pool slot held)."""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs.cadence import OBJECT_FRESHNESS_LIMIT
from interaction_pipeline.defs.ingestion.objects_factory import all_object_asset_keys


@dg.definitions
def object_source_freshness() -> dg.Definitions:
    checks = dg.build_last_update_freshness_checks(
        assets=all_object_asset_keys(), lower_bound_delta=OBJECT_FRESHNESS_LIMIT
    )
    evaluate = dg.build_sensor_for_freshness_checks(freshness_checks=checks, name="object_sources_freshness")
    minutes = int(OBJECT_FRESHNESS_LIMIT.total_seconds() // 60)

    # Dagster's sensor describes itself in general terms; the Automation page says what this one watches.
    @dg.sensor(
        name="object_sources_freshness",
        asset_selection=dg.AssetSelection.checks(*checks),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Warns on an object table (Stripe, Zendesk, Salesforce) not polled successfully for "
        f"{minutes} minutes: its source is stuck on credentials, rate limits or a held pool slot.",
    )
    def object_sources_freshness(context: dg.SensorEvaluationContext):
        return evaluate(context)

    return dg.Definitions(asset_checks=checks, sensors=[object_sources_freshness])
