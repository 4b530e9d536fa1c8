"""The dbt CLI resource, on the project's own profiles.yml."""

import dagster as dg

from interaction_pipeline.defs.transform.project import dbt_cli


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"dbt": dbt_cli()})
