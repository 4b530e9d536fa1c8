"""dbt's event_name_mapping seed knows every name a partner mapping produces, so funnels, machine opens and
engagement count webhook events whichever way they arrived; only customers' own custom events stay unknown."""

from __future__ import annotations

import csv

import pytest

from interaction_pipeline import settings
from interaction_pipeline.collector.webhooks import braze, customerio, delighted, iterable
from partners.test_partner_events_to_warehouse import CASES

SEED = settings.DBT_PROJECT_DIR / "seeds" / "event_name_mapping.csv"
CUSTOM_EVENTS = {"users.behaviors.CustomEvent", "my_custom_event"}  # the customer's own names


def known(kind: str) -> set[str]:
    with SEED.open() as handle:
        rows = list(csv.DictReader(handle))
    return {row["source_event_name"].lower() for row in rows if row["source_kind"] in ("", kind)}


@pytest.mark.parametrize("module", [braze, customerio, iterable, delighted], ids=lambda m: m.KIND)
def test_every_name_in_a_partners_mapping_table_is_in_the_seed(module):
    missing = {name for name in module.EVENT_NAMES.values() if name.lower() not in known(module.KIND)}
    assert not missing


def test_every_documented_event_type_in_the_fixtures_is_in_the_seed_except_custom_events():
    missing = {
        (case.kind, case.name)
        for case in CASES
        if case.name not in CUSTOM_EVENTS and case.name.lower() not in known(case.kind)
    }
    assert not missing
