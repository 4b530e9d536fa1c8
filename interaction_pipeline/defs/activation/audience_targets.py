"""The audiences the dbt manifest declares, and the Dagster asset keys of their models and sync assets.

Uses the transform stage's `@dbt_assets` when they exist: their manifest, and `get_asset_key_for_model` for
the model keys (so a custom translator is respected). Without them, the compiled manifest in
dbt_project/target is read and a model gets the key dagster-dbt's default translator gives it. No manifest or
no audience models: the code location still loads, with zero sync assets.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.destinations.spec import (
    AudienceSpec,
    SyncTarget,
    audiences_from_manifest,
    load_manifest,
    sync_targets,
)


@dataclass(frozen=True)
class ActivationPlan:
    audiences: list[AudienceSpec]
    targets: list[SyncTarget]
    model_keys: dict[str, dg.AssetKey]  # audience name -> the audience model's asset key

    @staticmethod
    def sync_key(target: SyncTarget) -> dg.AssetKey:
        return dg.AssetKey(["activation", target.key])

    def suppressions(self) -> list[AudienceSpec]:
        return [spec for spec in self.audiences if spec.purpose == "suppression"]

    def sync_keys_by_model(self) -> dict[dg.AssetKey, list[dg.AssetKey]]:
        result: dict[dg.AssetKey, list[dg.AssetKey]] = {}
        for target in self.targets:
            result.setdefault(self.model_keys[target.audience.name], []).append(self.sync_key(target))
        return result


def _dbt_manifest(value: Any) -> dict[str, Any] | None:
    """The manifest carried by a `@dbt_assets` definition, or None for anything else."""
    if not isinstance(value, dg.AssetsDefinition):
        return None
    from dagster_dbt.asset_utils import get_manifest_and_translator_from_dbt_assets

    try:
        manifest, _, _ = get_manifest_and_translator_from_dbt_assets([value])
    except Exception:  # not a dbt assets definition
        return None
    return dict(manifest)


def transform_dbt_assets() -> list[tuple[dg.AssetsDefinition, dict[str, Any]]]:
    try:
        package = importlib.import_module("interaction_pipeline.defs.transform")
    except ImportError:
        return []
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            manifest = _dbt_manifest(value)
            if manifest is not None:
                found.append((value, manifest))
    return found


def _model_key(dbt_assets: list[dg.AssetsDefinition], manifest: dict[str, Any], model: str) -> dg.AssetKey:
    from dagster_dbt import DagsterDbtTranslator, get_asset_key_for_model

    for assets_def in dbt_assets:
        try:
            return get_asset_key_for_model([assets_def], model)
        except Exception:  # the model is not in this definition's selection
            continue
    node = next(
        n for n in manifest["nodes"].values() if n.get("resource_type") == "model" and n["name"] == model
    )
    return DagsterDbtTranslator().get_asset_key(node)  # the key @dbt_assets gives it by default


def plan_from(
    dbt: list[tuple[dg.AssetsDefinition, dict[str, Any]]], manifest_path: Path | None = None
) -> ActivationPlan:
    """A plan from `@dbt_assets` (their manifests and keys), else from a manifest file with default keys."""
    if dbt:
        manifest = {"nodes": {k: v for _, m in dbt for k, v in m.get("nodes", {}).items()}}
    else:
        manifest = load_manifest(manifest_path or settings.DBT_PROJECT_DIR / "target" / "manifest.json")
    audiences = audiences_from_manifest(manifest)
    keys = {spec.name: _model_key([a for a, _ in dbt], manifest, spec.model) for spec in audiences}
    return ActivationPlan(audiences=audiences, targets=sync_targets(audiences), model_keys=keys)


def plan_from_dbt_assets(dbt_assets: list[dg.AssetsDefinition]) -> ActivationPlan:
    return plan_from([(a, m) for a in dbt_assets if (m := _dbt_manifest(a)) is not None])


def load_plan(manifest_path: Path | None = None) -> ActivationPlan:
    """The project's plan: the transform stage's dbt assets, or `manifest_path` / the compiled manifest."""
    return plan_from([] if manifest_path else transform_dbt_assets(), manifest_path)
