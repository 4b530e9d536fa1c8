"""Pin the demo story to its first run, so running the demo again sends exactly the same events.

The story depends on ``(seed, size, now)``. The first run records ``now`` in ``<home>/demo/story.json``; later
runs with the same seed and size reuse it, regenerate identical messages (same ``messageId`` values) and the
warehouse deduplicates them. A different seed or size starts a new story (``make clean`` for a fresh home).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from interaction_pipeline.demo.sources import demo_dir
from interaction_pipeline.story.generator import Story, generate_story


def pinned_story(seed: int, size: int) -> Story:
    path = demo_dir() / "story.json"
    recorded = json.loads(path.read_text()) if path.exists() else {}
    if recorded.get("seed") == seed and recorded.get("size") == size:
        now = datetime.fromisoformat(recorded["now"])
    else:
        now = datetime.now(UTC).replace(microsecond=0)
        path.write_text(json.dumps({"seed": seed, "size": size, "now": now.isoformat()}, indent=2))
    return generate_story(seed=seed, size=size, now=now)


def recorded_story() -> Story | None:
    """The story of the last demo run in this home, if any (``make dev`` seeds its sandbox with it)."""
    path = demo_dir() / "story.json"
    if not path.exists():
        return None
    recorded = json.loads(path.read_text())
    return generate_story(recorded["seed"], recorded["size"], datetime.fromisoformat(recorded["now"]))
