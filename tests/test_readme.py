"""The README tells the truth: its commands exist, its links resolve, and its settings table is complete."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from interaction_pipeline import partners, settings
from interaction_pipeline.cli import main

README = settings.PROJECT_ROOT / "README.md"
PACKAGE = settings.PROJECT_ROOT / "interaction_pipeline"


def readme() -> str:
    return README.read_text()


def cli_commands() -> list[list[str]]:
    """Every `interaction-pipeline ...` invocation the README shows, up to its options.

    `sources create\\|list` in a table cell stands for both `sources create` and `sources list`.
    """
    found: list[list[str]] = []
    for line in re.findall(r"interaction-pipeline ([a-z][^`#\n]*)", readme()):
        prefixes: list[list[str]] = [[]]
        for word in line.split():
            if not re.fullmatch(r"[a-z_]+(\\\|[a-z_]+)*", word):
                break
            prefixes = [[*prefix, choice] for prefix in prefixes for choice in word.split("\\|")]
        found += [words for words in prefixes if words and words not in found]
    return found


@pytest.mark.parametrize("words", cli_commands(), ids=" ".join)
def test_every_cli_command_in_the_readme_exists(words):
    result = CliRunner().invoke(main, [*words, "--help"])
    assert result.exit_code == 0, f"interaction-pipeline {' '.join(words)}: {result.output}"


def test_every_make_target_in_the_readme_exists():
    targets = set(re.findall(r"^([a-z]+):", (settings.PROJECT_ROOT / "Makefile").read_text(), re.M))
    mentioned = set(re.findall(r"`make ([a-z]+)", readme()))
    assert mentioned >= {"demo", "test", "dev", "bench"}
    assert mentioned <= targets


def test_every_relative_link_in_the_readme_resolves():
    links = re.findall(r"\]\(([^)#:]+)\)", readme())
    assert links
    missing = [link for link in links if not (settings.PROJECT_ROOT / link).exists()]
    assert not missing


def test_every_environment_variable_the_product_reads_is_in_the_settings_table():
    source = "\n".join(path.read_text() for path in PACKAGE.rglob("*.py"))
    read = set(re.findall(r"(?:env|EnvVar)\(\s*\"([A-Z][A-Z0-9_]+)\"", source))
    read |= {settings.HOME_VARIABLE, settings.WAREHOUSE_VARIABLE, settings.WAREHOUSE_URL_VARIABLE}
    read |= {partners.SANDBOX_URL_VARIABLE}
    table = readme().split("## Settings", 1)[1].split("\n## ", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", "\n".join(first_cells)))
    assert read - documented == set()
    assert documented - read == set(), "the table lists settings nothing reads"
