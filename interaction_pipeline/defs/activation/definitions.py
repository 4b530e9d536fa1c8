"""Activation stage: sync assets (they sync on their own, see `automation.py`) and the on-demand job, all
from the audience models' meta."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from interaction_pipeline.defs.activation.checks import build_suppression_checks
from interaction_pipeline.defs.activation.keys import ActivationKeys, activation_keys
from interaction_pipeline.defs.activation.sync_assets import build_activation_assets
from interaction_pipeline.defs.transform.assets import interaction_pipeline_dbt_assets
from interaction_pipeline.defs.transform.project import dbt_project
from interaction_pipeline.destinations.plan import load_plan

SYNC_ALL_JOB = "sync_all_audiences"


def activation_definitions(keys: ActivationKeys) -> dg.Definitions:
    if not keys.plan.targets:
        return dg.Definitions()
    assets = build_activation_assets(keys)
    job = dg.define_asset_job(
        SYNC_ALL_JOB,
        selection=dg.AssetSelection.assets(*assets),
        description="Sync every audience to every destination now.",
    )
    return dg.Definitions(
        assets=assets,
        asset_checks=build_suppression_checks(keys),
        jobs=[job],
    )


@dg.definitions
def activation() -> dg.Definitions:
    plan = load_plan(Path(dbt_project.manifest_path))
    return activation_definitions(activation_keys(plan, [interaction_pipeline_dbt_assets]))
