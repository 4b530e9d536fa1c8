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
