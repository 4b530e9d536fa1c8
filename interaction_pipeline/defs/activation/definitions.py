"""Activation stage: sync assets, the on-demand job and the sensor, all from the audience models' meta."""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.defs.activation.audience_targets import ActivationPlan, load_plan
from interaction_pipeline.defs.activation.checks import build_suppression_checks
from interaction_pipeline.defs.activation.sensors import build_audience_sensor
from interaction_pipeline.defs.activation.sync_assets import build_activation_assets

SYNC_ALL_JOB = "sync_all_audiences"


def activation_definitions(plan: ActivationPlan) -> dg.Definitions:
    if not plan.targets:
        return dg.Definitions()
    assets = build_activation_assets(plan)
    job = dg.define_asset_job(
        SYNC_ALL_JOB,
        selection=dg.AssetSelection.assets(*assets),
        description="Sync every audience to every destination now.",
    )
    return dg.Definitions(
        assets=assets,
        asset_checks=build_suppression_checks(plan),
        jobs=[job],
        sensors=[build_audience_sensor(plan)],
    )


@dg.definitions
def activation() -> dg.Definitions:
    return activation_definitions(load_plan())
