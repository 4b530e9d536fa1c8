"""`reporting/email_charts`: the email funnel and weekly engagement in the Dagster UI.

Redrawn whenever dbt rebuilds the funnel marts (under the models' own rebuild condition). The numbers are
table metadata, which the asset's page shows as tables at once: the funnel step by step and every campaign's
funnel. Each step's total is also a number of its own, so the UI plots it over the asset's materializations.
The hand-drawn SVG charts come as markdown metadata (base64 data URIs), one click away.
"""

from __future__ import annotations

import dagster as dg
from dagster_dbt import get_asset_key_for_model
from dagster_duckdb import DuckDBResource

from interaction_pipeline.defs.resources import WAREHOUSE_POOL
from interaction_pipeline.defs.transform.assets import interaction_pipeline_dbt_assets
from interaction_pipeline.defs.transform.automation import rebuild_condition
from interaction_pipeline.reporting import chart_data, charts

FUNNEL_MODELS = (
    "fct_email_campaign_funnel",
    "fct_email_funnel_daily",
    "fct_push_funnel_daily",
    "fct_in_app_funnel_daily",
)
CHECK = "funnel_steps_never_grow"


# campaign column -> (heading, table column type); rates become percentages
CAMPAIGN_COLUMNS = {
    "source_name": ("source", "string"),
    "campaign_name": ("campaign", "string"),
    "sent": ("sent", "int"),
    "delivered": ("delivered", "int"),
    "unique_human_openers": ("opened (human)", "int"),
    "machine_opens": ("machine opens", "int"),
    "unique_clickers": ("clicked", "int"),
    "unsubscribes": ("unsubscribed", "int"),
    "conversions": ("bought within 7 days", "int"),
    "open_rate": ("open rate %", "float"),
    "click_rate": ("click rate %", "float"),
}


def _cell(column: str, value):
    if value is None:
        return None
    if column.endswith("_rate"):
        return round(float(value) * 100, 1)
    return int(value) if CAMPAIGN_COLUMNS[column][1] == "int" else str(value)


def campaigns_table(columns: list[str], rows: list[tuple]) -> dg.TableMetadataValue:
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name, kind) for name, kind in (CAMPAIGN_COLUMNS[c] for c in columns)]
    )
    records = [
        dg.TableRecord({CAMPAIGN_COLUMNS[c][0]: _cell(c, v) for c, v in zip(columns, row, strict=True)})
        for row in rows
    ]
    return dg.MetadataValue.table(records, schema)


def funnel_table(funnel: list[tuple[str, int]]) -> dg.TableMetadataValue:
    first = funnel[0][1] if funnel and funnel[0][1] else 1
    schema = dg.TableSchema(
        columns=[
            dg.TableColumn("step", "string"),
            dg.TableColumn("people", "int"),
            dg.TableColumn("% of sent", "float"),
        ]
    )
    records = [
        dg.TableRecord({"step": label, "people": value, "% of sent": round(100 * value / first, 1)})
        for label, value in funnel
    ]
    return dg.MetadataValue.table(records, schema)


def chart_metadata(connection) -> tuple[dict, list[tuple[str, int]]]:
    funnel = chart_data.email_funnel_totals(connection)
    weekly = chart_data.weekly_engagement(connection)
    columns, rows = chart_data.campaign_rows(connection)
    metadata = {
        "funnel": funnel_table(funnel),
        "campaigns": campaigns_table(columns, rows),
        "email_funnel": dg.MetadataValue.md(
            charts.markdown_image(
                charts.funnel_svg(funnel, "All email campaigns: unique people per step"), "email funnel"
            )
        ),
        "engagement_over_time": dg.MetadataValue.md(
            charts.markdown_image(charts.lines_svg(weekly, "Human engagement per week"), "engagement")
        ),
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
    description="The email funnel and every campaign's funnel as tables, weekly engagement and the funnel as "
    "charts (SVG in markdown metadata), from the funnel marts.",
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
