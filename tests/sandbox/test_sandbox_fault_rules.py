"""One fault engine for every stand-in: exact rules that fire a number of times, in each vendor's shape."""

from __future__ import annotations

import hashlib

import pytest
import requests

from interaction_pipeline.sandbox.server import run_sandbox

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sandbox():
    with run_sandbox(seed=3) as running:
        yield running


@pytest.fixture(autouse=True)
def no_rules_left(sandbox):
    yield
    sandbox.control("DELETE", "/faults")


def arm(sandbox, *rules: dict) -> dict:
    return sandbox.control("POST", "/faults", {"rules": list(rules)})


def meta_audience(sandbox) -> str:
    url = f"{sandbox.url}/meta/v25.0/act_1/customaudiences"
    return requests.post(
        url, json={"name": "faults"}, headers={"Authorization": "Bearer t"}, timeout=5
    ).json()["id"]


def add_members(sandbox, audience: str, emails: list[str]) -> requests.Response:
    data = [[hashlib.sha256(email.encode()).hexdigest()] for email in emails]
    return requests.post(
        f"{sandbox.url}/meta/v25.0/{audience}/users",
        json={"payload": {"schema": ["EMAIL"], "data": data}},
        headers={"Authorization": "Bearer t"},
        timeout=5,
    )


def test_a_rule_fires_its_number_of_times_only_for_its_path_and_method(sandbox):
    audience = meta_audience(sandbox)
    arm(sandbox, {"prefix": "/meta", "path_contains": "/users", "method": "POST", "status": 500, "times": 2})

    statuses = [add_members(sandbox, audience, ["a@x.com"]).status_code for _ in range(3)]

    assert statuses == [500, 500, 200]
    shown = sandbox.control("GET", "/faults")
    assert [(f["method"], f["kind"]) for f in shown["fired"]] == [("POST", "500"), ("POST", "500")]
    assert shown["rules"][0]["times"] == 0 and shown["injected"]["500"] == 2


def test_an_injected_error_comes_in_the_vendors_own_shape(sandbox):
    arm(
        sandbox,
        {"prefix": "/meta", "status": 429, "retry_after": 2, "times": 1},
        {"prefix": "/google-ads", "status": 400, "code": "CONCURRENT_MODIFICATION", "times": 1},
        {"prefix": "/braze", "status": 429, "times": 1},
    )
    meta = add_members(sandbox, "123", ["a@x.com"])
    google = requests.post(f"{sandbox.url}/google-ads/v22/customers/1/offlineUserDataJobs/9:run", timeout=5)
    braze = requests.post(f"{sandbox.url}/braze/users/track", json={}, timeout=5)

    assert (meta.status_code, meta.headers["Retry-After"]) == (429, "2")
    assert meta.json()["error"]["code"] == 80003 and meta.json()["error"]["is_transient"] is True
    assert google.status_code == 400 and "CONCURRENT_MODIFICATION" in google.text
    assert google.json()["error"]["details"][0]["errors"][0]["errorCode"] == {
        "databaseError": "CONCURRENT_MODIFICATION"
    }
    assert braze.status_code == 429 and braze.headers["X-RateLimit-Remaining"] == "0"


def test_a_partial_fault_makes_the_vendor_refuse_that_many_rows(sandbox):
    audience = meta_audience(sandbox)
    arm(sandbox, {"prefix": "/meta", "path_contains": "/users", "partial": 2, "times": 1})

    answer = add_members(sandbox, audience, ["a@x.com", "b@x.com", "c@x.com"]).json()

    assert (answer["num_received"], answer["num_invalid_entries"]) == (3, 2)
    held = requests.get(f"{sandbox.url}/meta/_sandbox/audiences", timeout=5).json()["audiences"][audience]
    assert len(held["members"]) == 1


def test_the_vendors_own_views_are_never_faulted(sandbox):
    arm(sandbox, {"prefix": "/meta", "status": 503})
    assert requests.get(f"{sandbox.url}/meta/_sandbox/audiences", timeout=5).status_code == 200


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"prefix": "/meta", "colour": "red"}, "unknown fault rule fields ['colour']"),
        ({"prefix": "/meta", "status": 200}, "unknown fault kinds ['200']"),
        ({"prefix": "meta", "status": 500}, "prefix must be a path"),
        ({"prefix": "/meta", "status": 500, "rate": 2}, "rate must be between 0 and 1"),
    ],
)
def test_a_rule_that_makes_no_sense_is_refused_with_the_reason(sandbox, rule, message):
    response = requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=5)
    assert response.status_code == 400 and message in response.json()["message"]
    assert sandbox.control("GET", "/faults")["rules"] == []
