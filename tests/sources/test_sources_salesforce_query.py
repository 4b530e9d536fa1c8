"""SOQL built by the Salesforce sync: the checkpoint keeps its milliseconds and its UTC offset."""

from __future__ import annotations

from interaction_pipeline.sources.salesforce_sync import build_query, soql_datetime


def test_the_checkpoint_literal_keeps_milliseconds_in_utc():
    assert soql_datetime("2026-11-29T10:15:00.123+0000") == "2026-11-29T10:15:00.123+0000"
    assert soql_datetime("2026-11-29T11:15:00.5+01:00") == "2026-11-29T10:15:00.500+0000"


def test_the_query_filters_and_orders_by_system_modstamp():
    assert build_query("Lead", ["Id", "Email"], None) == "SELECT Id, Email FROM Lead ORDER BY SystemModstamp"
    assert build_query("Lead", ["Id"], "2026-11-29T10:15:00.000+0000") == (
        "SELECT Id FROM Lead WHERE SystemModstamp > 2026-11-29T10:15:00.000+0000 ORDER BY SystemModstamp"
    )
