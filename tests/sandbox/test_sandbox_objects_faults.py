"""Fault injection: each kind reaches a client, rules apply per path prefix, bad rules are refused."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
import requests

from interaction_pipeline.sandbox.server import run_sandbox
from interaction_pipeline.sandbox.state import SANDBOX_STRIPE_KEY

pytestmark = pytest.mark.slow
STRIPE = {"Authorization": f"Bearer {SANDBOX_STRIPE_KEY}"}


@pytest.fixture
def sandbox():
    with run_sandbox(seed=5) as running:
        running.control("POST", "/objects/stripe/customers", {"email": "a@example.com"})
        yield running


def always(sandbox, kind: str, **options) -> None:
    sandbox.control("PUT", "/faults", {"rules": {"/stripe/v1": {"rate": 1.0, "kinds": [kind], **options}}})


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_status_faults_answer_with_that_status(sandbox, status):
    always(sandbox, str(status), retry_after=2)
    response = requests.get(f"{sandbox.url}/stripe/v1/customers", headers=STRIPE)
    assert response.status_code == status
    assert response.headers.get("Retry-After") == ("2" if status in (429, 503) else None)


def test_a_timeout_fault_answers_later_than_a_client_waits(sandbox):
    always(sandbox, "timeout", delay=1.0)
    with pytest.raises(requests.ReadTimeout):
        requests.get(f"{sandbox.url}/stripe/v1/customers", headers=STRIPE, timeout=0.3)


def test_a_reset_fault_drops_the_connection_mid_response(sandbox):
    always(sandbox, "reset")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{sandbox.url}/stripe/v1/customers", headers=STRIPE)


def test_a_truncate_fault_sends_half_a_json_body(sandbox):
    always(sandbox, "truncate")
    response = requests.get(f"{sandbox.url}/stripe/v1/customers", headers=STRIPE)
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()


def test_rules_apply_only_under_their_prefix_and_at_their_rate(sandbox):
    sandbox.control("PUT", "/faults", {"seed": 1, "rules": {"/stripe/v1": {"rate": 0.3, "kinds": ["500"]}}})
    stripe = [
        requests.get(f"{sandbox.url}/stripe/v1/customers", headers=STRIPE).status_code for _ in range(200)
    ]
    zendesk = [
        requests.get(f"{sandbox.url}/zendesk/api/v2/incremental/tickets/cursor.json").status_code
        for _ in range(20)
    ]
    assert 30 <= stripe.count(500) <= 90
    assert 500 not in zendesk
    assert sandbox.control("GET", "/faults")["injected"]["500"] == stripe.count(500)


def test_unknown_fault_kinds_are_refused(sandbox):
    response = requests.put(
        f"{sandbox.url}/_sandbox/faults", json={"rules": {"/stripe": {"kinds": ["fire"]}}}
    )
    assert response.status_code == 400 and "fire" in response.json()["message"]


def test_the_sandbox_command_serves_the_seeded_story_until_stopped(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "interaction_pipeline.cli", "sandbox", "--port", str(port), "--size", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=1).json()
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and process.poll() is None, "sandbox did not start"
                time.sleep(0.2)
        assert health["ok"] is True and {"stripe", "zendesk", "salesforce"} <= set(health["vendors"])
        assert health["size"] == 60
        tickets = requests.get(f"http://127.0.0.1:{port}/_sandbox/objects/zendesk/tickets", timeout=5).json()
        assert tickets and all(isinstance(ticket["id"], int) for ticket in tickets)
    finally:
        process.terminate()
        process.wait(timeout=10)
