"""Every warehouse object table is filled by exactly one mapping, and a mapping must cover its table."""

from __future__ import annotations

import duckdb
import pytest

from interaction_pipeline.sources.mappings import MAPPINGS, ObjectMapping
from interaction_pipeline.warehouse.object_store import apply_batch, ensure_object_table
from interaction_pipeline.warehouse.object_tables import OBJECT_TABLES


def test_every_object_table_has_a_mapping():
    assert set(MAPPINGS) == set(OBJECT_TABLES)
    assert all(MAPPINGS[key].table is OBJECT_TABLES[key] for key in MAPPINGS)


def test_a_mapping_that_misses_a_column_or_names_an_unknown_one_is_refused():
    table = OBJECT_TABLES["stripe/products"]
    with pytest.raises(ValueError, match=r"raw_stripe.products: no expression for \['active'\]"):
        ObjectMapping(table, {"id": "d->>'$.id'", "name": "d->>'$.name'", "created": "null"})
    with pytest.raises(ValueError, match=r"no column for \['colour'\]"):
        ObjectMapping(table, {**MAPPINGS["stripe/products"].expressions, "colour": "d->>'$.colour'"})


def test_a_mapped_object_lands_in_its_typed_columns():
    mapping = MAPPINGS["salesforce/opportunities"]
    record = {
        "Id": "006A",
        "AccountId": "001A",
        "StageName": "Closed Won",
        "Amount": 1250.5,
        "CloseDate": "2026-02-01",
        "IsWon": True,
        "SystemModstamp": "2026-02-01T10:00:00.000+0200",
    }
    with duckdb.connect() as conn:
        ensure_object_table(conn, mapping.table)
        apply_batch(conn, mapping.table, mapping.expressions, [record], [False], None, id_field="Id")
        row = conn.execute(
            "select id, account_id, amount, close_date::varchar, is_won, system_modstamp::varchar "
            "from raw_salesforce.opportunities"
        ).fetchone()
    assert row == ("006A", "001A", 1250.5, "2026-02-01", True, "2026-02-01 08:00:00")
