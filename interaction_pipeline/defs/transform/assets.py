"""Every dbt model, seed and test as Dagster assets and asset checks, in the warehouse pool."""

from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from interaction_pipeline import settings
from interaction_pipeline.defs.resources import WAREHOUSE_POOL, WarehouseResource
from interaction_pipeline.defs.transform.leftovers import RUN_VARIABLE, run_marker, stop_leftover_builds
from interaction_pipeline.defs.transform.membership import versioned_dbt_events
from interaction_pipeline.defs.transform.project import dbt_project, ensure_manifest, warehouse_vars
from interaction_pipeline.defs.transform.translator import InteractionDbtTranslator
from interaction_pipeline.destinations.plan import load_plan


@dbt_assets(
    manifest=ensure_manifest(dbt_project),
    project=dbt_project,
    dagster_dbt_translator=InteractionDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def interaction_pipeline_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
):
    """`dbt build` for the selected models: data tests run right after their model and report as checks.
    Unit tests check the SQL, not the data: they run in CI (tests/dbt), not on every materialization.
    Audience models are versioned by their members (`defs/transform/membership.py`)."""
    stopped = stop_leftover_builds(context.run_id)
    if stopped:
        context.log.warning(f"stopped dbt processes left by killed runs: {stopped}")
    # Anything else holding the warehouse file (a DuckDB shell) is waited for.
    with warehouse.get_connection():
        pass
    build = ["build", "--exclude-resource-type", "unit_test", *warehouse_vars()]
    with settings.overridden(RUN_VARIABLE, run_marker(context.run_id)):
        invocation = dbt.cli(build, context=context, raise_on_error=False)
    audiences = load_plan(Path(dbt_project.manifest_path)).audiences
    yield from versioned_dbt_events(context, invocation, audiences, warehouse)
