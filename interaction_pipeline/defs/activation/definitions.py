"""Activation stage: sync assets (they sync on their own when their audience's members change, see
`automation.py`), the on-demand jobs and the daily upkeep, all from the audience models' meta."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from interaction_pipeline.defs.activation.checks import build_suppression_checks
from interaction_pipeline.defs.activation.keys import ActivationKeys, activation_keys
from interaction_pipeline.defs.activation.schedules import build_upkeep_schedule
from interaction_pipeline.defs.activation.sync_assets import FULL_REFRESH_TAG, build_activation_assets
from interaction_pipeline.defs.transform.assets import interaction_pipeline_dbt_assets
from interaction_pipeline.defs.transform.project import dbt_project
from interaction_pipeline.destinations.plan import load_plan

SYNC_ALL_JOB = "sync_all_audiences"
FULL_REFRESH_JOB = "full_refresh_audiences"


def activation_definitions(keys: ActivationKeys) -> dg.Definitions:
    if not keys.plan.targets:
        return dg.Definitions()
    assets = build_activation_assets(keys)
    job = dg.define_asset_job(
        SYNC_ALL_JOB,
        selection=dg.AssetSelection.assets(*assets),
        description="Sync every audience to every destination now.",
    )
    full_refresh = dg.define_asset_job(
        FULL_REFRESH_JOB,
        selection=dg.AssetSelection.assets(*assets),
        tags={FULL_REFRESH_TAG: "true"},
        description="Send every member of every audience to every destination again. Launch it with a "
        "narrower selection to refresh one audience or destination.",
    )
    return dg.Definitions(
        assets=assets,
        asset_checks=build_suppression_checks(keys),
        jobs=[job, full_refresh],
        schedules=[build_upkeep_schedule(job)],
    )


@dg.definitions
def activation() -> dg.Definitions:
    plan = load_plan(Path(dbt_project.manifest_path))
    return activation_definitions(activation_keys(plan, [interaction_pipeline_dbt_assets]))
