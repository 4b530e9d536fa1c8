"""Freshness of the object tables: each should have been synced within two schedule intervals (6 hours)."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from interaction_pipeline.defs.ingestion.objects_factory import all_object_asset_keys

FRESHNESS_LIMIT = timedelta(hours=6)


@dg.definitions
def object_source_freshness() -> dg.Definitions:
    checks = dg.build_last_update_freshness_checks(
        assets=all_object_asset_keys(), lower_bound_delta=FRESHNESS_LIMIT
    )
    sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=checks,
        name="object_sources_freshness",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    return dg.Definitions(asset_checks=checks, sensors=[sensor])
