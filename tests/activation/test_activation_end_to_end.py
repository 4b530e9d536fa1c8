"""An audience model materializes → the sensor requests a sync → the sandbox holds the audience, hashed."""

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
from interaction_pipeline.defs.resources import warehouse_resource
from interaction_pipeline.destinations.plan import load_plan

pytestmark = pytest.mark.slow


def build_definitions(project_dir):
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir)
    dbt = DbtCliResource(project_dir=project, dbt_executable=str(Path(sys.executable).parent / "dbt"))
    manifest = dbt.cli(["parse"]).wait().target_path / "manifest.json"

    @dbt_assets(manifest=manifest)
    def fixture_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        yield from dbt.cli(["build"], context=context).stream()

    plan = load_plan(manifest)
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


def run_sensor_requests(defs, instance, cursor):
    sensor = defs.resolve_sensor_def("audience_sync_sensor")
    result = sensor(dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs))
    return result


def test_audience_change_flows_from_dbt_through_the_sensor_to_every_destination(activation_env):
    project_dir, url, warehouse = activation_env
    fixture_models, _plan, defs, resources = build_definitions(project_dir)
    sync_assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a is not fixture_models]
    with dg.DagsterInstance.ephemeral() as instance:
        assert isinstance(run_sensor_requests(defs, instance, None), dg.SkipReason)

        assert dg.materialize([fixture_models], instance=instance, resources=resources).success
        result = run_sensor_requests(defs, instance, None)
        by_model = {r.tags["interaction_pipeline/audience_model"]: r for r in result.run_requests}
        assert set(by_model) == {"audiences/aud_fixture_vips", "audiences/aud_fixture_blocked"}
        vips = by_model["audiences/aud_fixture_vips"]
        assert {k.to_user_string() for k in vips.asset_selection} == {
            "activation/fixture_vips__meta",
            "activation/fixture_vips__google_ads",
            "activation/fixture_vips__webhook",
        }
        for request in result.run_requests:
            run = dg.materialize(
                sync_assets,
                selection=request.asset_selection,
                instance=instance,
                resources=resources,
                tags={"dagster/run_key": request.run_key},
            )
            assert run.success
        assert meta_emails(url) == expected(range(30))
        blocklist = requests.get(f"{url}/braze/_sandbox/state", timeout=5).json()["blocklist"]
        assert blocklist == sorted(f"person.{i}@example.com" for i in range(36, 40))
        meta_key = dg.AssetKey(["activation", "fixture_vips__meta"])
        event = instance.get_latest_materialization_event(meta_key).asset_materialization
        assert event.metadata["added"].value == 30
        assert event.metadata["details"].value["destination_num_received"] == 30
        assert event.metadata["sandbox"].value is True

        cursor = result.cursor
        assert isinstance(run_sensor_requests(defs, instance, cursor), dg.SkipReason)
        job = defs.resolve_job_def("sync_all_audiences")
        assert job.execute_in_process(instance=instance).success
        event = instance.get_latest_materialization_event(meta_key).asset_materialization
        assert (event.metadata["added"].value, event.metadata["details"].value["requests"]) == (0, 0)

        set_vip(project_dir, 4, vip=False)
        assert dg.materialize([fixture_models], instance=instance, resources=resources).success
        result = run_sensor_requests(defs, instance, cursor)
        vips = next(
            r
            for r in result.run_requests
            if r.tags["interaction_pipeline/audience_model"] == "audiences/aud_fixture_vips"
        )
        assert dg.materialize(
            sync_assets, selection=vips.asset_selection, instance=instance, resources=resources
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
