"""Google Ads runs unattended: access tokens come from the refresh token through the token endpoint and are
renewed before they expire, a manager account is named in `login-customer-id`, and a refused refresh token
fails the sync with one line saying which setting to change."""

from __future__ import annotations

import requests
from destination_helpers import google_ads, make_target, member, write_audience

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.sandbox.server import run_sandbox


class ManualClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def sandbox_view(url: str) -> dict:
    return requests.get(f"{url}/google-ads/_sandbox/user_lists", timeout=5).json()


def test_access_tokens_come_from_the_refresh_token_and_are_renewed_before_they_expire(warehouse):
    with run_sandbox() as sandbox:
        settings = requests.post(
            f"{sandbox.url}/google-ads/_sandbox/settings", json={"token_seconds": 600}, timeout=5
        )
        assert settings.json()["token_seconds"] == 600
        clock = ManualClock()
        client = google_ads(sandbox.url, "1", poll_seconds=0.01)
        client.tokens.clock = clock
        first = sync_target(warehouse, make_target("google_ads"), client)
        assert (first.added, first.failed) == (150, 0)
        assert sandbox_view(sandbox.url)["access_tokens_issued"] == 1

        clock.now += 200  # 400 s left: more than the margin, the token is kept
        write_audience(warehouse, "aud_test", [member(i) for i in range(151)])
        assert sync_target(warehouse, make_target("google_ads"), client).added == 1
        assert sandbox_view(sandbox.url)["access_tokens_issued"] == 1

        clock.now += 150  # 250 s left: renewed before the next request, though the sandbox still takes it
        write_audience(warehouse, "aud_test", [member(i) for i in range(152)])
        assert sync_target(warehouse, make_target("google_ads"), client).added == 1
        assert sandbox_view(sandbox.url)["access_tokens_issued"] == 2


def test_a_token_the_api_no_longer_takes_is_replaced_once_and_the_request_sent_again(warehouse):
    with run_sandbox() as sandbox:
        client = google_ads(sandbox.url, "1", poll_seconds=0.01)
        sync_target(warehouse, make_target("google_ads"), client)
        sandbox.control("POST", "/clock", {"advance_seconds": 3600})  # expired on Google's side only
        write_audience(warehouse, "aud_test", [member(i) for i in range(151)])
        outcome = sync_target(warehouse, make_target("google_ads"), client)
        assert (outcome.added, outcome.failed) == (1, 0)
        assert sandbox_view(sandbox.url)["access_tokens_issued"] == 2


def test_a_manager_account_is_sent_as_login_customer_id_in_digits(warehouse):
    with run_sandbox() as sandbox:
        client = google_ads(sandbox.url, "123-456-7890", login_customer_id="111-222-3333", poll_seconds=0.01)
        assert sync_target(warehouse, make_target("google_ads"), client).failed == 0
        assert sandbox_view(sandbox.url)["login_customer_ids"] == ["1112223333"]


def test_a_revoked_refresh_token_fails_the_sync_naming_the_setting_to_change(warehouse):
    with run_sandbox() as sandbox:
        client = google_ads(sandbox.url, "1", refresh_token="1//revoked", poll_seconds=0.01)
        outcome = sync_target(warehouse, make_target("google_ads"), client)
    assert (outcome.added, outcome.failed) == (0, 150)
    (reason,) = warehouse.execute(
        "select reason from pipeline.audience_sync_log where level = 'sync' and status = 'failed'"
    ).fetchall()[0]
    assert reason == (
        "Google refused the refresh token (invalid_grant: Token has been expired or revoked.): it was "
        "revoked, expired or made for another OAuth client; create a new one and set GOOGLE_ADS_REFRESH_TOKEN"
    )
