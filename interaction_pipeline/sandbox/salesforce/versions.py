"""The REST API versions the Salesforce stand-in serves, listed at ``/services/data/`` as Salesforce does.

Salesforce ships three releases a year, each with the next API version: v59.0 was Winter '24, v60.0 Spring
'24, v61.0 Summer '24. Versions 21.0 to 30.0 were retired in Summer '25, so v31.0 (Summer '14) is the oldest
still answered; the newest is the release current when this sandbox was written. SDKs default to different
versions (simple-salesforce 1.12 to v59.0), so every version in between is served alike.
"""

from __future__ import annotations

import re

OLDEST, NEWEST = 31, 68
SEASONS = ("Winter", "Spring", "Summer")
VERSION = re.compile(r"^v(\d+)\.0$")


def release_label(number: int) -> str:
    """``Winter '24`` for 59: Winter releases carry the next year's name."""
    season, year = SEASONS[(number - 59) % 3], 24 + (number - 59) // 3
    return f"{season} '{year:02d}"


def api_versions() -> list[dict[str, str]]:
    return [
        {"label": release_label(number), "url": f"/services/data/v{number}.0", "version": f"{number}.0"}
        for number in range(OLDEST, NEWEST + 1)
    ]


def is_served(version: str) -> bool:
    """True for ``v31.0`` ... ``v68.0`` (the path segment, with its ``v``)."""
    match = VERSION.match(version)
    return match is not None and OLDEST <= int(match[1]) <= NEWEST


def newest() -> str:
    return f"v{NEWEST}.0"
