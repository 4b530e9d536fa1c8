"""Pin the demo story to its first run, so running the demo again sends exactly the same events.

The story depends on ``(seed, size, now)``. The first run records ``now`` in ``<home>/demo/story.json``; later
runs with the same seed and size reuse it, regenerate identical messages (same ``messageId`` values) and the
warehouse deduplicates them. A different seed or size is another story: its people, events and objects would
land beside the first story's in the same warehouse, and every count would be the sum of two shops. So the
demo refuses it and says how to run it in a home of its own.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from interaction_pipeline import settings
from interaction_pipeline.demo.sources import demo_dir
from interaction_pipeline.story.generator import Story, generate_story


class AnotherStory(settings.FixableError):
    """The home holds the demo story of another seed or size."""


def pinned_story(seed: int, size: int) -> Story:
    path = demo_dir() / "story.json"
    recorded = json.loads(path.read_text()) if path.exists() else {}
    if recorded and (recorded.get("seed"), recorded.get("size")) != (seed, size):
        raise AnotherStory(mismatch(recorded, seed, size))
    if recorded:
        now = datetime.fromisoformat(recorded["now"])
    else:
        now = datetime.now(UTC).replace(microsecond=0)
        path.write_text(json.dumps({"seed": seed, "size": size, "now": now.isoformat()}, indent=2))
    return generate_story(seed=seed, size=size, now=now)


def mismatch(recorded: dict, seed: int, size: int) -> str:
    home = settings.paths().home
    default = home == (settings.PROJECT_ROOT / "data").resolve()
    fresh = "run `make clean` to remove it" if default else f"remove {home}"
    command = f"interaction-pipeline demo --size {size} --seed {seed}"
    own_home = home.parent / f"data-seed{seed}-size{size}"
    return (
        f"{home} holds the demo story of seed {recorded['seed']} and {recorded['size']:,} people; "
        f"seed {seed} and {size:,} people would mix a second shop into its warehouse. Run it in a home "
        f"of its own: INTERACTION_PIPELINE_HOME={own_home} {command} (or {fresh} first)"
    )


def recorded_story() -> Story | None:
    """The story of the last demo run in this home, if any (``make dev`` seeds its sandbox with it)."""
    path = demo_dir() / "story.json"
    if not path.exists():
        return None
    recorded = json.loads(path.read_text())
    return generate_story(recorded["seed"], recorded["size"], datetime.fromisoformat(recorded["now"]))
