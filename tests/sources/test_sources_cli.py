"""`interaction-pipeline sources sync` against a running sandbox."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner
from sources_helpers import populate

from interaction_pipeline import settings
from interaction_pipeline.cli import main

pytestmark = pytest.mark.slow


def test_sources_sync_fills_the_warehouse_and_reports_each_collection(sandbox):
    populate(sandbox.state, 4)

    result = CliRunner().invoke(main, ["sources", "sync", "stripe"])

    assert result.exit_code == 0, result.output
    assert "stripe/customers" in result.output and "sandbox" in result.output
    with duckdb.connect(str(settings.paths().warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from raw_stripe.customers").fetchone()[0] == 4
        assert conn.execute("select count(*) from pipeline.object_cursors").fetchone()[0] == 6


def test_sources_sync_reports_a_forbidden_collection_and_syncs_the_rest(sandbox):
    populate(sandbox.state, 2)
    sandbox.control("PUT", "/permissions", {"salesforce": ["Lead"]})

    result = CliRunner().invoke(main, ["sources", "sync", "salesforce"])

    assert result.exit_code == 1
    assert "salesforce/leads:" in result.output and "permission denied" in result.output
    with duckdb.connect(str(settings.paths().warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from raw_salesforce.opportunities").fetchone()[0] == 2


def test_sources_sync_refuses_an_unknown_name(sandbox):
    result = CliRunner().invoke(main, ["sources", "sync", "hubspot"])
    assert result.exit_code == 2 and "unknown source 'hubspot'" in result.output


def test_sources_sync_runs_everything_or_one_collection(sandbox):
    populate(sandbox.state, 3)

    everything = CliRunner().invoke(main, ["sources", "sync"])
    sandbox.control("POST", "/objects/zendesk/tickets", {"subject": "Refund please", "status": "open"})
    sandbox.control("POST", "/clock", {"advance_seconds": 120})
    one = CliRunner().invoke(main, ["sources", "sync", "zendesk/tickets"])

    assert everything.exit_code == 0 and "salesforce/opportunities" in everything.output
    assert one.exit_code == 0 and "incremental" in one.output and "stripe/" not in one.output
    with duckdb.connect(str(settings.paths().warehouse), read_only=True) as conn:
        assert conn.execute("select count(*) from raw_zendesk.tickets").fetchone()[0] == 4
