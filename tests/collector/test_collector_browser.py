"""Browser sources: JSON sent as text/plain, CORS preflights answered, origins limited per source."""

from __future__ import annotations

import time

from click.testing import CliRunner

from interaction_pipeline.cli import main

ORIGIN = "https://shop.example.com"


def test_a_preflight_is_answered_with_cors_headers(live_collector):
    response = live_collector.request(
        "OPTIONS",
        "/v1/t",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status == 204
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "content-type"


def test_a_text_plain_body_with_the_key_inside_is_accepted(live_collector, spool_reader):
    body = f'{{"writeKey": "{live_collector.write_key}", "anonymousId": "a-1", "event": "Viewed"}}'
    response = live_collector.request(
        "POST", "/v1/t", body.encode(), {"Content-Type": "text/plain", "Origin": ORIGIN}
    )
    assert response.status == 200
    assert response.headers["access-control-allow-origin"] == ORIGIN
    [line] = spool_reader.messages(live_collector.home, include_open=True)
    assert line["event"] == "Viewed" and "writeKey" not in line


def test_origins_are_limited_per_source(live_collector, spool_reader):
    created = CliRunner().invoke(
        main, ["sources", "create", "site", "--kind", "website", "--origin", "https://www.example.com"]
    )
    key = created.output.strip().splitlines()[-1]
    time.sleep(1.1)
    body = f'{{"writeKey": "{key}", "anonymousId": "a-1", "event": "Viewed"}}'.encode()
    allowed = live_collector.request(
        "POST", "/v1/t", body, {"Content-Type": "text/plain", "Origin": "https://www.example.com"}
    )
    refused = live_collector.request(
        "POST", "/v1/t", body, {"Content-Type": "text/plain", "Origin": "https://evil.example.net"}
    )
    assert allowed.status == 200
    assert allowed.headers["access-control-allow-origin"] == "https://www.example.com"
    assert refused.status == 403 and refused.json()["code"] == "origin_not_allowed"
    [line] = spool_reader.messages(live_collector.home, include_open=True)
    assert line["context"]["ip"] == "127.0.0.1"  # a website source records the client IP
    [reject] = spool_reader.rejects(live_collector.home, include_open=True)
    assert reject["code"] == "origin_not_allowed" and reject["_source"]["name"] == "site"
