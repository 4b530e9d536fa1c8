"""The object-source assets materialize against a running sandbox into a temporary warehouse."""

from __future__ import annotations

import dagster as dg
import pytest
from dagster_duckdb import DuckDBResource
from sources_helpers import populate

from interaction_pipeline.definitions import defs
from interaction_pipeline.defs.ingestion.objects_factory import asset_key, object_asset
from interaction_pipeline.defs.ingestion.objects_resources import (
    SalesforceResource,
    StripeResource,
    ZendeskResource,
)
from interaction_pipeline.sources.sync import COLLECTIONS

pytestmark = pytest.mark.slow

ALL_ASSETS = [
    object_asset(source, collection) for source, names in COLLECTIONS.items() for collection in names
]


def materialize(tmp_path, instance, selection=None):
    resources = {
        "warehouse": DuckDBResource(database=str(tmp_path / "warehouse.duckdb")),
        "stripe": StripeResource.from_environment(),
        "zendesk": ZendeskResource.from_environment(),
        "salesforce": SalesforceResource.from_environment(),
    }
    return dg.materialize(
        ALL_ASSETS, resources=resources, instance=instance, selection=selection, raise_on_error=False
    )


def materializations(result) -> dict[str, dict]:
    return {
        event.asset_key.to_user_string(): event.step_materialization_data.materialization.metadata
        for event in result.get_asset_materialization_events()
    }


def check_results(result) -> dict[tuple[str, str], tuple[bool, str]]:
    return {
        (e.asset_key.to_user_string(), e.check_name): (e.passed, e.severity.value)
        for e in result.get_asset_check_evaluations()
    }


def test_every_object_asset_materializes_from_the_sandbox_with_passing_checks(sandbox, tmp_path):
    populate(sandbox.state, 8)
    instance = dg.DagsterInstance.ephemeral()

    result = materialize(tmp_path, instance)

    assert result.success
    metadata = materializations(result)
    assert len(metadata) == 13
    assert {m["endpoint"].value for m in metadata.values()} == {"sandbox"}
    assert {m["mode"].value for m in metadata.values()} == {"full"}
    assert metadata["raw_stripe/customers"]["live_rows"].value == 8
    assert all(passed for passed, _ in check_results(result).values())


def test_a_collection_that_shrinks_sharply_warns(sandbox, tmp_path):
    populate(sandbox.state, 10)
    instance = dg.DagsterInstance.ephemeral()
    materialize(tmp_path, instance, selection=[asset_key("stripe", "customers")])
    stripe = sandbox.state.vendors["stripe"]
    for customer in stripe.list_objects("customers")[:4]:
        stripe.delete("customers", customer["id"])

    result = materialize(tmp_path, instance, selection=[asset_key("stripe", "customers")])

    assert result.success
    assert check_results(result)[("raw_stripe/customers", "no_unexpected_shrink")] == (False, "WARN")


def test_a_forbidden_collection_fails_alone_with_a_clear_message(sandbox, tmp_path):
    populate(sandbox.state, 3)
    sandbox.control("PUT", "/permissions", {"zendesk": ["users"]})

    result = materialize(tmp_path, dg.DagsterInstance.ephemeral())

    assert not result.success
    assert "raw_zendesk/users" not in materializations(result)
    assert len(materializations(result)) == 12
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert "permission denied for collection 'users'" in failure.event_specific_data.error.message


def test_definitions_carry_the_object_assets_polling_and_freshness_checks(pipeline_home):
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    key = asset_key("zendesk", "tickets")
    assert graph.get(key).pools == {"duckdb_warehouse"}
    assert graph.get(key).group_name == "object_sources"
    assert {check.name for check in graph.asset_check_keys if check.asset_key == key} >= {
        "unique_ids",
        "no_unexpected_shrink",
        "freshness_check",
    }
    assert graph.get(key).automation_condition.get_label() == "poll Zendesk every minute"
    assert definitions.resolve_sensor_def("object_source_polls").asset_selection.resolve(graph) >= {key}


def test_rejected_credentials_fail_the_source_assets_without_retries_naming_the_setting(sandbox, tmp_path):
    populate(sandbox.state, 2)
    sandbox.state.vendors["stripe"].api_key = "sk_test_rotated"

    result = materialize(
        tmp_path, dg.DagsterInstance.ephemeral(), selection=[asset_key("stripe", "customers")]
    )

    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    assert "stripe: authentication failed (HTTP 401); check STRIPE_API_KEY" in (
        failure.event_specific_data.error.message
    )
    assert not any(event.event_type_value == "STEP_UP_FOR_RETRY" for event in result.all_events)
