"""The demo shows what its Dagster build is doing while it runs: each phase's finished assets, read from the
run's own events."""

from __future__ import annotations

import io

import dagster as dg
from rich.console import Console

from interaction_pipeline.demo.progress import build_progress


def chain(*keys: list[str]) -> list[dg.AssetsDefinition]:
    """One asset per key, each depending on the one before."""
    assets: list[dg.AssetsDefinition] = []
    for key in keys:

        @dg.asset(key=key, deps=assets[-1:])
        def step():
            return 1

        assets.append(step)
    return assets


def test_the_build_shows_each_phase_counting_its_finished_assets():
    assets = chain(
        ["raw_events", "messages"],
        ["raw_stripe", "customers"],
        ["staging", "stg_customers"],
        ["marts", "fct_orders"],
        ["reporting", "email_charts"],
    )
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
