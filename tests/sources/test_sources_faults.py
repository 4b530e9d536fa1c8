"""With a fifth of all requests failing in every injected way, syncs end exactly where fault-free ones do."""

from __future__ import annotations

import duckdb
import pytest
from sources_helpers import (
    ALL_COLLECTIONS,
    FAST_HTTP,
    assert_table_matches_sandbox,
    cursors,
    make_changes,
    populate,
    table_snapshot,
)

from interaction_pipeline.sandbox.faults import ALL_KINDS
from interaction_pipeline.sources.sync import parse_targets, sync_targets

pytestmark = pytest.mark.slow

FAULTS = {
    "seed": 11,
    "rules": {
        prefix: {"rate": 0.2, "kinds": list(ALL_KINDS), "retry_after": 0, "delay": 1.5}
        for prefix in ("/stripe", "/zendesk", "/salesforce")
    },
}


def comparable(cursor_rows: dict) -> dict:
    """Cursors without ``checked_at``, the Stripe clock reading that differs between two runs."""
    return {
        key: {k: v for k, v in cursor.items() if k != "checked_at"} for key, cursor in cursor_rows.items()
    }


def test_twenty_percent_injected_failures_change_nothing_in_tables_or_cursors(sandbox, tmp_path):
    populate(sandbox.state, 25)
    # Many pages, so every kind of fault gets drawn several times.
    sandbox.state.vendors["stripe"].seed(
        "customers",
        [
            {
                "id": f"cus_old{i:05d}",
                "object": "customer",
                "created": 1_700_000_000 + i,
                "email": f"old{i}@example.com",
            }
            for i in range(3_000)
        ],
    )
    clean = duckdb.connect(str(tmp_path / "clean.duckdb"))
    faulty = duckdb.connect(str(tmp_path / "faulty.duckdb"))

    def sync_both() -> None:
        sandbox.control("DELETE", "/faults")
        assert all(o.error is None for o in sync_targets(clean, parse_targets(None), http_settings=FAST_HTTP))
        sandbox.control("PUT", "/faults", FAULTS)
        outcomes = sync_targets(faulty, parse_targets(None), http_settings=FAST_HTTP)
        assert [o.error for o in outcomes] == [None] * len(ALL_COLLECTIONS)
        sandbox.control("DELETE", "/faults")

    sync_both()
    make_changes(sandbox.state)
    sync_both()

    injected = sandbox.control("GET", "/faults")["injected"]
    assert set(injected) == set(ALL_KINDS), injected
    for source, collection in ALL_COLLECTIONS:
        assert table_snapshot(faulty, source, collection) == table_snapshot(clean, source, collection)
        assert_table_matches_sandbox(faulty, sandbox.state, source, collection)
    assert comparable(cursors(faulty)) == comparable(cursors(clean))
