"""The Dagster UI explains the automation: every sensor and schedule on the Automation page has a description
of its own, and every automation condition names what it waits for."""

from __future__ import annotations

import dagster as dg

from interaction_pipeline.definitions import defs
from interaction_pipeline.defs.ingestion.objects_factory import all_object_asset_keys

DAGSTER_FRESHNESS_DESCRIPTION = "This sensor launches execution of freshness checks"


def test_every_sensor_and_schedule_has_a_description_of_its_own():
    definitions = defs()
    instigators = [*definitions.sensors, *definitions.schedules]
    assert {i.name for i in instigators} >= {"rebuild_and_sync", "object_source_polls", "spool_sensor"}
    for instigator in instigators:
        assert instigator.description, f"{instigator.name} has no description"
        assert DAGSTER_FRESHNESS_DESCRIPTION not in instigator.description, instigator.name


def test_every_automation_condition_is_labelled():
    graph = defs().resolve_asset_graph()
    conditions = {
        key: graph.get(key).automation_condition
        for key in graph.get_all_asset_keys()
        if graph.get(key).automation_condition
    }
    assert {key.path[0] for key in conditions} >= {"raw_zendesk", "staging", "audiences", "activation"}
    unlabelled = [key.to_user_string() for key, condition in conditions.items() if not condition.get_label()]
    assert unlabelled == []


def test_the_object_freshness_sensor_requests_the_checks_never_evaluated(pipeline_home):
    definitions = defs()
    sensor = definitions.resolve_sensor_def("object_sources_freshness")
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=definitions)
        result = sensor.evaluate_tick(context)
    (request,) = result.run_requests
    checked = {key.asset_key for key in request.asset_check_keys}
    assert checked == set(all_object_asset_keys())
