"""The dbt project as Dagster assets: keys that join the raw assets, groups by folder, a manifest that
prepares itself, and a real materialization against the fixture warehouse."""

from __future__ import annotations

import os
import shutil
import time

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtProject, get_asset_key_for_model
from fixtures.warehouse_fixture import create_warehouse

from interaction_pipeline import settings
from interaction_pipeline.defs.resources import warehouse_resource
from interaction_pipeline.defs.transform.assets import interaction_pipeline_dbt_assets
from interaction_pipeline.defs.transform.project import dbt_cli, ensure_manifest, manifest_is_stale


def test_dbt_sources_take_the_raw_asset_keys_and_models_group_by_folder():
    specs = {spec.key.to_user_string(): spec for spec in interaction_pipeline_dbt_assets.specs}
    upstream = {dep.asset_key.to_user_string() for spec in specs.values() for dep in spec.deps}
    assert {
        "raw_events/messages",
        "raw_stripe/customers",
        "raw_zendesk/tickets",
        "raw_salesforce/contacts",
    } <= upstream
    assert "raw_events/rejects" not in upstream  # loaded by the raw_events/messages asset
    expected_groups = {
        "stg_events__messages": "staging",
        "int_interaction_events": "intermediate",
        "fct_email_campaign_funnel": "funnels",
        "dim_profile_identifiers": "identity",
        "aud_reengagement": "audiences",
        "event_name_mapping": "seeds",
    }
    for model, group in expected_groups.items():
        key = get_asset_key_for_model([interaction_pipeline_dbt_assets], model)
        assert specs[key.to_user_string()].group_name == group, model
    assert interaction_pipeline_dbt_assets.op.pool == "duckdb_warehouse"


def test_dbt_tests_surface_as_asset_checks():
    checks = {(c.asset_key, c.name) for c in interaction_pipeline_dbt_assets.check_specs}
    audience = get_asset_key_for_model([interaction_pipeline_dbt_assets], "aud_reengagement")
    events = get_asset_key_for_model([interaction_pipeline_dbt_assets], "int_interaction_events")
    assert (audience, "unique_aud_reengagement_profile_id") in checks
    assert (events, "not_null_int_interaction_events_message_id") in checks


@pytest.mark.slow
def test_a_fresh_clone_gets_its_manifest_parsed_on_load(tmp_path):
    project_dir = tmp_path / "dbt_project"
    shutil.copytree(settings.DBT_PROJECT_DIR, project_dir, ignore=shutil.ignore_patterns("target", "logs"))
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    assert manifest_is_stale(project)
    manifest = ensure_manifest(project)
    assert manifest.exists() and not manifest_is_stale(project)
    model = project_dir / "models" / "marts" / "audiences" / "aud_reengagement.sql"
    later = time.time() + 5
    os.utime(model, (later, later))
    assert manifest_is_stale(project)


@pytest.mark.slow
def test_materializing_the_dbt_assets_builds_the_warehouse_from_settings(pipeline_home):
    warehouse = create_warehouse(settings.paths().warehouse)
    result = dg.materialize(
        [interaction_pipeline_dbt_assets],
        resources={"dbt": dbt_cli(), "warehouse": warehouse_resource()},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    for model in ("int_interaction_events", "aud_open_ticket_suppression", "fct_email_funnel_daily"):
        assert get_asset_key_for_model([interaction_pipeline_dbt_assets], model) in materialized
    evaluations = result.get_asset_check_evaluations()
    assert evaluations and all(evaluation.passed for evaluation in evaluations)
    with duckdb.connect(str(warehouse)) as con:
        members = con.execute("select count(*) from audiences.aud_open_ticket_suppression").fetchone()[0]
    assert members == 4
