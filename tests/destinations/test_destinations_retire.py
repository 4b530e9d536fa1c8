"""An audience or destination taken out of the models keeps its remote list until `retire` empties or deletes
it: never silently, and the orphaned state is visible until then."""

from __future__ import annotations

import pytest
import requests
from destination_helpers import client, held, make_target

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.plan import plan_from_manifest
from interaction_pipeline.destinations.retire import orphans, retire, retired_target
from interaction_pipeline.sandbox.server import run_sandbox

NO_AUDIENCES = plan_from_manifest({})


def the_orphan(conn):
    (orphan,) = orphans(conn, NO_AUDIENCES)
    return orphan


def state_rows(conn) -> int:
    return sum(
        conn.execute(f"select count(*) from pipeline.{table}").fetchall()[0][0]
        for table in ("audience_membership", "audience_remote_lists", "audience_targets")
    )


@pytest.mark.parametrize("destination", ["braze", "webhook"])
def test_retiring_sends_every_confirmed_member_as_a_removal_and_forgets_the_pair(destination, warehouse):
    options = {"mode": "blocklist"} if destination == "braze" else {}
    with run_sandbox() as sandbox:
        sync_target(warehouse, make_target(destination, options), client(sandbox.url, destination))
        assert [(o.audience, o.destination, o.confirmed) for o in orphans(warehouse, NO_AUDIENCES)] == [
            ("test", destination, 150)
        ]
        assert the_orphan(warehouse).account == client(sandbox.url, destination).account
        target = retired_target(warehouse, the_orphan(warehouse))
        assert target.options == options  # as it was last synced, though no model declares it any more
        outcome = retire(warehouse, target, client(sandbox.url, destination))
        assert (outcome.removed, outcome.failed) == (150, 0)
        assert held(sandbox.url, destination, None) == set()
    assert orphans(warehouse, NO_AUDIENCES) == [] and state_rows(warehouse) == 0


@pytest.mark.parametrize("destination", ["meta", "google_ads"])
def test_retiring_deletes_the_ad_list_the_product_created(destination, warehouse):
    with run_sandbox() as sandbox:
        sync_target(warehouse, make_target(destination), client(sandbox.url, destination))
        outcome = retire(
            warehouse, retired_target(warehouse, the_orphan(warehouse)), client(sandbox.url, destination)
        )
        assert (outcome.removed, outcome.failed) == (150, 0)
        shown = {"meta": "/meta/_sandbox/audiences", "google_ads": "/google-ads/_sandbox/user_lists"}[
            destination
        ]
        lists = requests.get(f"{sandbox.url}{shown}", timeout=5).json()
        assert lists.get("audiences", lists.get("user_lists")) == {}
    assert state_rows(warehouse) == 0


def test_a_meta_audience_given_by_id_is_emptied_not_deleted(warehouse):
    with run_sandbox() as sandbox:
        audience_id = requests.post(
            f"{sandbox.url}/meta/v25.0/act_1/customaudiences",
            json={"name": "mine"},
            headers={"Authorization": "Bearer t"},
            timeout=5,
        ).json()["id"]
        sync_target(warehouse, make_target("meta", {"audience_id": audience_id}), client(sandbox.url, "meta"))
        assert len(held(sandbox.url, "meta", audience_id)) == 150
        outcome = retire(
            warehouse, retired_target(warehouse, the_orphan(warehouse)), client(sandbox.url, "meta")
        )
        assert (outcome.removed, outcome.failed) == (150, 0)
        assert held(sandbox.url, "meta", audience_id) == set()  # the audience is still there, empty


def test_removals_that_fail_stay_confirmed_until_retiring_again(warehouse):
    with run_sandbox() as sandbox:
        sync_target(warehouse, make_target("webhook"), client(sandbox.url, "webhook"))
        sandbox.control("POST", "/faults", {"rules": [{"prefix": "/webhook", "status": 500, "times": 8}]})
        failed = retire(
            warehouse, retired_target(warehouse, the_orphan(warehouse)), client(sandbox.url, "webhook")
        )
        assert failed.failed > 0 and failed.removed + failed.failed == 150
        assert orphans(warehouse, NO_AUDIENCES)[0].confirmed == failed.failed
        done = retire(
            warehouse, retired_target(warehouse, the_orphan(warehouse)), client(sandbox.url, "webhook")
        )
        assert (done.removed, done.failed) == (failed.failed, 0)
        assert held(sandbox.url, "webhook", None) == set()
    assert orphans(warehouse, NO_AUDIENCES) == []
