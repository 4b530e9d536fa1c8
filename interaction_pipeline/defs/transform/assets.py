"""Every dbt model, seed and test as Dagster assets and asset checks, in the warehouse pool."""

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.defs.transform.project import dbt_project, ensure_manifest, warehouse_vars
from interaction_pipeline.defs.transform.translator import InteractionDbtTranslator


@dbt_assets(
    manifest=ensure_manifest(dbt_project),
    project=dbt_project,
    dagster_dbt_translator=InteractionDbtTranslator(),
    pool=WAREHOUSE_POOL,
)
def interaction_pipeline_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` for the selected models: data tests run right after their model and report as checks.
    Unit tests check the SQL, not the data: they run in CI (tests/dbt), not on every materialization."""
    build = ["build", "--exclude-resource-type", "unit_test", *warehouse_vars()]
    yield from dbt.cli(build, context=context).stream()
