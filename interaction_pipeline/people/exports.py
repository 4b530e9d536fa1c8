"""Rewriting the file destination's exports without a person: every `added`, `removed` and `members` file
under `<home>/exports/audiences/` loses the rows with one of their profile ids, user ids or emails."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from interaction_pipeline.people.identity import Person


def scrub_exports(folder: Path, person: Person) -> tuple[int, int]:
    """(rows removed, files rewritten)."""
    rows = files = 0
    if not folder.is_dir():
        return rows, files
    # coalesce: a blank identifier (null) must keep its row, not drop it with the person's
    condition = (
        "coalesce(list_contains(?::varchar[], profile_id) or list_contains(?::varchar[], user_id) "
        "or list_contains(?::varchar[], lower(email)), false)"
    )
    params = [sorted(person.profile_ids), person.values("user_id"), person.values("email")]
    with duckdb.connect() as conn:
        for path in sorted([*folder.rglob("*.csv"), *folder.rglob("*.parquet")]):
            parquet = path.suffix == ".parquet"
            source = f"read_parquet('{path}')" if parquet else f"read_csv('{path}', all_varchar = true)"
            found = conn.execute(f"select count(*) from {source} where {condition}", params).fetchone()[0]
            if not found:
                continue
            temporary = path.with_name(path.name + ".forgetting")
            options = "format parquet" if parquet else "format csv, header true"
            conn.execute(
                f"copy (select * from {source} where not ({condition})) to '{temporary}' ({options})", params
            )
            os.replace(temporary, path)
            rows, files = rows + found, files + 1
    return rows, files
