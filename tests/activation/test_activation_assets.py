"""Sync assets in Dagster: guards as blocking checks that say why, and dry runs that send nothing."""

import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource, dbt_assets

from interaction_pipeline.defs.activation.checks import build_suppression_checks
from interaction_pipeline.defs.activation.definitions import activation_definitions
from interaction_pipeline.defs.activation.keys import activation_keys
from interaction_pipeline.defs.activation.resources import destination_resources
from interaction_pipeline.defs.activation.sensors import RETRY_AFTER_SECONDS, unfinished_syncs
from interaction_pipeline.defs.resources import warehouse_resource
from interaction_pipeline.destinations.plan import load_plan

MANIFEST = Path(__file__).parent / "fixtures" / "manifest.json"


@dbt_assets(manifest=MANIFEST)
def fixture_audiences(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from ()  # never run: the tests write the audience tables themselves


KEYS = activation_keys(load_plan(MANIFEST), [fixture_audiences])


def write_audiences(warehouse: Path, promo_emails: list[str], hold_emails: list[str]) -> None:
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema if not exists audiences")
        for table, emails in (("aud_promo", promo_emails), ("aud_hold", hold_emails)):
            conn.execute(
                f"create or replace table audiences.{table} "
                "(profile_id varchar, email varchar, phone varchar)"
            )
            conn.executemany(
                f"insert into audiences.{table} values (?, ?, null)",
                [[f"{table}-{i}", email] for i, email in enumerate(emails)],
            )


@pytest.fixture
def activation(pipeline_home, monkeypatch):
    # Nothing listens here: a request that should not happen would fail the run.
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:9")
    defs = activation_definitions(KEYS)
    resources = {**destination_resources(), "warehouse": warehouse_resource()}
    assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition)]
    return pipeline_home, assets, resources


def materialize(assets, resources, key: str, instance, run_config=None):
    return dg.materialize(
        assets,
        selection=[dg.AssetKey(["activation", key])],
        resources=resources,
        instance=instance,
        run_config=run_config,
        raise_on_error=False,
    )


def check_reasons(result) -> dict[str, tuple[bool, str]]:
    return {
        evaluation.check_name: (evaluation.passed, evaluation.metadata["reason"].value)
        for evaluation in result.get_asset_check_evaluations()
    }


def test_a_suppressed_member_fails_the_blocking_check_and_nothing_is_exported(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "B@x.com", "c@x.com"], ["b@x.com"])
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize(assets, resources, "promo__file", instance)
    assert not result.success
    checks = check_reasons(result)
    passed, reason = checks["no_suppressed_members"]
    assert not passed
    assert reason.startswith("1 members of marketing audience promo are in suppression audiences (hold)")
    assert checks["min_size"] == (True, "passed")
    assert not (home / "exports").exists()


def test_a_clean_audience_passes_its_checks_and_exports(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "c@x.com"], ["b@x.com"])
    with dg.DagsterInstance.ephemeral() as instance:
        result = materialize(assets, resources, "promo__file", instance)
    assert result.success
    assert check_reasons(result)["no_suppressed_members"] == (True, "passed")
    assert len(list((home / "exports" / "audiences" / "promo").glob("*/added.csv"))) == 1


def test_dry_run_config_reports_hashed_samples_and_contacts_nobody(activation):
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "c@x.com"], ["b@x.com"])
    config = {"ops": {"activation__promo__meta": {"config": {"dry_run": True}}}}
    with dg.DagsterInstance.ephemeral() as instance:
        assert materialize(assets, resources, "promo__meta", instance, run_config=config).success
        metadata = instance.get_latest_materialization_event(
            dg.AssetKey(["activation", "promo__meta"])
        ).asset_materialization.metadata
    assert (metadata["dry_run"].value, metadata["to_add"].value, metadata["added"].value) == (True, 2, 0)
    assert metadata["sandbox"].value is True
    sample = metadata["sample_adds"].value[0]
    assert sample["member_key"] == "aud_promo-0" and len(sample["payload"][0]) == 64
    with duckdb.connect(str(home / "warehouse.duckdb")) as conn:
        assert conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'pipeline'"
        ).fetchall() == [(0,)]


def test_a_dry_run_keeps_no_plaintext_identifier_in_dagsters_event_log(activation, tmp_path):
    """The file destination writes plaintext rows: dry-run samples are masked before Dagster stores them."""
    home, assets, resources = activation
    write_audiences(home / "warehouse.duckdb", ["ana.lopez@example.com", "c@x.com"], ["b@x.com"])
    config = {"ops": {"activation__promo__file": {"config": {"dry_run": True}}}}
    storage = tmp_path / "dagster"
    storage.mkdir()
    with dg.DagsterInstance.local_temp(str(storage)) as instance:
        assert materialize(assets, resources, "promo__file", instance, run_config=config).success
        metadata = instance.get_latest_materialization_event(
            dg.AssetKey(["activation", "promo__file"])
        ).asset_materialization.metadata
    sample = metadata["sample_adds"].value[0]
    assert sample["member_key"] == "aud_promo-0" and sample["payload"]["email"] == "[email]"
    stored = b"".join(path.read_bytes() for path in storage.rglob("*") if path.is_file())
    assert stored and b"ana.lopez" not in stored


def test_the_sensor_retries_a_sync_that_left_rows_unconfirmed(pipeline_home):
    key = dg.AssetKey(["activation", "promo__meta"])
    with dg.DagsterInstance.ephemeral() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(key, metadata={"failed": 3}))
        soon, _ = unfinished_syncs(instance, KEYS, {}, now=time.time())
        later, cursor = unfinished_syncs(instance, KEYS, {}, now=time.time() + RETRY_AFTER_SECONDS + 1)
        assert soon == []
        assert [request.asset_selection for request in later] == [[key]]
        again, _ = unfinished_syncs(instance, KEYS, cursor, now=time.time() + RETRY_AFTER_SECONDS + 1)
        assert again == []
        instance.report_runless_asset_event(dg.AssetMaterialization(key, metadata={"failed": 0}))
        done, _ = unfinished_syncs(instance, KEYS, cursor, now=time.time() + 2 * RETRY_AFTER_SECONDS)
        assert done == []


def test_the_marketing_model_itself_carries_a_blocking_suppression_check(activation):
    home, _, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "B@x.com"], ["b@x.com"])
    (check,) = build_suppression_checks(KEYS)
    assert check.check_keys == {dg.AssetCheckKey(dg.AssetKey("aud_promo"), "no_suppressed_members")}
    result = check(dg.build_asset_check_context(resources={"warehouse": resources["warehouse"]}))
    assert not result.passed
    assert result.metadata["suppressed_members"].value == 1
    assert result.metadata["reason"].value.startswith("1 members of marketing audience promo")
