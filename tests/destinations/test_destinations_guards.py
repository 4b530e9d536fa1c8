"""Each guard blocks what it should, says why, and sends nothing."""

from __future__ import annotations

import duckdb
import pytest
from destination_helpers import make_target, member, write_audience

from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.file import FileDestination
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.destinations.spec import DEFAULT_MAX_REMOVAL_SHARE, AudienceSpec


def files(tmp_path) -> FileDestination:
    return FileDestination(tmp_path / "exports")


def test_min_size_blocks_small_audiences_for_ad_platforms(warehouse, tmp_path):
    write_audience(warehouse, "aud_test", [member(i) for i in range(99)])
    outcome = sync_target(warehouse, make_target("meta"), files(tmp_path))
    assert outcome.guards["min_size"] == (
        "audience test has 99 members, below the minimum of 100 for meta (meta.audience.min_size)"
    )
    assert outcome.requests == 0 and outcome.added == 0
    logged = warehouse.execute(
        "select status, reason from pipeline.audience_sync_log where level = 'sync'"
    ).fetchall()
    assert logged == [("blocked", outcome.blocked)]


def test_every_audience_refuses_a_large_removal_by_default_until_it_is_accepted_once(warehouse, tmp_path):
    target = make_target("file")  # no max_removal_share in its meta: the project default applies
    assert target.audience.max_removal_share == DEFAULT_MAX_REMOVAL_SHARE == 0.5
    assert sync_target(warehouse, target, files(tmp_path)).added == 150
    write_audience(warehouse, "aud_test", [member(i) for i in range(50)])
    outcome = sync_target(warehouse, target, files(tmp_path))
    reason = outcome.guards["max_removal_share"]
    assert "would remove 100 of 150 confirmed members of test from file (67%)" in reason
    assert "interaction-pipeline audiences sync test --destination file --allow-large-removal" in reason
    assert (outcome.blocked, outcome.removed) == (reason, 0)
    assert sync_target(warehouse, target, files(tmp_path), allow_large_removal=True).removed == 100
    write_audience(warehouse, "aud_test", [member(i) for i in range(10)])
    assert sync_target(warehouse, target, files(tmp_path)).blocked  # the acceptance held for one sync


def test_an_audience_may_set_its_own_max_removal_share(warehouse, tmp_path):
    target = make_target("file", max_removal_share=0.8)
    sync_target(warehouse, target, files(tmp_path))
    write_audience(warehouse, "aud_test", [member(i) for i in range(50)])
    outcome = sync_target(warehouse, target, files(tmp_path))
    assert (outcome.blocked, outcome.removed) == (None, 100)


def test_a_suppression_list_over_its_removal_share_still_sends_additions_and_holds_removals(
    warehouse, tmp_path
):
    target = make_target("file", purpose="suppression")
    sync_target(warehouse, target, files(tmp_path))
    write_audience(
        warehouse, "aud_test", [member(i) for i in range(40)] + [member(i) for i in range(500, 510)]
    )
    outcome = sync_target(warehouse, target, files(tmp_path))
    assert outcome.blocked is None
    assert "removals held back, additions sent" in outcome.guards["max_removal_share"]
    assert (outcome.added, outcome.removed, outcome.to_remove) == (10, 0, 0)
    confirmed = warehouse.execute(
        "select count(*) from pipeline.audience_membership where audience = 'test' and status = 'confirmed'"
    ).fetchall()[0][0]
    assert confirmed == 160


def test_a_suppression_list_is_never_held_back_by_a_minimum_size(sandbox_url, warehouse):
    write_audience(warehouse, "aud_test", [member(i) for i in range(12)])
    target = make_target("meta", name="tickets", purpose="suppression", min_size=100)
    outcome = sync_target(warehouse, target, MetaDestination(f"{sandbox_url}/meta", "t", "act_1"))
    assert (outcome.blocked, outcome.guards["min_size"], outcome.added) == (None, None, 12)
    (note,) = outcome.notes
    assert note.startswith("suppression audience tickets has 12 members, below the 100 meta needs")
    logged = warehouse.execute(
        "select detail->>'notes' from pipeline.audience_sync_log "
        "where audience = 'tickets' and level = 'sync'"
    ).fetchall()
    assert "below the 100 meta needs" in logged[0][0]


