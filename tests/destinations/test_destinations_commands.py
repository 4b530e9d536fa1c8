"""`interaction-pipeline audiences list`, `preview` (a dry run that sends nothing), `sync` and `retire`."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import requests
from click.testing import CliRunner

from interaction_pipeline.cli import main
from interaction_pipeline.sandbox.server import run_sandbox

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


def write_promo(warehouse: Path, emails: list[str]) -> None:
    with duckdb.connect(str(warehouse)) as conn:
        conn.execute("create schema if not exists audiences")
        conn.execute(
            "create or replace table audiences.aud_promo (profile_id varchar, email varchar, phone varchar)"
        )
        conn.executemany(
            "insert into audiences.aud_promo values (?, ?, null)",
            [[f"p{i}", e] for i, e in enumerate(emails)],
        )
        conn.execute(
            "create or replace table audiences.aud_hold as "
            "select 'h1' as profile_id, 'z@x.com' as email, null as phone"
        )


def without_destination(tmp_path: Path, audience: str, destination: str) -> str:
    manifest = json.loads(Path(MANIFEST).read_text())
    del manifest["nodes"][f"model.fixture.{audience}"]["config"]["meta"]["audience"]["destinations"][
        destination
    ]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    return str(path)


def audiences_command(*arguments: str, manifest: str = MANIFEST):
    return CliRunner().invoke(main, ["audiences", *arguments, "--manifest", manifest])


def test_sync_sends_an_audience_and_full_refresh_resends_it_all(pipeline_home, monkeypatch):
    write_promo(pipeline_home / "warehouse.duckdb", ["a@x.com", "b@x.com"])
    with run_sandbox() as sandbox:
        monkeypatch.setenv("INTERACTION_PIPELINE_SANDBOX_URL", sandbox.url)
        result = audiences_command("sync", "promo", "--destination", "meta")
        assert result.exit_code == 0, result.output
        assert "promo → meta" in result.output and "added 2, removed 0, failed 0" in result.output
        requests.post(f"{sandbox.url}/meta/_sandbox/reset", json={"members_only": True}, timeout=5)
        refreshed = audiences_command("sync", "promo", "-d", "meta", "--full-refresh")
        assert refreshed.exit_code == 0, refreshed.output
        assert "re-sent 2" in refreshed.output
        (audience,) = (
            requests.get(f"{sandbox.url}/meta/_sandbox/audiences", timeout=5).json()["audiences"].values()
        )
        assert len(audience["members"]) == 2


def test_sync_refuses_a_large_removal_until_the_flag_accepts_it(pipeline_home):
    write_promo(pipeline_home / "warehouse.duckdb", [f"p{i}@x.com" for i in range(10)])
    assert audiences_command("sync", "promo", "-d", "file").exit_code == 0
    write_promo(pipeline_home / "warehouse.duckdb", ["p0@x.com"])
    refused = audiences_command("sync", "promo", "-d", "file")
    assert refused.exit_code == 1
    assert "blocked: sync would remove 9 of 10 confirmed members of promo from file (90%)" in refused.output
    accepted = audiences_command("sync", "promo", "-d", "file", "--allow-large-removal")
    assert accepted.exit_code == 0 and "removed 9" in accepted.output


def test_a_destination_taken_out_of_the_models_is_listed_until_it_is_retired(pipeline_home, tmp_path):
    write_promo(pipeline_home / "warehouse.duckdb", ["a@x.com", "b@x.com"])
    assert audiences_command("sync", "promo", "-d", "file").exit_code == 0
    trimmed = without_destination(tmp_path, "aud_promo", "file")
    listed = audiences_command("list", manifest=trimmed)
    folder = pipeline_home / "exports" / "audiences"
    assert f"promo → file at {folder}: 2 confirmed; empty it with" in listed.output
    assert "interaction-pipeline audiences retire promo --destination file" in listed.output
    declared = audiences_command("retire", "promo", "-d", "meta", "--yes", manifest=trimmed)
    assert declared.exit_code != 0 and "the models still send promo to meta" in declared.output
    asked = CliRunner().invoke(
        main, ["audiences", "retire", "promo", "-d", "file", "--manifest", trimmed], input="n\n"
    )
    assert "Remove all 2 members of promo from file?" in asked.output
    assert f"promo → file at {folder}: 2 confirmed" in audiences_command("list", manifest=trimmed).output
    retired = audiences_command("retire", "promo", "-d", "file", "--yes", manifest=trimmed)
    assert retired.exit_code == 0 and "promo → file: removed 2, retired" in retired.output
    (removed,) = (pipeline_home / "exports" / "audiences" / "promo").glob("*/removed.csv")
    assert sorted(duckdb.sql(f"select email from '{removed}'").fetchall()) == [("a@x.com",), ("b@x.com",)]
    assert "no longer in the models" not in audiences_command("list", manifest=trimmed).output.lower()
