"""Confirmed membership is kept per destination account, so pointing a destination at another account (the
sandbox, then a real one) starts clean and says so, and what the first account confirmed stays untouched."""

from __future__ import annotations

import json

from click.testing import CliRunner
from destination_helpers import FAST, make_target
from test_destinations_commands import MANIFEST, write_promo

from interaction_pipeline import partners
from interaction_pipeline.cli import main
from interaction_pipeline.destinations.account import url_account
from interaction_pipeline.destinations.clients import client_for
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.sandbox.server import run_sandbox


def confirmed_by_account(conn) -> dict[str, int]:
    rows = conn.execute(
        "select destination, count(*) from pipeline.audience_membership where status = 'confirmed' group by 1"
    ).fetchall()
    return dict(rows)


def test_a_second_meta_account_starts_clean_and_the_first_keeps_its_state(warehouse):
    with run_sandbox() as sandbox:
        sandbox_client = client_for(partners.meta({partners.SANDBOX_URL_VARIABLE: sandbox.url}.get))
        first = sync_target(warehouse, make_target("meta"), sandbox_client)
        assert (first.added, first.account, first.notes) == (150, "sandbox/meta/act_1000", [])

        other = MetaDestination(f"{sandbox.url}/meta", "t", "act_2", policy=FAST)
        preview = sync_target(warehouse, make_target("meta"), other, dry_run=True)
        assert (preview.to_add, preview.confirmed_before) == (150, 0)
        (note,) = preview.notes
        assert "nothing confirmed yet, so this sync starts clean" in note
        assert "sandbox/meta/act_1000: 150" in note

        moved = sync_target(warehouse, make_target("meta"), other)
        assert (moved.added, moved.failed) == (150, 0)
        assert confirmed_by_account(warehouse) == {
            "meta@sandbox/meta/act_1000": 150,
            f"meta@{url_account(sandbox.url)}/meta/act_2": 150,
        }
        back = sync_target(warehouse, make_target("meta"), sandbox_client)
        assert (back.to_add, back.to_remove, back.notes) == (0, 0, [])


def test_preview_against_a_real_meta_account_after_the_sandbox_would_add_everyone(pipeline_home, monkeypatch):
    write_promo(pipeline_home / "warehouse.duckdb", ["a@x.com", "b@x.com"])
    with run_sandbox() as sandbox:
        monkeypatch.setenv(partners.SANDBOX_URL_VARIABLE, sandbox.url)
        synced = CliRunner().invoke(
            main, ["audiences", "sync", "promo", "-d", "meta", "--manifest", MANIFEST]
        )
        assert synced.exit_code == 0, synced.output
    # Real credentials: a preview reads only the warehouse, so nothing reaches graph.facebook.com.
    monkeypatch.setenv("META_ACCESS_TOKEN", "EAAB-system-user-token")
    monkeypatch.setenv("META_AD_ACCOUNT_ID", "act_987654321")
    arguments = ["audiences", "preview", "promo", "-d", "meta", "--manifest", MANIFEST]
    (preview,) = json.loads(CliRunner().invoke(main, [*arguments, "--json"]).output)
    assert (preview["sandbox"], preview["account"]) == (False, "graph.facebook.com/act_987654321")
    assert (preview["to_add"], preview["confirmed"]) == (2, 0)
    text = CliRunner().invoke(main, arguments).output
    assert "would add 2, remove 0" in text
    assert "graph.facebook.com/act_987654321 has nothing confirmed yet" in text
    assert "EAAB-system-user-token" not in text


def test_an_account_names_host_and_path_but_never_user_info_or_query_values():
    assert url_account("https://rest.iad-01.braze.com/") == "rest.iad-01.braze.com"
    hook = url_account("https://user:pw@hooks.example.com:8443/audiences?token=s3cret")
    assert hook.startswith("hooks.example.com:8443/audiences?") and "s3cret" not in hook and "pw" not in hook
    assert hook != url_account("https://hooks.example.com:8443/audiences?token=other")
