"""`interaction-pipeline audiences list` and `audiences preview` (a dry run that sends nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from click.testing import CliRunner

from interaction_pipeline.cli import main

MANIFEST = str(Path(__file__).parents[1] / "activation" / "fixtures" / "manifest.json")


def build_audiences(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema audiences")
        conn.execute(
            "create table audiences.aud_promo as select * from (values ('p1', ' Mary@Example.com ', "
            "'(650) 253-1234'), ('p2', 'b@x.com', null)) t(profile_id, email, phone)"
        )
        conn.execute(
            "create table audiences.aud_hold as select 'p9' as profile_id, 'z@x.com' as email, null as phone"
        )


def test_preview_shows_adds_and_hashed_rows_without_sending(pipeline_home, monkeypatch):
    monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", "http://127.0.0.1:9")  # nothing listens
    build_audiences(pipeline_home / "warehouse.duckdb")
    arguments = [
        "audiences",
        "preview",
        "promo",
        "-d",
        "meta",
        "--sample",
        "1",
        "--json",
        "--manifest",
        MANIFEST,
    ]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 0, result.output
    (preview,) = json.loads(result.output)
    assert (preview["to_add"], preview["to_remove"], preview["blocked"], preview["sandbox"]) == (
        2,
        0,
        None,
        True,
    )
    assert len(preview["sample_adds"]) == 1
    assert preview["sample_adds"][0] == {
        "member_key": "p1",
        "payload": [
            "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79",
            "bd7b52a0fffc6680469135b69d575132a985a745c9c5bb754c0a00b4cd0c73fe",  # sha256("16502531234")
        ],
    }
    text = CliRunner().invoke(main, ["audiences", "preview", "aud_promo", "--manifest", MANIFEST])
    assert "would add 2, remove 0" in text.output and "guards: passed" in text.output


def test_list_shows_every_audience_and_destination(pipeline_home):
    build_audiences(pipeline_home / "warehouse.duckdb")
    result = CliRunner().invoke(main, ["audiences", "list", "--manifest", MANIFEST])
    assert result.exit_code == 0, result.output
    assert "promo" in result.output and "suppression" in result.output and "never" in result.output


def test_preview_names_unknown_audiences(pipeline_home):
    build_audiences(pipeline_home / "warehouse.duckdb")
    result = CliRunner().invoke(main, ["audiences", "preview", "nope", "--manifest", MANIFEST])
    assert result.exit_code != 0 and "no audience named 'nope' (audiences: hold, promo)" in result.output
