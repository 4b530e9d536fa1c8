"""Every command in docs/demo.md exists with the options it shows (the commands themselves run in the
end-to-end test, the report test and the make dev test)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

from click.testing import CliRunner

from interaction_pipeline import settings
from interaction_pipeline.cli import main

DOC = settings.PROJECT_ROOT / "docs" / "demo.md"


def documented_commands() -> list[list[str]]:
    blocks = re.findall(r"```bash\n(.*?)```", DOC.read_text(), flags=re.S)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    return [shlex.split(line) for line in lines if line]


def test_the_doc_shows_the_make_targets_the_cli_and_the_dev_module():
    firsts = {tuple(command[:2]) for command in documented_commands()}
    assert {
        ("make", "demo"),
        ("make", "dev"),
        ("interaction-pipeline", "demo"),
        ("interaction-pipeline", "report"),
    } <= firsts


def test_every_documented_option_is_accepted():
    for command in documented_commands():
        options = [word.split("=")[0] for word in command if word.startswith("--")]
        if command[0] == "interaction-pipeline":
            help_text = CliRunner().invoke(main, [command[1], "--help"]).output
        elif command[:3] == ["python", "-m", "interaction_pipeline.dev"]:
            help_text = subprocess.run(
                [sys.executable, "-m", "interaction_pipeline.dev", "--help"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        else:
            assert command[0] == "make" and command[1] in ("demo", "dev")
            makefile = (settings.PROJECT_ROOT / "Makefile").read_text()
            assert re.search(rf"^{command[1]}:", makefile, flags=re.M)
            continue
        for option in options:
            assert option in help_text, (command, option)


def test_make_dev_runs_the_documented_module():
    makefile = (settings.PROJECT_ROOT / "Makefile").read_text()
    assert "python -m interaction_pipeline.dev" in makefile
    assert "interaction-pipeline demo" in makefile
