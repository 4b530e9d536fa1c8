"""The debugger: admin-token protection, and accepted events and rejects visible through its API."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.requests import Request

from interaction_pipeline.collector.debugger import is_allowed

TOKEN = "debugger-secret-token"


@pytest.fixture
def collector_config(collector_config):
    return dataclasses.replace(collector_config, admin_token=TOKEN)


def _bearer(token: str = TOKEN) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", ["/debugger", "/debugger/api/sources", "/debugger/api/events"])
def test_without_the_token_the_debugger_is_refused(live_collector, path):
    assert live_collector.request("GET", path).status == 403
    assert live_collector.request("GET", path, headers=_bearer("wrong")).status == 403
    assert live_collector.request("GET", path, headers=_bearer()).status == 200


def test_the_browser_trades_the_url_token_for_a_cookie(live_collector):
    response = live_collector.request("GET", f"/debugger?token={TOKEN}")
    assert response.status == 303 and response.headers["location"] == "/debugger"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    page = live_collector.request("GET", "/debugger", headers={"Cookie": cookie.split(";")[0]})
    assert page.status == 200 and b"Collector debugger" in page.body


def test_an_accepted_event_and_a_reject_appear_in_the_api(live_collector):
    live_collector.post(
        "/v1/track", {"userId": "u-7", "event": "Email Opened", "properties": {"k": "needle"}}
    )
    live_collector.post("/v1/track", {"userId": "u-7", "event": "Email Sent"})
    live_collector.post("/v1/track", {"event": "No ids"})
    events = live_collector.request("GET", "/debugger/api/events", headers=_bearer()).json()
    assert [entry["event"] for entry in events["events"]] == ["Email Opened", "Email Sent"]
    first = events["events"][0]
    assert first["source"] == "braze-test" and first["message"]["userId"] == "u-7"
    assert first["message"]["receivedAt"].endswith("Z")

    def query(parameters: str) -> list[str]:
        found = live_collector.request("GET", f"/debugger/api/events?{parameters}", headers=_bearer()).json()
        return [entry["event"] for entry in found["events"]]

    assert query("event=Email+Sent") == ["Email Sent"]
    assert query("q=NEEDLE") == ["Email Opened"]
    assert query(f"after={first['seq']}") == ["Email Sent"]
    assert query("source=other") == []
    rejects = live_collector.request("GET", "/debugger/api/rejects", headers=_bearer()).json()["rejects"]
    assert [(reject["code"], reject["reason"]) for reject in rejects] == [
        ("no_user_anon_id", "userId or anonymousId is required")
    ]
    [source] = live_collector.request("GET", "/debugger/api/sources", headers=_bearer()).json()["sources"]
    assert (source["name"], source["accepted"], source["rejected"]) == ("braze-test", 2, 1)
    assert source["events"] == {"Email Opened": 1, "Email Sent": 1}


def test_the_ring_buffer_keeps_the_last_500_per_source(live_collector):
    batch = [{"type": "track", "userId": "u", "event": f"E{number}"} for number in range(600)]
    assert live_collector.post("/v1/batch", {"batch": batch}).status == 200
    events = live_collector.request("GET", "/debugger/api/events", headers=_bearer()).json()["events"]
    assert len(events) == 500 and events[-1]["event"] == "E599" and events[0]["event"] == "E100"


def _request_from(host: str, headers: list | None = None) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/debugger", "headers": headers or [],
                    "query_string": b"", "client": (host, 5000)})  # fmt: skip


def test_with_no_token_configured_only_loopback_clients_are_served():
    assert is_allowed(_request_from("127.0.0.1"), None)
    assert is_allowed(_request_from("::1"), None)
    assert not is_allowed(_request_from("10.1.2.3"), None)
    assert not is_allowed(_request_from("127.0.0.1"), TOKEN)
    assert is_allowed(_request_from("10.1.2.3", [(b"authorization", f"Bearer {TOKEN}".encode())]), TOKEN)
