"""The demo shows what its Dagster build is doing while it runs: each phase's finished assets, read from the
run's own events."""

from __future__ import annotations

import io

import dagster as dg
from rich.console import Console

from interaction_pipeline.demo.progress import build_progress


@dg.asset(key=["raw_events", "messages"])
def events():
    return 1


@dg.asset(key=["raw_stripe", "customers"], deps=[events])
def customers():
    return 1


@dg.asset(key=["staging", "stg_customers"], deps=[customers])
def staging():
    return 1


@dg.asset(key=["marts", "fct_orders"], deps=[staging])
def mart():
    return 1


@dg.asset(key=["reporting", "email_charts"], deps=[mart])
def charts():
    return 1


def test_the_build_shows_each_phase_counting_its_finished_assets():
    assets = [events, customers, staging, mart, charts]
    output = io.StringIO()
    console = Console(file=output, width=100, force_terminal=False)
    with dg.DagsterInstance.ephemeral() as instance:
        keys = {key for asset in assets for key in asset.keys}
        job = dg.Definitions(assets=assets).resolve_implicit_global_asset_job_def()
        with build_progress(console, instance, keys) as run_id:
            result = job.execute_in_process(instance=instance, run_id=run_id)
        assert result.success and result.run_id == run_id
    lines = [line.split() for line in output.getvalue().splitlines() if line.strip()]
    assert [(line[0:2], line[-2]) for line in lines] == [
        (["load", "events"], "1/1"),
        (["sync", "objects"], "1/1"),
        (["dbt", "models"], "2/2"),
        (["draw", "charts"], "1/1"),
    ]
