"""The activation plan: every (audience, destination) from the manifest, and the guards each one needs."""

from __future__ import annotations

import json

from interaction_pipeline import settings
from interaction_pipeline.destinations.plan import load_plan, plan_from_manifest


def node(name: str, purpose: str, destinations: dict) -> dict:
    audience = {"purpose": purpose, "destinations": destinations}
    return {
        "resource_type": "model",
        "name": name,
        "schema": "audiences",
        "config": {"meta": {"audience": audience}},
    }


def manifest(*nodes: dict) -> dict:
    return {"nodes": {f"model.p.{n['name']}": n for n in nodes}}


def test_marketing_syncs_are_guarded_by_size_and_suppression_overlap_and_suppression_syncs_by_removals_only():
    plan = plan_from_manifest(
        manifest(
            node("aud_promo", "marketing", {"meta": {}, "braze": {}}),
            node("aud_open_tickets", "suppression", {"braze": {}}),
        )
    )
    guards = {target.key: plan.guards(target) for target in plan.targets}
    assert guards == {
        "open_tickets__braze": ["max_removal_share"],
        "promo__meta": ["min_size", "max_removal_share", "suppression_overlap"],
        "promo__braze": ["min_size", "max_removal_share", "suppression_overlap"],
    }
    (promo,) = [spec for spec in plan.audiences if spec.name == "promo"]
    assert [spec.name for spec in plan.suppressions_for(promo)] == ["open_tickets"]


def test_without_suppression_audiences_a_marketing_sync_has_only_the_size_guards():
    plan = plan_from_manifest(manifest(node("aud_promo", "marketing", {"file": {}})))
    assert plan.guards(plan.targets[0]) == ["min_size", "max_removal_share"]


def test_a_project_not_parsed_yet_has_an_empty_plan(tmp_path):
    plan = load_plan(tmp_path / "target" / "manifest.json")
    assert (plan.audiences, plan.targets) == ([], [])
    written = tmp_path / "manifest.json"
    written.write_text(json.dumps(manifest(node("aud_promo", "marketing", {"file": {}}))))
    assert [target.key for target in load_plan(written).targets] == ["promo__file"]


def test_the_command_line_reads_the_manifest_the_dagster_project_writes():
    from interaction_pipeline.defs.transform.project import dbt_project

    assert dbt_project.manifest_path == settings.DBT_MANIFEST
