"""Taking a person out of every destination that holds them, before the warehouse forgets them.

Removals go out first because they need what the warehouse remembers: the exact payload each destination
confirmed (the hashed identifiers Meta and Google matched, the address on Braze's blocklist, the user the
webhook receiver was told about). Each (audience, destination account) with the person confirmed gets their
removal through the sync engine's own batch sender, so it is retried, logged and confirmed like any other.

State kept for an account the destination no longer points at (the sandbox, after moving to a real account)
cannot be reached; the command says so. The file destination hands files to another system: instead of a
removal file that would hold the person again, the files already written are rewritten without them
(`exports.py`), and whoever copied them elsewhere must be told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from interaction_pipeline.destinations.base import Destination
from interaction_pipeline.destinations.clients import configured_destination
from interaction_pipeline.destinations.retire import Orphan, remove_members, retired_target
from interaction_pipeline.destinations.spec import destination_of
from interaction_pipeline.people.identity import Person
from interaction_pipeline.warehouse.sync_state import MEMBERSHIP_TABLE


@dataclass
class Removal:
    audience: str
    destination: str
    account: str
    confirmed: int  # of the person's profiles, confirmed there
    removed: int = 0
    failed: int = 0
    note: str = ""


def _client(name: str) -> Destination:
    return configured_destination(name)[0]


def confirmed_at(conn: duckdb.DuckDBPyConnection, person: Person) -> list[Removal]:
    """Where the person is confirmed: one entry per (audience, destination account)."""
    try:
        rows = conn.execute(
            f"""
            select audience, destination, count(*) from {MEMBERSHIP_TABLE}
            where status = 'confirmed' and list_contains(?::varchar[], member_key)
            group by all order by all
            """,
            [sorted(person.profile_ids)],
        ).fetchall()
    except duckdb.CatalogException:  # never synced
        return []
    return [Removal(audience, *destination_of(key), confirmed) for audience, key, confirmed in rows]


def send_removals(
    conn: duckdb.DuckDBPyConnection, person: Person, client: Callable[[str], Destination] = _client
) -> list[Removal]:
    removals = confirmed_at(conn, person)
    for removal in removals:
        if removal.destination == "file":
            removal.note = "no removal file (it would hold them again); the files written are rewritten"
            continue
        destination = client(removal.destination)
        if removal.account and removal.account != destination.account:
            removal.note = (
                f"not reached: {removal.destination} now points at {destination.account}; remove them there "
                "by hand if that account still matters"
            )
            continue
        orphan = Orphan(removal.audience, removal.destination, removal.account, removal.confirmed)
        outcome = remove_members(conn, retired_target(conn, orphan), destination, sorted(person.profile_ids))
        removal.removed, removal.failed = outcome.removed, outcome.failed
    return removals
