"""The commands in docs/collector.md run as written."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from interaction_pipeline import settings
from interaction_pipeline.cli import main

DOC = Path(__file__).resolve().parents[2] / "docs" / "collector.md"


def _shell_commands(prefix: str) -> list[str]:
    """Commands from the doc's bash blocks that start with ``prefix`` (continuation lines joined)."""
    blocks = re.findall(r"```bash\n(.*?)```", DOC.read_text(), re.S)
    text = "\n".join(blocks).replace("\\\n", " ")
    return [line.split("  #")[0].strip() for line in text.splitlines() if line.startswith(prefix)]


def test_the_documented_source_commands_work(pipeline_home, monkeypatch):
    monkeypatch.setenv("CIO_WEBHOOK_SIGNING_KEY", "signing-key-from-the-customerio-webhook-page")
    commands = _shell_commands("interaction-pipeline sources")
    assert len(commands) >= 5
    for command in commands:
        arguments = shlex.split(command)[1:]
        if arguments[:2] == ["sources", "revoke"]:
            registry = orjson.loads(settings.paths().sources_registry.read_bytes())
            arguments[3] = registry["sources"][0]["write_keys"][0]["key_id"]
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 0, (command, result.output)


@pytest.mark.slow
def test_the_documented_curl_calls_work(live_collector):
    environment = {
        **os.environ,
        "WRITE_KEY": live_collector.write_key,
        "INTERACTION_PIPELINE_ADMIN_TOKEN": "x",
    }
    answers = []
    for command in _shell_commands("curl"):
        command = command.replace("http://127.0.0.1:8088", live_collector.url)
        result = subprocess.run(
            ["bash", "-c", command + " -s"], capture_output=True, env=environment, timeout=30
        )
        answers.append(orjson.loads(result.stdout))
    track, batch, debugger = answers
    assert track == {"success": True}
    assert (batch["accepted"], batch["rejected"]) == (1, 1)
    # No admin token is configured in this test, so a loopback client is served.
    assert [entry["event"] for entry in debugger["events"]] == ["Email Opened"]
