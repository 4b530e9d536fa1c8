"""The fixture manifest's audiences (promo: marketing, to file and meta; hold: suppression) as Dagster assets,
and helpers to write their tables and materialize their sync assets."""

from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource, dbt_assets

from interaction_pipeline.defs.activation.keys import activation_keys
from interaction_pipeline.destinations.plan import load_plan

MANIFEST = Path(__file__).parent / "fixtures" / "manifest.json"


@dbt_assets(manifest=MANIFEST)
def fixture_audiences(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    yield from ()  # never run: the tests write the audience tables themselves


KEYS = activation_keys(load_plan(MANIFEST), [fixture_audiences])


def write_audiences(warehouse: Path, promo_emails: list[str | None], hold_emails: list[str | None]) -> None:
    """One member per email (None: a member with only a user id), profile ids `aud_<table>-<index>`."""
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema if not exists audiences")
        for table, emails in (("aud_promo", promo_emails), ("aud_hold", hold_emails)):
            conn.execute(
                f"create or replace table audiences.{table} "
                "(profile_id varchar, email varchar, phone varchar, user_id varchar)"
            )
            rows = [[f"{table}-{i}", email, f"u-{table}-{i}"] for i, email in enumerate(emails)]
            if rows:
                conn.executemany(f"insert into audiences.{table} values (?, ?, null, ?)", rows)


def materialize(assets, resources, key: str, instance, run_config=None, tags=None):
    return dg.materialize(
        assets,
        selection=[dg.AssetKey(["activation", key])],
        resources=resources,
        instance=instance,
        run_config=run_config,
        tags=tags,
        raise_on_error=False,
    )


def check_reasons(result) -> dict[str, tuple[bool, str]]:
    return {
        evaluation.check_name: (evaluation.passed, evaluation.metadata["reason"].value)
        for evaluation in result.get_asset_check_evaluations()
    }


def latest_metadata(instance: dg.DagsterInstance, key: str) -> dict:
    """The last sync's metadata as plain values, with the figures of its `details` entry among them."""
    event = instance.get_latest_materialization_event(dg.AssetKey(["activation", key]))
    values = {name: value.value for name, value in event.asset_materialization.metadata.items()}
    return {**values, **values["details"]}
