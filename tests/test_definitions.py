"""The Dagster code location loads and validates."""

import dagster as dg

from interaction_pipeline.definitions import defs


def test_definitions_load_and_validate(pipeline_home):
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    assert "warehouse" in definitions.resources


def test_instance_config_gives_the_warehouse_pool_one_slot(pipeline_home, monkeypatch):
    from interaction_pipeline import settings

    home = settings.ensure_dagster_home()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1


def test_definitions_include_event_loading_with_its_checks_sensor_and_schedule(pipeline_home):
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    messages = dg.AssetKey(["raw_events", "messages"])
    assert messages in graph.get_all_asset_keys()
    assert graph.get(messages).pools == {"duckdb_warehouse"}
    assert {key.name for key in graph.asset_check_keys if key.asset_key == messages} >= {
        "rejects_ratio",
        "active_sources_fresh",
        "unique_message_ids",
    }
    assert definitions.resolve_sensor_def("spool_sensor").job_name == "load_spool_events"
    assert definitions.resolve_schedule_def("hourly_spool_load").job_name == "load_spool_events"
