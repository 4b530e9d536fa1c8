"""`sources create` says where the key goes in the partner; `sources secret` takes the signing secret from
standard input or an environment variable, never from the command line, and never prints it."""

from __future__ import annotations

import os
import subprocess

import pytest
from click.testing import CliRunner

from interaction_pipeline import settings
from interaction_pipeline.cli import main
from interaction_pipeline.collector.registry import load_sources
from interaction_pipeline.demo.processes import free_port, start_cli_server


def test_creating_a_braze_source_prints_the_webhook_url_and_the_bearer_field(pipeline_home, monkeypatch):
    monkeypatch.setenv("INTERACTION_PIPELINE_COLLECTOR_URL", "https://collect.shop.example/")
    result = CliRunner().invoke(main, ["sources", "create", "braze-prod", "--kind", "braze"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "  https://collect.shop.example/webhooks/braze" in lines
    assert any("Bearer token" in line for line in lines)
    assert len(lines[-1]) >= 40 and " " not in lines[-1]  # the key, alone on the last line
    test = 'curl -X POST -H "Authorization: Bearer $WRITE_KEY" https://collect.shop.example/webhooks/braze'
    assert f"  {test}" in lines and lines[-1] not in test


@pytest.mark.parametrize("kind", ["website", "braze", "customerio"])
def test_the_curl_sources_create_prints_is_accepted_by_the_collector(pipeline_home, kind):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "INTERACTION_PIPELINE_COLLECTOR_URL": url}
    created = CliRunner().invoke(main, ["sources", "create", "src", "--kind", kind], env=environment)
    lines = created.output.strip().splitlines()
    (curl,) = [line.strip() for line in lines if line.strip().startswith("curl ")]
    collector = start_cli_server("collector", [], port, "/health", pipeline_home / "collector.log")
    try:
        done = subprocess.run(
            ["sh", "-c", f"{curl} -s -o /dev/null -w '%{{http_code}}'"],
            env={**environment, "WRITE_KEY": lines[-1]},
            capture_output=True,
            text=True,
            timeout=30,
        )
    finally:
        collector.stop()
    assert done.stdout == "200", done.stderr


def test_creating_a_customerio_source_says_the_key_goes_in_the_url_and_how_to_add_the_signing_key(
    pipeline_home,
):
    result = CliRunner().invoke(main, ["sources", "create", "cio", "--kind", "customerio"])
    assert result.exit_code == 0, result.output
    assert "/webhooks/customerio/<write key>" in result.output
    assert "interaction-pipeline sources secret cio" in result.output
    assert "docs/partners/customerio.md" in result.output


def test_the_signing_secret_is_read_from_stdin_or_an_environment_variable_and_never_echoed(
    pipeline_home, monkeypatch
):
    runner = CliRunner()
    runner.invoke(main, ["sources", "create", "cio", "--kind", "customerio"])
    piped = runner.invoke(main, ["sources", "secret", "cio"], input="whsec-from-stdin\n")
    assert piped.exit_code == 0 and "whsec-from-stdin" not in piped.output
    secrets = settings.paths().sources_registry.with_name("source_secrets.json")
    assert "whsec-from-stdin" in secrets.read_text()
    monkeypatch.setenv("CIO_SIGNING_KEY", "whsec-from-env")
    from_env = runner.invoke(main, ["sources", "secret", "cio", "--from-env", "CIO_SIGNING_KEY"])
    assert from_env.exit_code == 0 and "whsec-from-env" not in from_env.output
    assert "whsec-from-env" in secrets.read_text() and "whsec-from-stdin" not in secrets.read_text()
    [source] = load_sources(settings.paths().sources_registry)
    assert source.signing_secret_added_at is not None
    listed = runner.invoke(main, ["sources", "list"], env={"COLUMNS": "120"})
    (row,) = [line.split() for line in listed.output.splitlines() if "cio" in line]
    assert row[-1] == "set" and "whsec" not in listed.output


def test_a_secret_is_refused_for_partners_that_do_not_sign_and_when_it_is_empty(pipeline_home):
    runner = CliRunner()
    runner.invoke(main, ["sources", "create", "b", "--kind", "braze"])
    runner.invoke(main, ["sources", "create", "cio", "--kind", "customerio"])
    refused = runner.invoke(main, ["sources", "secret", "b"], input="x\n")
    assert refused.exit_code != 0 and "do not sign" in refused.output
    empty = runner.invoke(main, ["sources", "secret", "cio", "--from-env", "UNSET_VARIABLE_FOR_TEST"])
    assert empty.exit_code != 0 and "UNSET_VARIABLE_FOR_TEST" in empty.output
