"""Resources shared by every stage. Paths come from `interaction_pipeline.settings`."""

import dagster as dg
from dagster_duckdb import DuckDBResource

from interaction_pipeline import settings

# DuckDB allows one writing process per file: every asset that writes the warehouse declares this pool, and
# the instance config (interaction_pipeline/dagster.yaml) gives pools a single slot.
WAREHOUSE_POOL = "duckdb_warehouse"


def warehouse_resource() -> DuckDBResource:
    return DuckDBResource(database=str(settings.paths().warehouse))


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"warehouse": warehouse_resource()})
