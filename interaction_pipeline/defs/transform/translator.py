"""Asset keys, groups and automation for the dbt project: sources take the raw assets' keys, models group by
folder and rebuild on their own when upstream data changes (`defs/transform/automation.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

from interaction_pipeline.defs.transform.automation import rebuild_condition

# The event loader asset (raw_events/messages) writes raw_events.rejects as well.
SOURCE_TABLE_OWNERS = {("raw_events", "rejects"): ("raw_events", "messages")}


class InteractionDbtTranslator(DagsterDbtTranslator):
    """Source `raw_stripe.customers` → `raw_stripe/customers` (the sync asset's key); models keep their name
    as key, are grouped by folder (staging, intermediate, funnels, engagement, identity, audiences) and carry
    the rebuild condition."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_duplicate_source_asset_keys=True))

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            owner = SOURCE_TABLE_OWNERS.get((props["source_name"], props["name"]))
            return spec.replace_attributes(
                key=dg.AssetKey(list(owner or (props["source_name"], props["name"])))
            )
        upstream = (props.get("depends_on") or {}).get("nodes") or []
        reads_raw_data = any(node.startswith("source.") for node in upstream)
        return spec.replace_attributes(
            group_name=group_for(props.get("fqn", [])), automation_condition=rebuild_condition(reads_raw_data)
        )


def group_for(fqn: list[str]) -> str:
    """`[project, 'marts', 'funnels', model]` → 'funnels'; `[project, 'staging', 'stripe', model]` →
    'staging'; seeds (no folder) → 'seeds'."""
    folders = fqn[1:-1]
    if not folders:
        return "seeds"
    return folders[1] if folders[0] == "marts" and len(folders) > 1 else folders[0]
