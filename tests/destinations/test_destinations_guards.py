"""Each guard blocks what it should, says why, and sends nothing."""

from __future__ import annotations

import pytest
from destination_helpers import make_target, member, write_audience

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.destinations.spec import AudienceSpec


def files(tmp_path) -> FileDestination:
    return FileDestination(tmp_path / "exports")


def test_min_size_blocks_small_audiences_for_ad_platforms(warehouse, tmp_path):
    write_audience(warehouse, "aud_test", [member(i) for i in range(99)])
    outcome = sync_target(warehouse, make_target("meta"), files(tmp_path))
    assert outcome.guards["min_size"] == (
        "audience test has 99 members, below the minimum of 100 for meta (meta.audience.min_size)"
    )
    assert outcome.requests == 0 and outcome.added == 0
    logged = warehouse.execute("select status, reason from pipeline.audience_sync_log").fetchall()
    assert logged == [("blocked", outcome.blocked)]


def test_max_removal_share_refuses_to_empty_an_audience(warehouse, tmp_path):
    target = make_target("file", max_removal_share=0.5)
    assert sync_target(warehouse, target, files(tmp_path)).added == 150
    write_audience(warehouse, "aud_test", [member(i) for i in range(50)])
    outcome = sync_target(warehouse, target, files(tmp_path))
    assert "would remove 100 of 150 confirmed members" in outcome.guards["max_removal_share"]
    assert outcome.removed == 0
    assert sync_target(warehouse, target, files(tmp_path), allow_large_removal=True).removed == 100


def test_marketing_audience_with_suppressed_members_is_blocked(warehouse, tmp_path):
    suppressed = [
        {
            "profile_id": "other-1",
            "email": "PERSON.3@example.com",
            "phone": None,
            "user_id": None,
            "country": None,
        },
        {
            "profile_id": "other-2",
            "email": None,
            "phone": "+1 415 555 0005",
            "user_id": None,
            "country": None,
        },
        {"profile_id": "p00009", "email": None, "phone": None, "user_id": None, "country": None},
    ]
    write_audience(warehouse, "aud_suppressed", suppressed)
    suppression = AudienceSpec(
        "suppressed", "aud_suppressed", '"audiences"."aud_suppressed"', "suppression", ["email"], {"file": {}}
    )
    outcome = sync_target(warehouse, make_target("file"), files(tmp_path), suppressions=[suppression])
    reason = outcome.guards["no_suppressed_members"]
    assert reason.startswith("3 members of marketing audience test are in suppression audiences (suppressed)")
    assert "p00003, p00005, p00009" in reason
    assert outcome.added == 0 and not (tmp_path / "exports").exists()


def test_a_missing_suppression_audience_blocks_rather_than_guesses(warehouse, tmp_path):
    missing = AudienceSpec("gone", "aud_gone", '"audiences"."aud_gone"', "suppression", ["email"], {})
    outcome = sync_target(warehouse, make_target("file"), files(tmp_path), suppressions=[missing])
    assert "suppression audience gone is not built yet" in outcome.blocked


def test_dry_run_shows_adds_removes_and_hashed_samples_and_writes_nothing(pipeline_home, warehouse, tmp_path):
    outcome = sync_target(warehouse, make_target("meta"), files(tmp_path), dry_run=True)
    assert (outcome.to_add, outcome.to_remove, outcome.added, outcome.requests) == (150, 0, 0, 0)
    assert outcome.sample_adds[0]["member_key"] == "p00000"
    assert len(outcome.sample_adds[0]["payload"][0]) == 64
    pipeline_tables = "select count(*) from duckdb_tables() where schema_name = 'pipeline' and not temporary"
    assert warehouse.execute(pipeline_tables).fetchall()[0][0] == 0


def test_an_audience_that_is_not_built_says_so(warehouse, tmp_path):
    target = make_target("file", relation='"audiences"."aud_missing"')
    with pytest.raises(ValueError, match="audience model aud_test is not built yet"):
        sync_target(warehouse, target, files(tmp_path))


def test_a_blocked_preview_still_shows_what_would_change(warehouse, tmp_path):
    write_audience(warehouse, "aud_test", [member(i) for i in range(42)])
    outcome = sync_target(warehouse, make_target("meta"), files(tmp_path), dry_run=True)
    assert outcome.guards["min_size"] is not None
    assert (outcome.to_add, len(outcome.sample_adds), outcome.requests) == (42, 5, 0)
