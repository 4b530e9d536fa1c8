"""`reporting/email_charts`: the email funnel and weekly engagement as pictures in the Dagster UI.

Redrawn whenever dbt rebuilds the funnel marts (under the models' own rebuild condition): reads them and
attaches hand-drawn SVG charts as markdown metadata (base64 data URIs), plus the per-campaign table, so the
asset's page shows the story without leaving Dagster.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.defs.transform.assets import interaction_pipeline_dbt_assets
from interaction_pipeline.defs.transform.automation import rebuild_condition
from interaction_pipeline.reporting import chart_data, charts
from interaction_pipeline.reporting.markdown import markdown_table

FUNNEL_MODELS = (
    "fct_email_campaign_funnel",
    "fct_email_funnel_daily",
    "fct_push_funnel_daily",
    "fct_in_app_funnel_daily",
)
CHECK = "funnel_steps_never_grow"


def chart_metadata(connection) -> tuple[dict, list[tuple[str, int]]]:
    funnel = chart_data.email_funnel_totals(connection)
    weekly = chart_data.weekly_engagement(connection)
    columns, rows = chart_data.campaign_rows(connection)
    metadata = {
        "email_funnel": dg.MetadataValue.md(
            charts.markdown_image(
                charts.funnel_svg(funnel, "All email campaigns: unique people per step"), "email funnel"
            )
        ),
        "engagement_over_time": dg.MetadataValue.md(
            charts.markdown_image(charts.lines_svg(weekly, "Human engagement per week"), "engagement")
        ),
        "campaigns": dg.MetadataValue.md(markdown_table(columns, rows)),
        "campaign_count": len(rows),
        **{f"funnel/{label}": value for label, value in funnel},
    }
    return metadata, funnel


@dg.asset(
    key=["reporting", "email_charts"],
    deps=[get_asset_key_for_model([interaction_pipeline_dbt_assets], model) for model in FUNNEL_MODELS],
    group_name="reporting",
    pool=WAREHOUSE_POOL,
    kinds={"duckdb", "svg"},
    automation_condition=rebuild_condition(reads_raw_data=False),
    check_specs=[
        dg.AssetCheckSpec(
            CHECK,
            asset=["reporting", "email_charts"],
            description="Sent ≥ delivered ≥ opened ≥ clicked across all campaigns.",
        )
    ],
    description="Email funnel and weekly engagement charts (SVG in markdown metadata) from the funnel marts.",
)
def email_charts(warehouse: DuckDBResource):
    with warehouse.get_connection() as connection:
        metadata, funnel = chart_metadata(connection)
    yield dg.MaterializeResult(metadata=metadata)
    yield dg.AssetCheckResult(
        check_name=CHECK,
        passed=chart_data.steps_never_grow(funnel),
        metadata={"steps": dg.MetadataValue.json(dict(funnel))},
    )
