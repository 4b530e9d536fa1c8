"""Where the activation plan sits in the asset graph.

Each audience model's key comes from the dbt assets themselves (`get_asset_key_for_model`, so the project's
translator decides it, never a typed string); each sync asset is `activation/<audience>__<destination>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from interaction_pipeline.destinations.plan import ActivationPlan
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget


@dataclass(frozen=True)
class ActivationKeys:
    plan: ActivationPlan
    model_keys: dict[str, dg.AssetKey]  # audience name -> the audience model's asset key

    def model_key(self, spec: AudienceSpec) -> dg.AssetKey:
        return self.model_keys[spec.name]

    @staticmethod
    def sync_key(target: SyncTarget) -> dg.AssetKey:
        return dg.AssetKey(["activation", target.key])

    def sync_keys_by_model(self) -> dict[dg.AssetKey, list[dg.AssetKey]]:
        result: dict[dg.AssetKey, list[dg.AssetKey]] = {}
        for target in self.plan.targets:
            result.setdefault(self.model_key(target.audience), []).append(self.sync_key(target))
        return result


def activation_keys(plan: ActivationPlan, dbt_assets: Sequence[dg.AssetsDefinition]) -> ActivationKeys:
    """Keys for ``plan``, whose audience models must be among ``dbt_assets``."""
    models = {spec.name: get_asset_key_for_model(dbt_assets, spec.model) for spec in plan.audiences}
    return ActivationKeys(plan, models)
