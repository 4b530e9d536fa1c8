"""`reporting/email_charts` draws the funnel marts into asset metadata, where the Dagster UI shows them."""

from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource
from fixtures.funnel_marts import write_funnel_marts

from interaction_pipeline.defs.reporting.charts import email_charts


def test_charts_asset_attaches_svg_charts_and_the_campaign_table(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    write_funnel_marts(warehouse)
    result = dg.materialize(
        [email_charts],
        resources={"warehouse": DuckDBResource(database=str(warehouse))},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    metadata = result.get_asset_materialization_events()[0].materialization.metadata
    for name in ("email_funnel", "engagement_over_time"):
        assert metadata[name].value.startswith("![")
        assert "(data:image/svg+xml;base64," in metadata[name].value
    campaigns = metadata["campaigns"].value
    assert [column.name for column in campaigns.schema.columns][:3] == ["source", "campaign", "sent"]
    spring = next(record.data for record in campaigns.records if record.data["campaign"] == "Spring Sale")
    assert (spring["sent"], spring["opened (human)"], spring["open rate %"]) == (1000, 250, 25.8)
    steps = {record.data["step"]: record.data for record in metadata["funnel"].value.records}
    assert steps["Delivered"] == {"step": "Delivered", "people": 1470, "% of sent": 97.2}
    assert metadata["funnel/Delivered"].value == 1470  # plotted over materializations
    checks = result.get_asset_check_evaluations()
    assert [(check.check_name, check.passed) for check in checks] == [("funnel_steps_never_grow", True)]


def test_charts_asset_check_fails_when_the_funnel_was_never_built(tmp_path):
    warehouse = tmp_path / "empty.duckdb"
    result = dg.materialize(
        [email_charts],
        resources={"warehouse": DuckDBResource(database=str(warehouse))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert [check.passed for check in result.get_asset_check_evaluations()] == [False]
