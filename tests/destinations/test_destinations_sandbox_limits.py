"""The destination stand-ins enforce the vendors' limits, hash formats and error shapes."""

from __future__ import annotations

import hashlib
import time

import pytest
import requests

from interaction_pipeline import partners
from interaction_pipeline.destinations.braze import RateLimiter

DIGEST = hashlib.sha256(b"mary@example.com").hexdigest()


class Api:
    """requests against the loopback sandbox, relative paths."""

    def __init__(self, url: str) -> None:
        self.url = url

    def post(self, path: str, **kwargs) -> requests.Response:
        return requests.post(f"{self.url}{path}", timeout=10, **kwargs)


@pytest.fixture
def api(sandbox_url) -> Api:
    return Api(sandbox_url)


def meta_audience(api: Api) -> str:
    headers = {"Authorization": "Bearer t"}
    return api.post("/meta/v25.0/act_1/customaudiences", json={"name": "a"}, headers=headers).json()["id"]


def test_meta_counts_raw_emails_as_invalid_entries_and_refuses_oversized_requests(api):
    audience = meta_audience(api)
    headers = {"Authorization": "Bearer t"}
    body = {"payload": {"schema": ["EMAIL"], "data": [[DIGEST], ["mary@example.com"]]}}
    answer = api.post(f"/meta/v25.0/{audience}/users", json=body, headers=headers).json()
    assert (answer["num_received"], answer["num_invalid_entries"]) == (2, 1)
    assert answer["invalid_entry_samples"] == {"mary@example.com": "EMAIL is not a SHA-256 hex digest"}
    too_many = {"payload": {"schema": "EMAIL", "data": [[DIGEST]] * 10_001}}
    refused = api.post(f"/meta/v25.0/{audience}/users", json=too_many, headers=headers)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == 100
    assert api.post(f"/meta/v25.0/{audience}/users", json=body).json()["error"]["code"] == 190


def google_token(api: Api) -> str:
    form = {
        "grant_type": "refresh_token",
        "client_id": partners.SANDBOX_GOOGLE_ADS_CLIENT_ID,
        "client_secret": partners.SANDBOX_GOOGLE_ADS_CLIENT_SECRET,
        "refresh_token": partners.SANDBOX_GOOGLE_ADS_REFRESH_TOKEN,
    }
    return api.post("/google-ads/token", data=form).json()["access_token"]


def test_google_refuses_more_than_twenty_identifiers_per_user_and_unhashed_values(api):
    headers = {"developer-token": "d", "Authorization": f"Bearer {google_token(api)}"}
    user_list = api.post(
        "/google-ads/v22/customers/1/userLists:mutate",
        json={
            "operations": [{"create": {"name": "l", "crmBasedUserList": {"uploadKeyType": "CONTACT_INFO"}}}]
        },
        headers=headers,
    ).json()["results"][0]["resourceName"]
    job = api.post(
        "/google-ads/v22/customers/1/offlineUserDataJobs:create",
        json={
            "job": {
                "type": "CUSTOMER_MATCH_USER_LIST",
                "customerMatchUserListMetadata": {"userList": user_list},
            }
        },
        headers=headers,
    ).json()["resourceName"]
    operations = [
        {"create": {"userIdentifiers": [{"hashedEmail": DIGEST}] * 21}},
        {"create": {"userIdentifiers": [{"hashedEmail": "mary@example.com"}]}},
        {"create": {"userIdentifiers": [{"hashedEmail": DIGEST}]}},
    ]
    answer = api.post(
        f"/google-ads/v22/{job}:addOperations",
        json={"operations": operations, "enablePartialFailure": True},
        headers=headers,
    ).json()
    errors = answer["partialFailureError"]["details"][0]["errors"]
    assert [e["errorCode"]["offlineUserDataJobError"] for e in errors] == [
        "TOO_MANY_USER_IDENTIFIERS",
        "INVALID_SHA256_FORMAT",
    ]
    assert [e["location"]["fieldPathElements"][0]["index"] for e in errors] == [0, 1]


def test_braze_limits_blocklist_to_fifty_and_track_to_seventy_five(api):
    headers = {"Authorization": "Bearer k"}
    emails = [f"p{i}@x.com" for i in range(51)]
    assert api.post("/braze/email/blocklist", json={"email": emails}, headers=headers).status_code == 400
    assert api.post("/braze/email/blocklist", json={"email": emails[:50]}, headers=headers).status_code == 201
    assert api.post("/braze/email/blocklist", json={"email": [DIGEST]}, headers=headers).status_code == 400
    users = [{"external_id": str(i), "vip": True} for i in range(76)]
    assert api.post("/braze/users/track", json={"attributes": users}, headers=headers).status_code == 400
    assert api.post("/braze/users/track", json={"attributes": users[:75]}).status_code == 401


def test_rate_limiter_waits_for_the_window():
    limiter = RateLimiter(limit=3, window=0.3)
    started = time.monotonic()
    for _ in range(4):
        limiter.wait()
    assert time.monotonic() - started >= 0.25
