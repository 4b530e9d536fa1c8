"""Each partner page in docs/partners/ names the kind it sets up, and its commands run as written."""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

from interaction_pipeline import settings
from interaction_pipeline.cli import main
from interaction_pipeline.collector.webhooks.partners import PARTNERS
from interaction_pipeline.collector.webhooks.setup import PAGES

DOCS = settings.PROJECT_ROOT / "docs" / "partners"


def commands(page: str) -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)```", (DOCS / f"{page}.md").read_text(), re.S)
    lines = "\n".join(blocks).splitlines()
    return [line.split("  #")[0].strip() for line in lines if line.startswith("interaction-pipeline ")]


def test_every_partner_has_a_page():
    assert set(PAGES) == set(PARTNERS)
    assert all((DOCS / f"{page}.md").exists() for page in PAGES.values())


@pytest.mark.parametrize("kind", sorted(PARTNERS))
def test_a_partner_pages_commands_run_as_written(kind, pipeline_home, monkeypatch):
    monkeypatch.setenv("CIO_WEBHOOK_SIGNING_KEY", "signing-key-from-the-webhook-page")
    found = commands(PAGES[kind])
    assert any(f"--kind {kind}" in command for command in found)
    for command in found:
        result = CliRunner().invoke(main, shlex.split(command)[1:], input="signing-key\n")
        assert result.exit_code == 0, (command, result.output)
        assert "signing-key" not in result.output
