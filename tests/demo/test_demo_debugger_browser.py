"""The collector's debugger, opened in a real headless browser, shows the demo's partner events live."""

from __future__ import annotations

import re

import pytest

from interaction_pipeline.demo.processes import free_port, start_cli_server
from interaction_pipeline.demo.sources import ensure_signing_keys, ensure_sources
from interaction_pipeline.demo.webhooks import send_story_events
from interaction_pipeline.story.generator import generate_story

pytestmark = pytest.mark.slow


def test_debugger_page_renders_sources_and_events_sent_by_the_partners(pipeline_home, rendered_dom):
    story = generate_story(seed=3, size=20)
    keys, signing_keys = ensure_sources(story.sources), ensure_signing_keys(story.sources)
    collector = start_cli_server("collector", [], free_port(), "/health", pipeline_home / "collector.log")
    try:
        report = send_story_events(story, collector.url, keys, signing_keys, senders=2)
        assert not report.failed and sum(report.sent.values()) > 500
        dom = rendered_dom(f"{collector.url}/debugger", budget_ms=8000)
    finally:
        collector.stop()
    for source, kind in story.sources:
        assert f"{source} ({kind})" in dom
    assert "Email Opened" in dom and "Live Chat Conversation Started" in dom
    status = re.search(r'<span id="status"[^>]*>([^<]*)</span>', dom).group(1)
    assert re.fullmatch(r"live - [1-9]\d* shown", status), status
