"""Guards that refuse a sync before anything is sent, each with a reason a person can act on."""

from __future__ import annotations

import duckdb

from interaction_pipeline.destinations import normalize
from interaction_pipeline.destinations.diff import DiffCounts, relation_columns
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget


def size_problem(target: SyncTarget, counts: DiffCounts) -> str | None:
    if counts.members < target.min_size:
        return (
            f"audience {target.audience.name} has {counts.members} members, below the minimum of "
            f"{target.min_size} for {target.destination} (meta.audience.min_size)"
        )
    return None


def removal_problem(
    target: SyncTarget, counts: DiffCounts, *, allow_large_removal: bool = False
) -> str | None:
    share_limit = target.audience.max_removal_share
    if share_limit is None or allow_large_removal or counts.confirmed == 0:
        return None
    share = counts.leaving / counts.confirmed
    if share > share_limit:
        return (
            f"sync would remove {counts.leaving} of {counts.confirmed} confirmed members of "
            f"{target.audience.name} from {target.destination} ({share:.0%}), above max_removal_share "
            f"{share_limit:.0%}; check the audience model, or run with allow_large_removal"
        )
    return None


def _identities(conn: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str | None, str | None]]:
    """(profile_id, normalized email, E.164 phone) per member; unparseable values simply match nothing."""
    present = set(relation_columns(conn, relation))

    def column(name: str) -> str:
        return f"cast({name} as varchar)" if name in present else "cast(null as varchar)"

    rows = conn.execute(
        f"select cast(profile_id as varchar), lower(trim({column('email')})), {column('phone')}, "
        f"{column('country')} from {relation}"
    ).fetchall()
    result = []
    for profile_id, email, phone, country in rows:
        try:
            e164 = normalize.phone_e164(phone, country) if phone else None
        except normalize.InvalidIdentifier:
            e164 = None
        result.append((profile_id, email or None, e164))
    return result


def suppressed_members(
    conn: duckdb.DuckDBPyConnection, audience: AudienceSpec, suppressions: list[AudienceSpec]
) -> tuple[int, list[str], list[str]]:
    """Members of a marketing audience found in a suppression audience by profile_id, email or phone.

    Returns (count, sample profile ids, problems such as a suppression audience that is not built yet).
    """
    if audience.purpose != "marketing" or not suppressions:
        return 0, [], []
    problems: list[str] = []
    suppressed: list[set[str]] = [set(), set(), set()]
    for suppression in suppressions:
        try:
            identities = _identities(conn, suppression.relation)
        except duckdb.CatalogException:
            problems.append(f"suppression audience {suppression.name} is not built yet")
            continue
        for identity in identities:
            for index, value in enumerate(identity):
                if value:
                    suppressed[index].add(value)
    matched = sorted(
        identity[0]
        for identity in _identities(conn, audience.relation)
        if any(value and value in suppressed[index] for index, value in enumerate(identity))
    )
    return len(matched), matched[:10], problems


def suppression_problem(
    conn: duckdb.DuckDBPyConnection, audience: AudienceSpec, suppressions: list[AudienceSpec]
) -> str | None:
    return describe_suppression(audience, suppressions, *suppressed_members(conn, audience, suppressions))


def describe_suppression(
    audience: AudienceSpec,
    suppressions: list[AudienceSpec],
    count: int,
    sample: list[str],
    problems: list[str],
) -> str | None:
    if problems:
        return "; ".join(problems) + f" - cannot prove {audience.name} excludes suppressed members"
    if count:
        names = ", ".join(spec.name for spec in suppressions)
        return (
            f"{count} members of marketing audience {audience.name} are in suppression audiences ({names}), "
            f"e.g. profile_id {', '.join(sample[:5])}; exclude them in the model"
        )
    return None
