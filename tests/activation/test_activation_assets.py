"""Sync assets in Dagster: guards as blocking checks that say why, and dry runs that send nothing."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource, dbt_assets

from interaction_pipeline.defs.activation.checks import build_suppression_checks
from interaction_pipeline.defs.activation.definitions import activation_definitions
from interaction_pipeline.defs.activation.keys import activation_keys
from interaction_pipeline.defs.activation.resources import destination_resources
from interaction_pipeline.defs.activation.sync_assets import CONFIRMED_CHECK
from interaction_pipeline.defs.resources import warehouse_resource
from interaction_pipeline.defs.transform.project import dbt_cli
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


def report_sync(instance, key: dg.AssetKey, confirmed: bool) -> None:
    """A sync's materialization and its `all_changes_confirmed` result, as a run records them."""
    instance.report_runless_asset_event(dg.AssetMaterialization(key))
    instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(asset_key=key, check_name=CONFIRMED_CHECK, passed=confirmed)
    )


def test_a_sync_that_left_rows_unconfirmed_is_requested_again_at_the_next_five_minute_mark(pipeline_home):
    key = dg.AssetKey(["activation", "promo__meta"])
    resources = {**destination_resources(), "warehouse": warehouse_resource(), "dbt": dbt_cli()}
    definitions = dg.Definitions.merge(
        activation_definitions(KEYS), dg.Definitions(assets=[fixture_audiences], resources=resources)
    )
    at = datetime(2026, 11, 29, 10, 1, tzinfo=UTC)

    def requested(instance, cursor, minutes: float):
        result = dg.evaluate_automation_conditions(
            defs=definitions,
            instance=instance,
            cursor=cursor,
            evaluation_time=at + timedelta(minutes=minutes),
        )
        return result.get_requested_partitions(key) != set(), result.cursor

    with dg.DagsterInstance.ephemeral() as instance:
        instance.report_runless_asset_event(dg.AssetMaterialization(KEYS.model_keys["promo"]))
        report_sync(instance, key, confirmed=False)
        soon, cursor = requested(instance, None, 0)
        still, cursor = requested(instance, cursor, 2)
        assert (soon, still) == (False, False)
        retried, cursor = requested(instance, cursor, 4.5)  # past 10:05
        assert retried
        again, cursor = requested(instance, cursor, 5)
        assert not again  # requested once per five-minute mark
        report_sync(instance, key, confirmed=True)
        done, _ = requested(instance, cursor, 10)
        assert not done


def test_the_marketing_model_itself_carries_a_blocking_suppression_check(activation):
    home, _, resources = activation
    write_audiences(home / "warehouse.duckdb", ["a@x.com", "B@x.com"], ["b@x.com"])
    (check,) = build_suppression_checks(KEYS)
    assert check.check_keys == {dg.AssetCheckKey(dg.AssetKey("aud_promo"), "no_suppressed_members")}
    result = check(dg.build_asset_check_context(resources={"warehouse": resources["warehouse"]}))
    assert not result.passed
    assert result.metadata["suppressed_members"].value == 1
    assert result.metadata["reason"].value.startswith("1 members of marketing audience promo")
