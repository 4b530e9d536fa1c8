"""The dbt project as Dagster sees it.

A fresh clone has no `target/manifest.json` (it is build output), and `DbtProject.prepare_if_dev()` only
prepares under `dagster dev`. So loading this module parses the project (`dbt parse`) whenever the manifest is
missing or older than any project file; every other start reuses it. The parse needs no warehouse.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dagster._utils import run_with_concurrent_update_guard
from dagster_dbt import DbtCliResource, DbtProject

from interaction_pipeline import settings

# The dbt next to this interpreter: the venv's bin folder is not on PATH when Dagster runs
# `.venv/bin/dagster`.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds", "tests")

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR, profiles_dir=settings.DBT_PROJECT_DIR)


def _project_files(project: DbtProject) -> list[Path]:
    root = Path(project.project_dir)
    files = [root / name for name in PROJECT_FILES]
    for folder in PROJECT_FOLDERS:
        files.extend(path for path in (root / folder).rglob("*") if path.is_file())
    return [path for path in files if path.exists()]


def manifest_is_stale(project: DbtProject = dbt_project) -> bool:
    """True when the manifest is missing or any model, macro, seed, test or config changed after it."""
    manifest = Path(project.manifest_path)
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    return any(path.stat().st_mtime > built for path in _project_files(project))


def ensure_manifest(project: DbtProject = dbt_project) -> Path:
    """Parse the project if its manifest is missing or stale; return the manifest path."""
    if manifest_is_stale(project):
        # The guard makes concurrent loaders (several code-location processes) wait for one parse.
        run_with_concurrent_update_guard(Path(project.manifest_path), _parse, project=project)
    return Path(project.manifest_path)


def _parse(project: DbtProject) -> None:
    dbt_cli(project).cli(["parse", "--quiet"], target_path=project.target_path).wait()


def dbt_cli(project: DbtProject = dbt_project) -> DbtCliResource:
    return DbtCliResource(project_dir=project, dbt_executable=DBT_EXECUTABLE)


def warehouse_vars() -> list[str]:
    """`--vars` pointing dbt at the warehouse the rest of the pipeline uses (profiles.yml reads
    `warehouse_path`), so dbt never falls back to a path relative to its own folder."""
    return ["--vars", json.dumps({"warehouse_path": str(settings.paths().warehouse)})]
