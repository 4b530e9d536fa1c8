"""The packages keep to their layers, read from the source with imports inside functions included: plain code
never reaches into the Dagster definitions, the demo, its story or the sandbox, and no package imports one
above it."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from interaction_pipeline import settings

PACKAGE = settings.PROJECT_ROOT / "interaction_pipeline"

# Bottom to top; a package may import its own modules and the packages of its layer or below.
# docs/architecture.md says what each is for.
LAYERS = [
    {"settings"},
    {"http_client", "partners", "privacy", "warehouse", "collector", "story"},
    {"sources", "destinations", "reporting", "sandbox", "alerts", "people"},
    {"defs", "definitions"},
    {"demo", "dev", "cli", "cli_sources"},
]
PLAIN = [
    "collector",
    "sources",
    "destinations",
    "warehouse",
    "reporting",
    "partners",
    "http_client",
    "alerts",
    "people",
    "privacy",
]
NOT_FOR_PLAIN = {
    "defs",
    "definitions",
    "demo",
    "story",
    "sandbox",
    "dagster",
    "dagster_dbt",
    "dagster_duckdb",
}


def layer_of(name: str) -> int:
    return next(index for index, layer in enumerate(LAYERS) if name in layer)


def top_level(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def modules(package: str | None = None) -> list[Path]:
    paths = sorted(PACKAGE.rglob("*.py"))
    return [path for path in paths if package is None or top_level(path) == package]


def imported(path: Path, root: Path = PACKAGE) -> Iterator[tuple[int, str]]:
    """(line, what it names) for every import in the file: our top-level package, or another distribution."""
    package = ".".join(path.relative_to(root.parent).with_suffix("").parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names = (
                [f"{base}.{alias.name}" for alias in node.names] if base == "interaction_pipeline" else [base]
            )
        else:
            continue
        for name in names:
            parts = name.split(".")
            yield node.lineno, parts[1] if parts[0] == "interaction_pipeline" and len(parts) > 1 else parts[0]


def test_every_top_level_module_and_package_has_its_layer():
    found = {top_level(path) for path in modules()} - {"__init__"}
    placed = set().union(*LAYERS)
    assert found - placed == set(), "place new packages in LAYERS and in docs/architecture.md"
    assert placed - found == set()


@pytest.mark.parametrize("package", PLAIN)
def test_plain_packages_never_import_dagster_the_demo_its_story_or_the_sandbox(package):
    found = [
        f"{path.relative_to(PACKAGE)}:{line} imports {name}"
        for path in modules(package)
        for line, name in imported(path)
        if name in NOT_FOR_PLAIN
    ]
    assert found == []


def test_no_package_imports_a_package_above_it():
    ours = set().union(*LAYERS)
    found = [
        f"{path.relative_to(PACKAGE)}:{line} imports {name}, a layer above {top_level(path)}"
        for path in modules()
        if top_level(path) != "__init__"
        for line, name in imported(path)
        if name in ours and layer_of(name) > layer_of(top_level(path))
    ]
    assert found == []


def test_the_check_sees_imports_inside_functions_and_relative_ones(tmp_path):
    root = tmp_path / "interaction_pipeline"
    module = root / "sources" / "probe.py"
    module.parent.mkdir(parents=True)
    module.write_text(
        "from interaction_pipeline import partners\n"
        "def late():\n    from ..sandbox import server\n    import interaction_pipeline.defs.resources\n"
    )
    assert sorted(name for _, name in imported(module, root)) == ["defs", "partners", "sandbox"]


def test_the_architecture_page_lists_every_package_and_the_same_layers():
    page = (settings.PROJECT_ROOT / "docs" / "architecture.md").read_text()
    packages = page.split("## Packages", 1)[1].split("\n## ", 1)[0]
    described = {
        name.removesuffix("/").removesuffix(".py") for name in re.findall(r"^\| `([^`]+)`", packages, re.M)
    }
    described |= set(re.findall(r"`(cli_sources)\.py`", packages))
    assert described == set().union(*LAYERS)
    table = page.split("## Who may import whom", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d) [^|]+\| (.+) \|$", table, re.M)
    documented = {int(number) - 1: set(re.findall(r"`([a-z_]+)`", cells)) for number, cells in rows}
    assert documented == dict(enumerate(LAYERS))
