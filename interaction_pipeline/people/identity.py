"""Who a person is to the warehouse: every identifier the identity graph joined to the one given.

`marts.dim_profile_identifiers` maps each identifier (user id, email, anonymous id, Stripe customer, Zendesk
user, Salesforce contact or lead) to its profile. The person is every profile holding the given email or user
id, with all of those profiles' identifiers. Before the models are built there is no graph: the person is the
given identifier alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

IDENTIFIERS = "marts.dim_profile_identifiers"


@dataclass
class Person:
    given: str
    profile_ids: set[str] = field(default_factory=set)
    # identifier type (as in the graph: user_id, email, anonymous_id, stripe_customer_id, ...) -> values
    identifiers: dict[str, set[str]] = field(default_factory=dict)

    def values(self, kind: str) -> list[str]:
        return sorted(self.identifiers.get(kind, set()))

    def describe(self) -> str:
        parts = [
            f"{len(values)} {kind.replace('_', ' ')}" for kind, values in sorted(self.identifiers.items())
        ]
        profiles = f"{len(self.profile_ids)} profile{'s' if len(self.profile_ids) != 1 else ''}"
        return f"{profiles}: " + ", ".join(parts)


def find_person(conn: duckdb.DuckDBPyConnection, given: str) -> Person:
    """The person known by ``given``: an email (anything with an @, compared in lower case) or a user id."""
    kind, value = ("email", given.strip().lower()) if "@" in given else ("user_id", given.strip())
    person = Person(given, identifiers={kind: {value}})
    try:
        rows = conn.execute(
            f"""
            select profile_id, type, value from {IDENTIFIERS}
            where profile_id in (select profile_id from {IDENTIFIERS} where type = ? and value = ?)
            """,
            [kind, value],
        ).fetchall()
    except duckdb.CatalogException:
        return person
    for profile_id, identifier_type, identifier_value in rows:
        person.profile_ids.add(profile_id)
        person.identifiers.setdefault(identifier_type, set()).add(identifier_value)
    return person
