"""Random bodies and headers thrown at a live collector: never a 5xx, and it keeps serving."""

from __future__ import annotations

import gzip

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PATHS = ["/v1/track", "/v1/t", "/v1/identify", "/v1/page", "/v1/group", "/v1/alias", "/v1/batch", "/v1/b"]
FIELDS = [
    "type", "userId", "anonymousId", "event", "name", "groupId", "previousId", "messageId", "properties",
    "traits", "context", "integrations", "timestamp", "sentAt", "originalTimestamp", "writeKey", "batch",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(["track", "2026-11-29T10:00:00Z", "not-a-date", "9999-12-31T23:59:59Z"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
random_messages = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8)
plausible_messages = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["track", "identify", "page", "screen", "group", "alias"]),
        "userId": st.text(min_size=1, max_size=10),
        "event": st.text(min_size=1, max_size=10),
    },
    optional={name: json_values for name in FIELDS if name not in ("type", "userId", "event")},
)
messages = random_messages | plausible_messages
bodies = st.one_of(
    st.binary(max_size=300),
    messages.map(orjson.dumps),
    st.lists(messages, max_size=5).map(lambda batch: orjson.dumps({"batch": batch})),
    st.lists(messages, max_size=3).map(lambda batch: gzip.compress(orjson.dumps({"batch": batch}))),
)
header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(PATHS),
    body=bodies,
    encoding=st.sampled_from([None, None, None, "gzip", "identity", "br"]),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]),
    authorization=st.sampled_from(["valid", "valid", "valid", None, "Basic !!!", "Bearer x"]) | header_text,
)
def test_random_requests_never_get_a_server_error(
    live_collector, path, body, encoding, content_type, authorization
):
    headers = {"Content-Type": content_type}
    if encoding:
        headers["Content-Encoding"] = encoding
    if authorization == "valid":
        headers["Authorization"] = (
            "Basic " + __import__("base64").b64encode(f"{live_collector.write_key}:".encode()).decode()
        )
    elif authorization:
        headers["Authorization"] = authorization
    response = live_collector.request("POST", path, body, headers)
    assert response.status < 500 or response.status == 503, response.body
    assert "code" in response.json() or response.json().get("success") is True


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(
        ["/debugger/api/events", "/debugger/api/rejects", "/debugger/api/sources", "/debugger"]
    ),
    parameters=st.dictionaries(
        st.sampled_from(["source", "event", "q", "after", "limit", "token"]), header_text, max_size=4
    ),
)
def test_random_debugger_queries_never_get_a_server_error(live_collector, path, parameters):
    from urllib.parse import urlencode

    response = live_collector.request("GET", f"{path}?{urlencode(parameters)}")
    assert response.status in (200, 303, 403)
