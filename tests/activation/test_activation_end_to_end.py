"""An audience model materializes with new members → its syncs are requested by their automation conditions →
the sandbox holds the audience, hashed. An audience rebuilt with the same members requests nothing."""

import csv
import hashlib
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import requests
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets

from interaction_pipeline.defs.activation.definitions import activation_definitions
from interaction_pipeline.defs.activation.keys import activation_keys
from interaction_pipeline.defs.activation.resources import destination_resources
from interaction_pipeline.defs.resources import WarehouseResource, warehouse_resource
from interaction_pipeline.defs.transform.membership import versioned_dbt_events
from interaction_pipeline.destinations.plan import load_plan

pytestmark = pytest.mark.slow


def build_definitions(project_dir):
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    dbt = DbtCliResource(project_dir=project, dbt_executable=str(Path(sys.executable).parent / "dbt"))
    manifest = dbt.cli(["parse"]).wait().target_path / "manifest.json"

    plan = load_plan(manifest)

    @dbt_assets(manifest=manifest)
    def fixture_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        invocation = dbt.cli(["build"], context=context, raise_on_error=False)
        yield from versioned_dbt_events(context, invocation, plan.audiences, warehouse)

    activation = activation_definitions(activation_keys(plan, [fixture_models]))
    resources = {**destination_resources(), "warehouse": warehouse_resource(), "dbt": dbt}
    return (
        fixture_models,
        plan,
        dg.Definitions.merge(activation, dg.Definitions(assets=[fixture_models], resources=resources)),
        resources,
    )


def meta_emails(url: str) -> set[str]:
    audiences = requests.get(f"{url}/meta/_sandbox/audiences", timeout=5).json()["audiences"]
    (audience,) = audiences.values()
    return {member["EMAIL"] for member in audience["members"]}


def expected(indices) -> set[str]:
    return {hashlib.sha256(f"person.{i}@example.com".encode()).hexdigest() for i in indices}


def set_vip(project_dir, index: int, vip: bool) -> None:
    path = project_dir / "seeds" / "people.csv"
    rows = list(csv.reader(path.open()))
    rows[index + 1][7] = "true" if vip else "false"
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)


def requested_syncs(defs, instance, cursor):
    """One evaluation of the automation conditions, as the daemon's sensor makes it: (keys, cursor)."""
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    keys = {
        r.key.to_user_string() for r in result.results if r.key.path[0] == "activation" and r.true_subset.size
    }
    return keys, result.cursor


def test_audience_change_flows_from_dbt_through_automation_to_every_destination(activation_env):
    project_dir, url, warehouse = activation_env
    fixture_models, _plan, defs, resources = build_definitions(project_dir)
    sync_assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a is not fixture_models]
    vips = {
        "activation/fixture_vips__meta",
        "activation/fixture_vips__google_ads",
        "activation/fixture_vips__webhook",
    }
    with dg.DagsterInstance.ephemeral() as instance:
        requested, cursor = requested_syncs(defs, instance, None)
        assert requested == set()  # no audience built yet

        assert dg.materialize([fixture_models], instance=instance, resources=resources).success
        requested, cursor = requested_syncs(defs, instance, cursor)
        assert requested == vips | {"activation/fixture_blocked__braze"}
        selection = [dg.AssetKey.from_user_string(key) for key in requested]
        assert dg.materialize(
            sync_assets, selection=selection, instance=instance, resources=resources
        ).success
        assert meta_emails(url) == expected(range(30))
        blocklist = requests.get(f"{url}/braze/_sandbox/state", timeout=5).json()["blocklist"]
        assert blocklist == sorted(f"person.{i}@example.com" for i in range(36, 40))
        meta_key = dg.AssetKey(["activation", "fixture_vips__meta"])
        event = instance.get_latest_materialization_event(meta_key).asset_materialization
        assert event.metadata["added"].value == 30
        assert event.metadata["details"].value["destination_num_received"] == 30
        assert event.metadata["sandbox"].value is True

        assert requested_syncs(defs, instance, cursor)[0] == set()
        assert dg.materialize([fixture_models], instance=instance, resources=resources).success
        requested, cursor = requested_syncs(defs, instance, cursor)
        assert requested == set()  # rebuilt with the same members
        job = defs.resolve_job_def("sync_all_audiences")
        assert job.execute_in_process(instance=instance).success
        event = instance.get_latest_materialization_event(meta_key).asset_materialization
        assert (event.metadata["added"].value, event.metadata["details"].value["requests"]) == (0, 0)

        set_vip(project_dir, 4, vip=False)
        assert dg.materialize([fixture_models], instance=instance, resources=resources).success
        requested, cursor = requested_syncs(defs, instance, cursor)
        assert requested == vips  # the blocked audience kept its members
        selection = [dg.AssetKey.from_user_string(key) for key in requested]
        assert dg.materialize(
            sync_assets, selection=selection, instance=instance, resources=resources
        ).success
        assert meta_emails(url) == expected(set(range(30)) - {4})
        hooked = requests.get(f"{url}/webhook/_sandbox/received", timeout=5).json()
        assert "u4" not in hooked["audiences"]["fixture_vips"] and hooked["events"]["Audience Exited"] == 1
        with duckdb.connect(str(warehouse), read_only=True) as conn:
            removed = conn.execute(
                "select sum(rows) from pipeline.audience_sync_log "
                "where level = 'batch' and action = 'remove' and audience = 'fixture_vips' "
                "and status = 'accepted'"
            ).fetchall()[0][0]
        assert removed == 3  # one removal on each of meta, google_ads and the webhook
