"""Members of a marketing audience who are in a suppression audience: found, counted and left out.

A member is suppressed when a suppression audience holds the same `profile_id`, `user_id`, email (trimmed of
Unicode whitespace, lowercased) or phone (the same E.164 number, however it was written). The comparison runs
in the warehouse on `_aud`; only phones whose last seven digits agree are parsed in Python, so a large
audience costs a few hash joins.
"""

from __future__ import annotations

from dataclasses import dataclass

from interaction_pipeline.destinations import normalize
from interaction_pipeline.destinations.diff import identifier_columns
from interaction_pipeline.destinations.payloads import IDENTIFIER_COLUMNS
from interaction_pipeline.destinations.spec import AudienceSpec
from interaction_pipeline.warehouse.engine import (
    Connection,
    create_temp_table,
    engine_of,
    load_temp_table,
    replace_temp_table,
)

# Unicode whitespace and separators, zero-width characters, the BOM. DuckDB's regular expressions (RE2) know
# Unicode classes; Postgres's know only ASCII ones under the C locale, so its class lists the characters.
_BLANK = {
    "duckdb": r"[\s\p{Z}\x{200B}-\x{200D}\x{2060}\x{FEFF}]",
    "postgres": r"[\s\u00A0\u1680\u2000-\u200D\u2028\u2029\u202F\u205F\u2060\u3000\uFEFF]",
}


def _trimmed(conn: Connection, column: str) -> str:
    blank = _BLANK[engine_of(conn)]
    return f"nullif(regexp_replace({column}, '^{blank}+|{blank}+$', '', 'g'), '')"


def _phone_tail(column: str) -> str:
    return f"right(regexp_replace({column}, '[^0-9]', '', 'g'), 7)"


@dataclass(frozen=True)
class Overlap:
    members: int  # the audience before suppressed members were left out
    suppressed: int
    sample: list[str]  # a few suppressed profile ids
    problems: list[str]  # suppression audiences that are not built, so nothing can be proven

    @property
    def share(self) -> float:
        return self.suppressed / self.members if self.members else 0.0


def _stage_suppression_ids(conn: Connection, suppressions: list[AudienceSpec]) -> list[str]:
    problems, selects = [], []
    for spec in suppressions:
        try:
            columns = identifier_columns(conn, spec)
        except ValueError:
            problems.append(f"suppression audience {spec.name} is not built yet")
            continue
        selects.append(
            f"select cast(profile_id as varchar) as profile_id, {', '.join(columns)} from {spec.relation}"
        )
    empty = ", ".join(f"null::varchar as {name}" for name in ("profile_id", *IDENTIFIER_COLUMNS))
    selects = selects or [f"select {empty} where false"]
    replace_temp_table(
        conn,
        "_suppression_ids",
        f"""
        select profile_id, {_trimmed(conn, "user_id")} as user_key,
               lower({_trimmed(conn, "email")}) as email_key, phone, country
        from ({" union all ".join(selects)}) suppressions
        """,
    )
    return problems


def _e164(phone: str, country: str | None) -> str | None:
    try:
        return normalize.phone_e164(phone, country)
    except normalize.InvalidIdentifier:
        return None


def _stage_same_phone(conn: Connection) -> None:
    """Add to `_suppressed` the members whose phone is a suppression audience's phone, as E.164 numbers.

    Only distinct (phone, country) values whose last seven digits meet on both sides are parsed."""
    tails = f"""
        with suppressed as (
            select distinct {_phone_tail("phone")} as tail from _suppression_ids where phone is not null
        )
        select distinct phone, country from _aud
        where phone is not null
          and {_phone_tail("phone")} in (select tail from suppressed where length(tail) = 7)
        union
        select distinct phone, country from _suppression_ids where phone is not null
    """
    numbers = ((phone, country, _e164(phone, country)) for phone, country in conn.execute(tails).fetchall())
    load_temp_table(
        conn, "_phone_numbers", {"phone": "varchar", "country": "varchar", "e164": "varchar"}, numbers
    )
    conn.execute(
        """
        insert into _suppressed
        select a.member_key
        from _aud a
        join _phone_numbers mine on mine.phone = a.phone and mine.country is not distinct from a.country
        join _phone_numbers theirs on theirs.e164 = mine.e164
        join _suppression_ids s on s.phone = theirs.phone and s.country is not distinct from theirs.country
        """
    )


def find_suppressed(conn: Connection, suppressions: list[AudienceSpec]) -> Overlap:
    """`_suppressed`: member keys of `_aud` found in ``suppressions``."""
    members = conn.execute("select count(distinct member_key) from _aud").fetchall()[0][0]
    create_temp_table(conn, "_suppressed", {"member_key": "varchar"})
    if not suppressions:
        return Overlap(members, 0, [], [])
    problems = _stage_suppression_ids(conn, suppressions)
    conn.execute(
        f"""
        insert into _suppressed
        select a.member_key from _aud a join _suppression_ids s on a.member_key = s.profile_id
        union select a.member_key from _aud a
            join _suppression_ids s on {_trimmed(conn, "a.user_id")} = s.user_key
        union select a.member_key from _aud a
            join _suppression_ids s on lower({_trimmed(conn, "a.email")}) = s.email_key
        """
    )
    _stage_same_phone(conn)
    keys = [
        key for (key,) in conn.execute("select distinct member_key from _suppressed order by 1").fetchall()
    ]
    return Overlap(members, len(keys), keys[:10], problems)


def exclude_suppressed(conn: Connection, suppressions: list[AudienceSpec]) -> Overlap:
    """Find the suppressed members of `_aud` and take them out of it."""
    overlap = find_suppressed(conn, suppressions)
    if overlap.suppressed:
        conn.execute("delete from _aud where member_key in (select member_key from _suppressed)")
    return overlap