def suppression_audience(conn, rows: list[dict]) -> AudienceSpec:
    write_audience(conn, "aud_suppressed", rows)
    relation = '"audiences"."aud_suppressed"'
    return AudienceSpec("suppressed", "aud_suppressed", relation, "suppression", ["email"], {"file": {}})


def nobody(**identifiers) -> dict:
    return {"profile_id": None, "email": None, "phone": None, "user_id": None, "country": None, **identifiers}


def test_suppressed_members_are_left_out_of_a_marketing_sync_and_counted(warehouse, pipeline_home):
    suppression = suppression_audience(
        warehouse,
        [
            nobody(profile_id="other-1", email="\u00a0PERSON.3@example.com "),  # email, case and blanks aside
            nobody(profile_id="other-2", phone="+1 415 555 0005"),  # the same number, written otherwise
            nobody(profile_id="other-3", phone="+44 20 7555 0006"),  # p00006's last 7 digits, another number
            nobody(profile_id="p00009"),  # the same profile
            nobody(profile_id="other-4", user_id="u11"),  # the same user id
        ],
    )
    folder = pipeline_home / "exports"
    outcome = sync_target(warehouse, make_target("file"), FileDestination(folder), suppressions=[suppression])
    assert (outcome.blocked, outcome.guards["suppression_overlap"]) == (None, None)
    assert (outcome.suppressed, outcome.members, outcome.added) == (4, 146, 146)
    (added,) = folder.glob("test/*/added.csv")
    sent = {row[0] for row in duckdb.sql(f"select profile_id from '{added}'").fetchall()}
    assert sent.isdisjoint({"p00003", "p00005", "p00009", "p00011"}) and "p00006" in sent and len(sent) == 146
    detail = warehouse.execute(
        "select detail->>'suppressed' from pipeline.audience_sync_log where level = 'sync'"
    ).fetchall()
    assert detail == [("4",)]


def test_a_suppression_overlap_that_means_a_missing_join_blocks_the_sync(warehouse, tmp_path):
    suppression = suppression_audience(warehouse, [nobody(profile_id=f"p{i:05d}") for i in range(0, 150, 10)])
    outcome = sync_target(warehouse, make_target("file"), files(tmp_path), suppressions=[suppression])
    reason = outcome.guards["suppression_overlap"]
    assert reason.startswith(
        "15 of 150 members of marketing audience test (10%) are in suppression audiences (suppressed), "
        "above max_suppressed_share 2%: the model seems to miss its suppression join"
    )
    assert "p00000, p00010, p00020" in reason
    assert outcome.added == 0 and not (tmp_path / "exports").exists()
    relaxed = make_target("file", max_suppressed_share=0.2)
    assert sync_target(warehouse, relaxed, files(tmp_path), suppressions=[suppression]).added == 135


def test_a_missing_suppression_audience_blocks_rather_than_guesses(warehouse, tmp_path):
    missing = AudienceSpec("gone", "aud_gone", '"audiences"."aud_gone"', "suppression", ["email"], {})
    outcome = sync_target(warehouse, make_target("file"), files(tmp_path), suppressions=[missing])
    assert "suppression audience gone is not built yet" in outcome.blocked


def test_dry_run_shows_adds_removes_and_hashed_samples_and_writes_nothing(pipeline_home, warehouse, tmp_path):
    outcome = sync_target(warehouse, make_target("meta"), files(tmp_path), dry_run=True)
    assert (outcome.to_add, outcome.to_remove, outcome.added, outcome.requests) == (150, 0, 0, 0)
    assert outcome.sample_adds[0]["member_key"] == "p00000"
    assert len(outcome.sample_adds[0]["payload"][0]) == 64
    pipeline_tables = "select count(*) from information_schema.tables where table_schema = 'pipeline'"
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
