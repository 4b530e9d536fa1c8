"""Audiences are read from the dbt manifest's `config.meta.audience` blocks."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from interaction_pipeline import settings
from interaction_pipeline.defs.transform.project import DBT_EXECUTABLE
from interaction_pipeline.destinations.plan import load_plan
from interaction_pipeline.destinations.spec import audiences_from_manifest, find_audience, sync_targets


def node(name: str, audience: dict | None, schema: str = "audiences") -> dict:
    return {
        "resource_type": "model",
        "name": name,
        "alias": name,
        "schema": schema,
        "config": {"meta": {"audience": audience} if audience else {}},
        "columns": {"profile_id": {}, "email": {}},
    }


def manifest(*nodes: dict) -> dict:
    return {"nodes": {f"model.p.{n['name']}": n for n in nodes}}


def test_models_with_an_audience_block_become_audiences_with_one_target_per_destination():
    audiences = audiences_from_manifest(
        manifest(
            node(
                "aud_vips", {"purpose": "marketing", "min_size": 10, "destinations": {"meta": {}, "file": {}}}
            ),
            node("dim_profiles", None, schema="marts"),
        )
    )
    (vips,) = audiences
    assert (vips.name, vips.relation, vips.identifiers, vips.min_size) == (
        "vips",
        '"audiences"."aud_vips"',
        ["email"],
        10,
    )
    targets = sync_targets(audiences)
    assert [(t.key, t.min_size) for t in targets] == [("vips__meta", 10), ("vips__file", 10)]
    assert find_audience(audiences, "aud_vips") is vips


def test_default_minimum_sizes_are_per_destination():
    (spec,) = audiences_from_manifest(manifest(node("aud_x", {"destinations": {"meta": {}, "webhook": {}}})))
    assert {t.destination: t.min_size for t in sync_targets([spec])} == {"meta": 100, "webhook": 0}


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"destinations": {"tiktok": {}}}, "unknown destinations \\['tiktok'\\]"),
        ({"purpose": "upsell", "destinations": {}}, "purpose must be one of"),
    ],
)
def test_mistakes_in_the_meta_block_are_named(block, message):
    with pytest.raises(ValueError, match=message):
        audiences_from_manifest(manifest(node("aud_bad", block)))


def test_guard_settings_come_from_the_project_defaults_unless_the_model_sets_its_own():
    defaults = {"max_removal_share": 0.3, "max_suppressed_share": 0.1}
    own = node("aud_own", {"max_removal_share": 0.9, "destinations": {"file": {}}})
    inherited = node("aud_inherited", {"destinations": {"file": {}}})
    bare = node("aud_bare", {"destinations": {"file": {}}})
    for with_defaults in (own, inherited):
        with_defaults["config"]["meta"]["audience_defaults"] = defaults
    shares = {
        spec.name: (spec.max_removal_share, spec.max_suppressed_share)
        for spec in audiences_from_manifest(manifest(own, inherited, bare))
    }
    assert shares == {"own": (0.9, 0.1), "inherited": (0.3, 0.1), "bare": (0.5, 0.02)}


@pytest.mark.parametrize("share", [1.5, -0.1, "half", True])
def test_a_guard_share_outside_zero_to_one_is_named(share):
    with pytest.raises(
        ValueError, match="audience aud_bad: max_removal_share must be a share between 0 and 1"
    ):
        audiences_from_manifest(manifest(node("aud_bad", {"max_removal_share": share, "destinations": {}})))


@pytest.mark.slow
def test_the_project_sets_every_audience_s_max_removal_share_in_dbt_project_yml(tmp_path):
    project = tmp_path / "dbt_project"
    shutil.copytree(settings.DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    config = (project / "dbt_project.yml").read_text()
    assert "audience_defaults:\n            max_removal_share: 0.5" in config
    (project / "dbt_project.yml").write_text(
        config.replace("max_removal_share: 0.5", "max_removal_share: 0.35")
    )
    target = tmp_path / "target"
    command = [DBT_EXECUTABLE, "parse", "--project-dir", str(project), "--profiles-dir", str(project)]
    environment = {**settings.child_environment(), "DBT_LOG_PATH": str(tmp_path / "logs")}
    parsed = subprocess.run(
        [*command, "--target-path", str(target)], capture_output=True, text=True, env=environment
    )
    assert parsed.returncode == 0, parsed.stdout[-2000:]
    plan = load_plan(target / "manifest.json")
    assert len(plan.audiences) >= 4
    assert {spec.max_removal_share for spec in plan.audiences} == {0.35}
