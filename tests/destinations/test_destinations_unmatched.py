"""No silent drops: each destination sends the members it can match and counts the others, with the reason,
in the sync outcome and the sync log, on every sync."""

from __future__ import annotations

import orjson
import pytest
import requests
from destination_helpers import client, make_target, member, write_audience

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.sandbox.server import run_sandbox


def people() -> list[dict]:
    everyone = [member(i) for i in range(150)]
    nothing = {"email": None, "phone": None, "user_id": None, "country": None}
    everyone += [
        {**nothing, "profile_id": "only-user-id", "user_id": "u-only"},
        {**nothing, "profile_id": "only-phone", "phone": "+1 650 253 1234"},
        {**nothing, "profile_id": "bad-email", "email": "nobody at example", "user_id": "u-bad"},
    ]
    return everyone


NO_CONTACT = {"no email or phone": 1, "invalid email": 1}
CASES = {
    "meta": ({}, NO_CONTACT),
    "google_ads": ({}, NO_CONTACT),
    "braze": ({"mode": "blocklist"}, {"no email": 2, "invalid email": 1}),
    "braze_subscription": ({"mode": "subscription"}, {}),
    "webhook": ({}, {}),
    "file": ({}, {}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_destination_counts_the_members_it_cannot_match_and_why(case, warehouse, pipeline_home):
    destination = case.removesuffix("_subscription")
    options, unmatched = CASES[case]
    write_audience(warehouse, "aud_test", people())
    target = make_target(destination, options)
    with run_sandbox() as sandbox:

        def sync():
            if destination == "file":
                return sync_target(warehouse, target, FileDestination(pipeline_home / "exports"))
            return sync_target(warehouse, target, client(sandbox.url, destination))

        first = sync()
        assert (first.unmatched_reasons, first.unmatched) == (unmatched, sum(unmatched.values()))
        assert (first.added, first.failed) == (153 - first.unmatched, 0)
        again = sync()  # still counted, not sent again
        assert (again.unmatched_reasons, again.requests) == (unmatched, 0)
        if destination == "webhook":
            hooked = requests.get(f"{sandbox.url}/webhook/_sandbox/received", timeout=5).json()
            assert {"u-only", "only-phone"} <= set(hooked["audiences"]["test"])  # user id or profile id
    rows = warehouse.execute(
        "select reason, count(*) from pipeline.audience_sync_log "
        "where level = 'row' and status = 'invalid' group by reason"
    ).fetchall()
    assert dict(rows) == unmatched
    details = warehouse.execute(
        "select detail from pipeline.audience_sync_log where level = 'sync' order by logged_at"
    ).fetchall()
    assert [orjson.loads(detail)["unmatched_reasons"] for (detail,) in details] == [unmatched, unmatched]
