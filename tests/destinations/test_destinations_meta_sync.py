"""Syncing an audience to the Meta stand-in: first sync, no-op rerun, leavers, sessions, faults."""

from __future__ import annotations

import hashlib

import requests
from destination_helpers import make_target, member, remote_id, write_audience

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.http_client import RetryPolicy

FAST = RetryPolicy(attempts=4, backoff=0.01, backoff_max=0.05)


def meta(url: str, timeout: float = 5.0) -> MetaDestination:
    return MetaDestination(f"{url}/meta", "token", "act_1", timeout=timeout, policy=FAST)


def held_emails(url: str, audience_id: str) -> set[str]:
    audiences = requests.get(f"{url}/meta/_sandbox/audiences", timeout=5).json()["audiences"]
    return {m["EMAIL"] for m in audiences[audience_id]["members"]}


def expected(indices) -> set[str]:
    return {hashlib.sha256(f"person.{i}@example.com".encode()).hexdigest() for i in indices}


def audience_id(conn) -> str:
    return remote_id(conn, "meta")


def test_first_sync_sends_everyone_hashed_and_a_rerun_sends_nothing(sandbox_url, warehouse):
    target = make_target("meta", name="first")
    first = sync_target(warehouse, target, meta(sandbox_url))
    assert (first.added, first.removed, first.failed, first.unmatched) == (150, 0, 0, 0)
    assert first.counts == {"num_received": 150, "num_invalid_entries": 0}
    assert held_emails(sandbox_url, audience_id(warehouse)) == expected(range(150))
    again = sync_target(warehouse, target, meta(sandbox_url))
    assert (again.added, again.removed, again.requests) == (0, 0, 0)


def test_members_who_leave_are_removed_and_changed_ones_replaced(sandbox_url, warehouse):
    target = make_target("meta", name="leavers")
    sync_target(warehouse, target, meta(sandbox_url))
    people = [member(i) for i in range(150) if i not in (3, 4)]
    people[0]["email"] = "new.address@example.com"
    write_audience(warehouse, "aud_test", people)
    outcome = sync_target(warehouse, target, meta(sandbox_url))
    assert (outcome.removed, outcome.added) == (3, 1)
    held = held_emails(sandbox_url, audience_id(warehouse))
    assert held == expected(set(range(1, 150)) - {3, 4}) | {
        hashlib.sha256(b"new.address@example.com").hexdigest()
    }


def test_a_change_spanning_batches_runs_in_one_session(sandbox_url, warehouse):
    target = make_target("meta", {"batch_size": 40}, name="sessions")
    outcome = sync_target(warehouse, target, meta(sandbox_url))
    assert outcome.requests == 1 + 4  # create the audience, then four batches
    log = warehouse.execute(
        "select batch_seq, rows from pipeline.audience_sync_log where level='batch' and audience='sessions' "
        "order by batch_seq"
    ).fetchall()
    assert log == [(1, 40), (2, 40), (3, 40), (4, 30)]


def test_faults_are_retried_and_the_final_membership_matches_a_clean_run(sandbox_url, warehouse):
    target = make_target("meta", {"batch_size": 50}, name="faulty")
    rules = [
        {"prefix": "/meta", "path_contains": "/users", "status": 429, "retry_after": 0, "times": 1},
        {"prefix": "/meta", "path_contains": "/users", "status": 503, "retry_after": 0, "times": 1},
        {"prefix": "/meta", "path_contains": "/users", "delay": 0.6, "times": 1},
        {"prefix": "/meta", "path_contains": "/users", "partial": 7, "times": 1},
        {"prefix": "/meta", "path_contains": "/users", "status": 500, "times": 4},
    ]
    requests.post(f"{sandbox_url}/_sandbox/faults", json={"rules": rules}, timeout=5).raise_for_status()
    first = sync_target(warehouse, target, meta(sandbox_url, timeout=0.3))
    assert first.failed > 0
    second = sync_target(warehouse, target, meta(sandbox_url, timeout=0.3))
    assert second.failed == 0
    assert held_emails(sandbox_url, audience_id(warehouse)) == expected(range(150))
    statuses = dict(
        warehouse.execute(
            "select status, count(*) from pipeline.audience_sync_log where audience='faulty' group by status"
        ).fetchall()
    )
    assert statuses["retried"] >= 6 and statuses["rejected"] == 7 and statuses["failed"] == 1


def test_unparseable_phones_are_logged_and_members_without_identifiers_are_invalid(sandbox_url, warehouse):
    people = [member(i) for i in range(120)]
    people[0]["phone"] = "call me maybe"
    people[1].update(email="not-an-email", phone=None)
    write_audience(warehouse, "aud_test", people)
    outcome = sync_target(warehouse, make_target("meta", name="invalid"), meta(sandbox_url))
    assert (outcome.added, outcome.unmatched, outcome.unmatched_reasons) == (119, 1, {"invalid email": 1})
    reasons = warehouse.execute(
        "select status, member_key, reason from pipeline.audience_sync_log "
        "where level='row' and audience='invalid' "
        "order by member_key"
    ).fetchall()
    assert reasons[0][:2] == ("identifier_dropped", "p00000") and "phone" in reasons[0][2]
    assert reasons[1][:2] == ("invalid", "p00001") and "email" in reasons[1][2]
    # The reasons say what was wrong, never the value: the sync log is no place for personal data.
    logged = " ".join(reason for _, _, reason in reasons)
    assert "call me maybe" not in logged and "not-an-email" not in logged
    assert sync_target(warehouse, make_target("meta", name="invalid"), meta(sandbox_url)).requests == 0


def test_a_full_refresh_replaces_the_meta_membership_in_one_session(sandbox_url, warehouse):
    target = make_target("meta", name="replace")
    sync_target(warehouse, target, meta(sandbox_url))
    write_audience(warehouse, "aud_test", [member(i) for i in range(100, 250)])
    refused = sync_target(warehouse, target, meta(sandbox_url), full_refresh=True)
    assert "would remove 100 of 150" in refused.blocked  # a full refresh is guarded like any sync
    outcome = sync_target(warehouse, target, meta(sandbox_url), full_refresh=True, allow_large_removal=True)
    assert (outcome.failed, outcome.added, outcome.removed, outcome.resent) == (0, 100, 100, 150)
    assert held_emails(sandbox_url, audience_id(warehouse)) == expected(range(100, 250))
    replaced = warehouse.execute(
        "select count(*) from pipeline.audience_sync_log where audience = 'replace' and action = 'replace'"
    ).fetchall()[0][0]
    assert replaced == 1  # one usersreplace request holds all 150
    assert sync_target(warehouse, target, meta(sandbox_url)).requests == 0
