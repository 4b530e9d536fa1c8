"""Guards that refuse a sync before anything is sent, each with a reason a person can act on.

The remedy is in the reason: a removal the user accepts goes through with `allow_large_removal` (the
`audiences sync --allow-large-removal` command or the sync asset's run config), a suppression overlap needs
the model fixed (or its threshold raised in its meta).
"""

from __future__ import annotations

from interaction_pipeline.destinations.diff import DiffCounts
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.destinations.suppression import Overlap

# Below this many suppressed members an overlap is never taken for a missing join, whatever its share.
SUPPRESSED_MEMBERS_TOLERATED = 10


def size_problem(target: SyncTarget, counts: DiffCounts) -> str | None:
    if counts.members < target.min_size:
        return (
            f"audience {target.audience.name} has {counts.members} members, below the minimum of "
            f"{target.min_size} for {target.destination} (meta.audience.min_size)"
        )
    return None


def platform_note(target: SyncTarget, counts: DiffCounts) -> str | None:
    """A suppression list below the platform's minimum is sent anyway; the user should know."""
    if target.audience.purpose == "suppression" and counts.members < target.platform_minimum:
        return (
            f"suppression audience {target.audience.name} has {counts.members} members, below the "
            f"{target.platform_minimum} {target.destination} needs to match a list reliably; sent anyway, "
            "since holding back a suppression list would market to the people it excludes"
        )
    return None


def removal_problem(
    target: SyncTarget, counts: DiffCounts, *, allow_large_removal: bool = False
) -> str | None:
    share_limit = target.audience.max_removal_share
    if allow_large_removal or counts.confirmed == 0:
        return None
    share = counts.leaving / counts.confirmed
    if share > share_limit:
        name, destination = target.audience.name, target.destination
        return (
            f"sync would remove {counts.leaving} of {counts.confirmed} confirmed members of {name} from "
            f"{destination} ({share:.0%}), above max_removal_share {share_limit:.0%}; check the audience "
            f"model, and if the change is right accept it once: interaction-pipeline audiences sync {name} "
            f"--destination {destination} --allow-large-removal (or run config allow_large_removal: true)"
        )
    return None


def suppression_problem(
    audience: AudienceSpec, suppressions: list[AudienceSpec], overlap: Overlap
) -> str | None:
    if overlap.problems:
        return "; ".join(overlap.problems) + f" - cannot prove {audience.name} excludes suppressed members"
    limit = audience.max_suppressed_share
    if overlap.suppressed >= SUPPRESSED_MEMBERS_TOLERATED and overlap.share > limit:
        names = ", ".join(spec.name for spec in suppressions)
        return (
            f"{overlap.suppressed} of {overlap.members} members of marketing audience {audience.name} "
            f"({overlap.share:.0%}) are in suppression audiences ({names}), above max_suppressed_share "
            f"{limit:.0%}: the model seems to miss its suppression join, e.g. profile_id "
            f"{', '.join(overlap.sample[:5])}"
        )
    return None
