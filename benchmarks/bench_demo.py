"""Demo data: how fast the story is generated, and how fast the partner side delivers it to a real collector.

Generation is compared with re-serialising the same messages (``orjson.dumps``), the least any producer of
those events must spend; delivery runs a real collector process on a temporary home.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

from interaction_pipeline import settings
from interaction_pipeline.story.generator import generate_story

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def _generation(size: int) -> list[dict]:
    story = generate_story(seed=42, size=size, now=NOW)
    started = time.perf_counter()
    events = [event for _, event in story.events()]
    generated = time.perf_counter() - started
    started = time.perf_counter()
    for message in events:
        orjson.dumps(message)
    serialised = time.perf_counter() - started
    return [
        {
            "benchmark": "demo story",
            "figure": "events generated per second",
            "value": len(events) / generated,
            "unit": "events/s",
            "baseline": len(events) / serialised,
            "target": "≥ 100,000 events/s",
        },
        {
            "benchmark": "demo story",
            "figure": "events per person",
            "value": len(events) / size,
            "unit": "events",
            "target": "60-100",
        },
    ]


def _delivery(size: int) -> list[dict]:
    from interaction_pipeline.demo.processes import free_port, start_cli_server
    from interaction_pipeline.demo.sources import ensure_signing_keys, ensure_sources
    from interaction_pipeline.demo.webhooks import send_story_events

    story = generate_story(seed=42, size=size, now=NOW)
    with tempfile.TemporaryDirectory() as home, settings.overridden(settings.HOME_VARIABLE, home):
        keys, signing_keys = ensure_sources(story.sources), ensure_signing_keys(story.sources)
        collector = start_cli_server("collector", [], free_port(), "/health", Path(home) / "collector.log")
        try:
            started = time.perf_counter()
            report = send_story_events(story, collector.url, keys, signing_keys, senders=4)
            elapsed = time.perf_counter() - started
        finally:
            collector.stop()
    delivered = sum(report.sent.values())
    return [
        {
            "benchmark": "demo delivery",
            "figure": "events accepted by the collector per second",
            "value": delivered / elapsed,
            "unit": "events/s",
            "target": "default demo (~315k events) in < 15 s",
        }
    ]


def run(quick: bool) -> list[dict]:
    return _generation(500 if quick else 5000) + _delivery(300 if quick else 3000)
