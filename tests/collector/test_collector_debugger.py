"""The debugger: admin-token protection, and accepted events and rejects visible through its API."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess

import pytest
from starlette.requests import Request

from interaction_pipeline.collector.debugger import host_name, is_allowed
from interaction_pipeline.collector.debugger_page import PAGE

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
    headers = [(b"host", b"127.0.0.1:8088"), *(headers or [])]
    return Request({"type": "http", "method": "GET", "path": "/debugger", "headers": headers,
                    "query_string": b"", "client": (host, 5000)})  # fmt: skip


def test_with_no_token_configured_only_loopback_clients_are_served():
    assert is_allowed(_request_from("127.0.0.1"), None)
    assert is_allowed(_request_from("::1"), None)
    assert not is_allowed(_request_from("10.1.2.3"), None)
    assert not is_allowed(_request_from("127.0.0.1"), TOKEN)
    assert is_allowed(_request_from("10.1.2.3", [(b"authorization", f"Bearer {TOKEN}".encode())]), TOKEN)


@pytest.mark.parametrize(
    ("host", "name"),
    [("127.0.0.1:8088", "127.0.0.1"), ("[::1]:8088", "::1"), ("localhost", "localhost"), ("::1", "::1")],
)
def test_the_host_name_is_read_without_its_port(host, name):
    assert host_name(host) == name


HARNESS = """// A minimal DOM and fetch, enough to run the debugger page's script and check what it renders.
const fs = require("fs");
const elements = {};
function element(tag) {
  return {tag, children: [], _text: "", innerHTML: "", className: "", value: "", length: 1, options: [],
    get textContent() { return this._text; },
    set textContent(text) { this._text = text; this.children = []; },  // as in the DOM: replaces children
    appendChild(child) { this.children.push(child); return child; },
    add(option) { this.options.push(option); this.length += 1; },
    set onclick(f) { this._onclick = f; }, get onclick() { return this._onclick; }};
}
global.document = {
  getElementById(id) { return elements[id] || (elements[id] = element("#" + id)); },
  createElement(tag) { return element(tag); },
};
global.Option = function (text, value) { this.text = text; this.value = value; };
const responses = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
global.fetch = async (path) => {
  const key = Object.keys(responses).find((prefix) => path.startsWith(prefix));
  return {ok: true, json: async () => responses[key], text: async () => ""};
};
const timers = [];
global.setTimeout = (f) => timers.push(f);
global.setInterval = () => 0;
eval(fs.readFileSync(process.argv[2], "utf8"));
(async () => {
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  const rows = elements.rows;
  const texts = (row) => row.children.map((cell) => cell.textContent);
  const out = {eventRows: rows.children.map(texts), status: elements.status.textContent};
  rows.children[0].onclick();                       // open the first entry: pretty view
  out.pretty = rows.children[1].children[0].children[0].textContent;
  elements.view.onclick();                          // raw view
  out.raw = rows.children[1].children[0].children[0].textContent;
  elements["tab-rejects"].onclick();
  out.rejectRows = rows.children.map(texts);
  out.sources = elements.source.options.map((option) => option.value);
  out.eventFilter = elements.event.options.map((option) => option.value);
  console.log(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
"""


def test_the_page_renders_events_and_rejects_from_the_api(live_collector, tmp_path):
    """Runs the page's script under node with a minimal DOM, fed with the real API's answers."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    live_collector.post("/v1/track", {"userId": "u-9", "event": "Email Opened", "properties": {"k": 1}})
    live_collector.post("/v1/track", {"event": "No ids"})
    answers = {
        path: live_collector.request("GET", path, headers=_bearer()).json()
        for path in ("/debugger/api/sources", "/debugger/api/events", "/debugger/api/rejects")
    }
    (tmp_path / "page.js").write_text(re.search(r"<script>(.*)</script>", PAGE, re.S).group(1))
    (tmp_path / "harness.js").write_text(HARNESS)
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    result = subprocess.run(
        [node, str(tmp_path / "harness.js"), str(tmp_path / "page.js"), str(tmp_path / "answers.json")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    [row] = shown["eventRows"]
    assert row[1:] == ["braze-test", "track", "Email Opened", "u-9"]
    assert shown["pretty"].startswith('analytics.track("Email Opened", {')
    assert json.loads(shown["raw"])["userId"] == "u-9"
    assert shown["rejectRows"][0][1:4] == [
        "braze-test",
        "no_user_anon_id",
        "userId or anonymousId is required",
    ]
    assert "braze-test" in shown["sources"] and "Email Opened" in shown["eventFilter"]


def test_event_name_counts_stay_bounded_when_names_carry_ids():
    from interaction_pipeline.collector.live_view import MAX_EVENT_NAMES, LiveView

    view = LiveView(size=10)
    entries = [("track", f"Order {number}") for number in range(MAX_EVENT_NAMES + 50)]
    data = b"{}\n" * len(entries)
    view.record_accepted("shop", "2026-11-29T10:00:00.000Z", entries, [2] * len(entries), data)
    activity = view.sources["shop"]
    assert len(activity.events) == MAX_EVENT_NAMES + 1 and activity.events["(other)"] == 50
    assert len(activity.recent) == 10 and activity.accepted == MAX_EVENT_NAMES + 50
