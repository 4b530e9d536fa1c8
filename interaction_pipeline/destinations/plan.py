"""The activation plan: which audiences the dbt manifest declares, where each goes, and which guards apply.

Plain code over the manifest's JSON: the command line previews syncs with it, and `defs/activation` turns it
into one Dagster asset per (audience, destination).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interaction_pipeline.destinations.spec import (
    AudienceSpec,
    SyncTarget,
    audiences_from_manifest,
    sync_targets,
)

SUPPRESSION_GUARD = "suppression_overlap"


@dataclass(frozen=True)
class ActivationPlan:
    audiences: list[AudienceSpec]
    targets: list[SyncTarget]

    def suppressions(self) -> list[AudienceSpec]:
        return [spec for spec in self.audiences if spec.purpose == "suppression"]

    def suppressions_for(self, spec: AudienceSpec) -> list[AudienceSpec]:
        """The suppression audiences a marketing audience must not overlap (none for a suppression one)."""
        return self.suppressions() if spec.purpose == "marketing" else []

    def guards(self, target: SyncTarget) -> list[str]:
        """The checks that must pass before anything of ``target`` is sent. A suppression list has no
        minimum size (holding it back would market to the people it excludes)."""
        names = ["max_removal_share"]
        if target.audience.purpose == "marketing":
            names.insert(0, "min_size")
        if self.suppressions_for(target.audience):
            names.append(SUPPRESSION_GUARD)
        return names

    def declared(self) -> set[tuple[str, str]]:
        """Every (audience, destination) the models send to."""
        return {(target.audience.name, target.destination) for target in self.targets}


def plan_from_manifest(manifest: dict[str, Any]) -> ActivationPlan:
    audiences = audiences_from_manifest(manifest)
    return ActivationPlan(audiences=audiences, targets=sync_targets(audiences))


def load_plan(manifest_path: Path) -> ActivationPlan:
    """The plan of a compiled manifest; a project not parsed yet has no audiences."""
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    return plan_from_manifest(manifest)
