"""Audiences are read from the dbt manifest's `config.meta.audience` blocks."""

from __future__ import annotations

import pytest

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
