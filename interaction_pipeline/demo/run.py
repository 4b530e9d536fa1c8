"""`interaction-pipeline demo` step by step: sandbox, collector, partner events, Dagster, audiences.

Website events go to the Tracking API as a Segment library sends them; the partners that export by webhook
(Braze, Customer.io) deliver theirs through the sandbox's stand-ins, in their own formats, at the same time.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from interaction_pipeline import partners, settings
from interaction_pipeline.demo import pipeline, summary
from interaction_pipeline.demo.processes import free_port, start_cli_server
from interaction_pipeline.demo.progress import build_progress, sync_progress
from interaction_pipeline.demo.sender import SendReport
from interaction_pipeline.demo.sources import demo_dir, ensure_signing_keys, ensure_sources
from interaction_pipeline.demo.story_pin import pinned_story
from interaction_pipeline.demo.webhooks import send_story_events
from interaction_pipeline.sandbox.app import seed_from_story
from interaction_pipeline.sandbox.server import run_sandbox


@dataclass
class DemoResult:
    sent: SendReport
    runs: list[pipeline.RunOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return not self.sent.failed and all(run.ok for run in self.runs)


def send_story(story, console: Console, senders: int) -> SendReport:
    write_keys = ensure_sources(story.sources)
    signing_keys = ensure_signing_keys(story.sources)
    log = demo_dir() / "collector.log"
    collector = start_cli_server("collector", [], free_port(), "/health", log)
    console.print(f"collector on {collector.url} (log: {log})")
    columns = (
        TextColumn("[bold]sending partner events"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    started = time.monotonic()
    try:
        with Progress(*columns, console=console, transient=False) as progress:
            task = progress.add_task("send", total=story.expected_events(), rate="")

            def advance(count: int) -> None:
                done = progress.tasks[0].completed + count
                rate = done / max(time.monotonic() - started, 1e-6)
                progress.update(task, advance=count, rate=f"{rate:,.0f} events/s")

            report = send_story_events(story, collector.url, write_keys, signing_keys, senders, advance)
            progress.update(task, total=progress.tasks[0].completed)
    finally:
        code = collector.stop()
    console.print(f"collector stopped (exit {code}); every spool segment is closed")
    return report


def run_demo(seed: int, size: int, console: Console, senders: int = 4) -> DemoResult:
    started = time.monotonic()
    story = pinned_story(seed, size)
    console.rule(
        f"[bold]Roastery Shop demo[/]: {size:,} people, seed {seed}, "
        f"story ends {story.now:%Y-%m-%d %H:%M} UTC"
    )
    with (
        run_sandbox(seed=seed, size=0) as sandbox,
        settings.overridden(partners.SANDBOX_URL_VARIABLE, sandbox.url),
    ):
        seed_from_story(sandbox.state, seed, size, story.now)
        console.print(f"sandbox (Stripe, Zendesk, Salesforce, Meta, Google Ads, Braze) on {sandbox.url}")
        result = DemoResult(sent=send_story(story, console, senders))
        truth_path = story.write_ground_truth(demo_dir() / "ground_truth.json")
        console.print(f"ground truth for tests and checks: {truth_path}")
        run_log = demo_dir() / "dagster.log"
        with pipeline.output_to(run_log):
            definitions = pipeline.load_definitions()
        console.print(f"Dagster runs in the project's instance (dbt and run output: {run_log})")
        with pipeline.open_instance() as instance:
            build_started = time.monotonic()
            console.print("[bold]Dagster builds the warehouse[/] (build_warehouse):")
            with (
                build_progress(console, instance, pipeline.build_keys(definitions)) as run_id,
                pipeline.output_to(run_log),
            ):
                result.runs.append(pipeline.build(definitions, instance, run_id))
            _print_run(console, result.runs[-1])
            console.print(f"  built in {time.monotonic() - build_started:.0f} s")
            console.print("[bold]The audience syncs push what changed[/]:")
            with sync_progress(console) as (planned, done), pipeline.output_to(run_log):

                def finished(run: pipeline.RunOutcome) -> None:
                    done()
                    _print_run(console, run)

                result.runs += pipeline.activate(definitions, instance, on_run=finished, on_planned=planned)
        received = summary.destination_deliveries(sandbox)
    result.seconds = time.monotonic() - started
    truth = json.loads(truth_path.read_text())
    summary.print_summary(console, settings.paths().warehouse, result.sent, received, truth)
    _print_next_steps(console, result)
    return result


def _print_run(console: Console, run: pipeline.RunOutcome) -> None:
    if run.success:
        console.print(f"[green]✓[/] Dagster run {run.name}: {run.steps} steps succeeded (run {run.run_id})")
    elif run.blocked:
        console.print(
            f"[yellow]![/] Dagster run {run.name}: held back by a sync guard (run {run.run_id}); "
            "the reason is in the audience sync table below"
        )
    else:
        console.print(f"[red]✗[/] Dagster run {run.name} failed (run {run.run_id}): {run.detail}")


def _print_next_steps(console: Console, result: DemoResult) -> None:
    verdict = "[green]done[/]" if result.success else "[red]finished with errors[/]"
    console.rule(f"{verdict} in {result.seconds:.0f} s")
    console.print(
        "See it in the Dagster UI (runs, asset metadata, funnel charts):  [bold]make dev[/]"
        "  then open http://127.0.0.1:3000"
    )
    console.print("Static report for marketers:  [bold].venv/bin/interaction-pipeline report[/]")
    console.print("Run the demo again at any time: it reuses the sources and the warehouse drops duplicates.")
