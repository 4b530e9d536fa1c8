"""A home holds one demo story: the same seed and size again reuse it, another one is refused with the fix,
before anything is sent."""

from __future__ import annotations

import json

from click.testing import CliRunner

from interaction_pipeline.cli import main
from interaction_pipeline.demo.story_pin import pinned_story


def test_the_same_seed_and_size_reuse_the_pinned_story(pipeline_home):
    first = pinned_story(7, 20)
    assert pinned_story(7, 20).now == first.now


def test_a_demo_of_another_seed_or_size_is_refused_with_a_home_of_its_own(pipeline_home):
    pinned_story(42, 20)
    recorded = (pipeline_home / "demo" / "story.json").read_text()
    result = CliRunner().invoke(main, ["demo", "--size", "300", "--seed", "7"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {pipeline_home} holds the demo story of seed 42 and 20 people; seed 7 and 300 people would "
        "mix a second shop into its warehouse. Run it in a home of its own: "
        f"INTERACTION_PIPELINE_HOME={pipeline_home.parent / 'data-seed7-size300'} interaction-pipeline demo "
        f"--size 300 --seed 7 (or remove {pipeline_home} first)"
    )
    assert (pipeline_home / "demo" / "story.json").read_text() == recorded
    assert json.loads(recorded)["seed"] == 42
    assert not (pipeline_home / "warehouse.duckdb").exists() and not (pipeline_home / "spool").exists()
