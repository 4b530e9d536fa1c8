"""`interaction-pipeline sources create|list|rotate|revoke`: keys printed once, stored hashed, rotated
without downtime, and picked up by a running collector without a restart."""

from __future__ import annotations

import hashlib
import time

import orjson
import pytest
from click.testing import CliRunner

from interaction_pipeline import settings
from interaction_pipeline.cli import main


def _run(*arguments: str):
    result = CliRunner().invoke(main, ["sources", *arguments])
    return result


def _wait_for_reload() -> None:
    time.sleep(1.1)  # the collector checks the registry file at most once a second


def test_create_prints_the_key_once_and_stores_only_its_digest(pipeline_home):
    result = _run("create", "braze-prod", "--kind", "braze")
    assert result.exit_code == 0, result.output
    write_key = result.output.strip().splitlines()[-1]
    assert len(write_key) >= 32
    stored = settings.paths().sources_registry.read_text()
    assert write_key not in stored
    assert hashlib.sha256(write_key.encode()).hexdigest() in stored
    listed = _run("list")
    (row,) = [line.split() for line in listed.output.splitlines() if "braze-prod" in line]
    assert row[:3] == ["braze-prod", "braze", "/webhooks/braze"]
    assert write_key not in listed.output


def test_unknown_kinds_and_duplicate_names_are_refused(pipeline_home):
    unknown = _run("create", "x", "--kind", "mailchimpy")
    assert (
        unknown.exit_code != 0 and "unknown kind 'mailchimpy'" in unknown.output and "braze" in unknown.output
    )
    assert _run("create", "cio", "--kind", "customerio").exit_code == 0
    duplicate = _run("create", "cio", "--kind", "customerio")
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output


@pytest.mark.parametrize("name", ["../x", "a/b", "\x1b[31mred\x1b[0m", "two words", "", "x" * 65, "café"])
def test_a_source_name_outside_letters_digits_dash_and_underscore_is_refused(pipeline_home, name):
    result = _run("create", name, "--kind", "braze")
    assert result.exit_code != 0 and "invalid source name" in result.output
    assert not settings.paths().sources_registry.exists() or name not in _run("list").output


def test_a_source_name_of_letters_digits_dash_and_underscore_is_accepted(pipeline_home):
    assert _run("create", "Braze-prod_2", "--kind", "braze").exit_code == 0


def test_rotation_keeps_both_keys_working_until_the_old_one_is_revoked(live_collector):
    old_key = live_collector.write_key
    rotated = _run("rotate", "braze-test")
    assert rotated.exit_code == 0, rotated.output
    new_key = rotated.output.strip().splitlines()[-1]
    _wait_for_reload()

    def send(key):
        return live_collector.post(
            "/v1/track", {"writeKey": key, "userId": "u", "event": "e"}, auth=False
        ).status

    assert (send(old_key), send(new_key)) == (200, 200)
    registry = orjson.loads(settings.paths().sources_registry.read_bytes())
    old_key_id = registry["sources"][0]["write_keys"][0]["key_id"]
    assert _run("revoke", "braze-test", old_key_id).exit_code == 0
    _wait_for_reload()
    assert (send(old_key), send(new_key)) == (401, 200)
    assert _run("revoke", "braze-test", "key_nope").exit_code != 0


def test_a_source_created_while_the_collector_runs_is_accepted_without_restart(live_collector):
    created = _run("create", "iterable-prod", "--kind", "iterable")
    key = created.output.strip().splitlines()[-1]
    _wait_for_reload()
    response = live_collector.post("/v1/track", {"writeKey": key, "userId": "u", "event": "e"}, auth=False)
    assert response.status == 200


def test_a_registry_file_that_does_not_parse_keeps_the_last_good_sources(live_collector):
    path = settings.paths().sources_registry
    path.write_text('{"sources": [ broken')
    _wait_for_reload()
    response = live_collector.post("/v1/track", {"userId": "u", "event": "e"})
    assert response.status == 200
