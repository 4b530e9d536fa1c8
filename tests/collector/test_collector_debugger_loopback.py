"""With no admin token the debugger answers direct loopback requests only: not a rebound host name, not a
request relayed by a proxy on the same machine."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "attacker.example:8088"},  # DNS rebinding: the page's own name, resolved to 127.0.0.1
        {"Host": "127.0.0.1.attacker.example"},
        {"X-Forwarded-For": "127.0.0.1"},  # a proxy on loopback relaying someone else
        {"X-Forwarded-For": "203.0.113.9"},
        {"Forwarded": "for=127.0.0.1"},
        {"Host": ""},
    ],
)
@pytest.mark.parametrize("path", ["/debugger", "/debugger/api/events"])
def test_without_a_token_a_rebound_or_proxied_request_is_refused(live_collector, path, headers):
    live_collector.post("/v1/track", {"userId": "u-1", "event": "Email Opened"})
    response = live_collector.request("GET", path, headers=headers)
    assert response.status == 403
    assert b"Email Opened" not in response.body and b"loopback" in response.body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_without_a_token_a_direct_loopback_request_is_served(live_collector, host):
    live_collector.post("/v1/track", {"userId": "u-1", "event": "Email Opened"})
    response = live_collector.request("GET", "/debugger/api/events", headers={"Host": f"{host}:8088"})
    assert response.status == 200
    assert [entry["event"] for entry in response.json()["events"]] == ["Email Opened"]
