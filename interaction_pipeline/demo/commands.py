"""`interaction-pipeline demo`."""

from __future__ import annotations

import sys

import click


@click.command()
@click.option("--size", default=5000, show_default=True, type=click.IntRange(1), help="People in the story.")
@click.option(
    "--seed", default=42, show_default=True, type=int, help="Seed of the story (same seed, same data)."
)
@click.option(
    "--senders",
    default=4,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Concurrent partner connections posting to the collector.",
)
def demo(size: int, seed: int, senders: int) -> None:
    """Run the whole product on a generated story: partner events in, objects synced, funnels, audiences out.

    Starts the sandbox and the collector, sends each partner's events with its own write key, runs every
    Dagster asset, pushes the audiences to the sandbox's ad and email tools, and prints the results.
    Safe to run again: sources are reused and the warehouse drops resent events.
    """
    from rich.console import Console

    from interaction_pipeline.demo.run import run_demo

    result = run_demo(seed=seed, size=size, console=Console(file=sys.stdout), senders=senders)
    if not result.success:
        raise SystemExit(1)
