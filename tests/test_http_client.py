"""The shared HTTP layer against a real server on loopback: what is retried, what is final, and why."""

from __future__ import annotations

import socket
import time

import pytest
from urllib3 import HTTPResponse

from interaction_pipeline.http_client import GaveUp, RetryingSession, RetryPolicy, _Retry

FAST = RetryPolicy(attempts=4, backoff=0.01, backoff_max=0.02)


def test_server_errors_are_retried_by_urllib3_and_each_attempt_is_reported(httpserver):
    for status in (503, 429):
        httpserver.expect_ordered_request("/v1/things").respond_with_data("busy", status=status)
    httpserver.expect_ordered_request("/v1/things").respond_with_json({"data": [1, 2]})
    session = RetryingSession(FAST, timeout=5)

    answer = session.send("GET", httpserver.url_for("/v1/things"))

    assert answer.body == {"data": [1, 2]}
    assert answer.retries == ["HTTP 503", "HTTP 429"]
    assert session.stats.requests == 3


def test_a_server_error_that_never_ends_is_returned_as_the_final_answer(httpserver):
    httpserver.expect_request("/v1/things").respond_with_data("down", status=502)
    answer = RetryingSession(FAST, timeout=5).send("GET", httpserver.url_for("/v1/things"))
    assert answer.response.status_code == 502
    assert answer.retries == ["HTTP 502"] * 3


def test_a_successful_answer_with_a_broken_body_is_fetched_again(httpserver):
    httpserver.expect_ordered_request("/v1/things").respond_with_data('{"data": [1,', status=200)
    httpserver.expect_ordered_request("/v1/things").respond_with_json({"data": []})
    session = RetryingSession(FAST, timeout=5)

    answer = session.send("GET", httpserver.url_for("/v1/things"))

    assert answer.body == {"data": []}
    assert answer.retries == ["invalid JSON body (12 bytes) with HTTP 200"]
    assert session.stats.body_retries == 1


def test_an_answer_the_caller_knows_to_be_transient_is_retried_and_others_are_final(httpserver):
    httpserver.expect_ordered_request("/jobs").respond_with_json({"error": "CONCURRENT_MODIFICATION"}, 400)
    httpserver.expect_ordered_request("/jobs").respond_with_json({"error": "INVALID_ARGUMENT"}, 400)
    session = RetryingSession(FAST, timeout=5)

    def transient(response):
        return "busy list" if "CONCURRENT_MODIFICATION" in response.text else None

    answer = session.send("POST", httpserver.url_for("/jobs"), json={}, retry_if=transient)

    assert answer.response.status_code == 400 and "INVALID_ARGUMENT" in answer.response.text
    assert answer.retries == ["busy list"]


def test_a_vendor_that_never_answers_gives_up_with_every_attempt_named():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(GaveUp) as failure:
        RetryingSession(FAST, timeout=2).send("GET", f"http://127.0.0.1:{closed}/v1/things")
    assert failure.value.unreachable
    assert len(failure.value.reasons) == FAST.attempts
    assert all("NewConnectionError" in reason for reason in failure.value.reasons)


def test_braze_rate_limit_reset_is_read_like_retry_after_and_long_waits_are_capped():
    retry = _Retry(total=3, longest_wait=20.0)
    in_a_minute = HTTPResponse(status=429, headers={"X-RateLimit-Reset": str(int(time.time()) + 60)})
    assert 15.0 <= retry.new().get_retry_after(in_a_minute) <= 20.0  # kept through urllib3's copies
    assert retry.get_retry_after(HTTPResponse(status=429, headers={"Retry-After": "7"})) == 7
    assert retry.get_retry_after(HTTPResponse(status=429, headers={"Retry-After": "soon"})) is None
