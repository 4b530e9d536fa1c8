"""The automation conditions of the project's real definitions, evaluated as the daemon evaluates them, on an
ephemeral instance: what is requested after a load, a poll or a rebuild, and what is not.

Materializations are reported without runs (as a finished run records them) and evaluations are given a time,
so a test walks through rebuild windows without waiting for them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from dagster._core.definitions.data_version import DATA_VERSION_TAG

from interaction_pipeline.definitions import defs
from interaction_pipeline.defs.activation.sync_assets import CONFIRMED_CHECK

MESSAGES = dg.AssetKey(["raw_events", "messages"])
TICKETS = dg.AssetKey(["raw_zendesk", "tickets"])
EVENTS_ROOT = dg.AssetKey(["staging", "stg_events__messages"])
TICKETS_ROOT = dg.AssetKey(["staging", "stg_zendesk__tickets"])
REENGAGEMENT = dg.AssetKey(["audiences", "aud_reengagement"])
SUPPRESSION = dg.AssetKey(["audiences", "aud_open_ticket_suppression"])
REENGAGEMENT_SYNCS = {
    dg.AssetKey(["activation", f"reengagement__{d}"]) for d in ("meta", "google_ads", "webhook")
}
POLLED = {"raw_stripe", "raw_zendesk", "raw_salesforce"}
START = datetime(2026, 11, 30, 10, 0, 5, tzinfo=UTC)  # just after a window opened (three-minute windows)


class Automation:
    """Evaluations in sequence, each at ``START`` plus some minutes, carrying the cursor like the sensor."""

    def __init__(self, instance: dg.DagsterInstance) -> None:
        self.definitions = defs()
        self.instance = instance
        self.cursors: dict[str, object] = {}
        # Each audience model's membership version, as the dbt asset reports it.
        graph = self.definitions.resolve_asset_graph()
        self.members = {key: "v1" for key in graph.get_all_asset_keys() if key.path[0] == "audiences"}

    def evaluate(self, minutes: float) -> set[dg.AssetKey]:
        """Both automation sensors' evaluations at one time, each with its own targets and cursor."""
        requested = set()
        for sensor in ("object_source_polls", "rebuild_and_sync"):
            result = dg.evaluate_automation_conditions(
                defs=self.definitions,
                instance=self.instance,
                asset_selection=self.definitions.resolve_sensor_def(sensor).asset_selection,
                cursor=self.cursors.get(sensor),
                evaluation_time=START + timedelta(minutes=minutes),
            )
            self.cursors[sensor] = result.cursor
            requested |= {
                r.key for r in result.results if isinstance(r.key, dg.AssetKey) and r.true_subset.size
            }
        return requested

    def requested(self, minutes: float) -> set[dg.AssetKey]:
        """What one evaluation requests, the object sources' polls left out."""
        return {key for key in self.evaluate(minutes) if key.path[0] not in POLLED}

    def built(self, keys: set[dg.AssetKey]) -> None:
        """A run materialized ``keys``, upstream first (audience models with their membership versions)."""
        for key in self.definitions.resolve_asset_graph().toposorted_asset_keys:
            if key in keys:
                tags = {DATA_VERSION_TAG: self.members[key]} if key in self.members else None
                self.instance.report_runless_asset_event(dg.AssetMaterialization(key, tags=tags))


@pytest.fixture
def automation(pipeline_home):
    with dg.DagsterInstance.ephemeral() as instance:
        automation = Automation(instance)
        everything = {key for key in automation.definitions.resolve_asset_graph().get_all_asset_keys()}
        automation.built(everything - {dg.AssetKey(["collector", "spool"])})
        assert automation.requested(0) == set()  # the first evaluation after a start requests nothing
        yield automation


def test_a_load_requests_every_model_downstream_of_the_events_in_one_evaluation(automation):
    automation.built({MESSAGES})
    requested = automation.requested(0.5)
    assert {EVENTS_ROOT, REENGAGEMENT, SUPPRESSION, dg.AssetKey(["reporting", "email_charts"])} <= requested
    assert TICKETS_ROOT not in requested  # Zendesk did not change
    assert not any(key.path[0] in ("activation", "raw_zendesk") for key in requested)


def test_a_burst_of_loads_waits_for_the_next_window_and_no_load_is_lost(automation):
    automation.built({MESSAGES})
    first = automation.requested(0.5)
    assert EVENTS_ROOT in first
    automation.built({MESSAGES})  # landed before the build ran: the build reads it
    automation.built(first)
    automation.built({MESSAGES})  # landed after the build: must get a build of its own
    assert automation.requested(1) == set()
    assert automation.requested(2.5) == set()  # still in the same three-minute window
    assert EVENTS_ROOT in automation.requested(3.2)
    assert automation.requested(3.5) == set()


def test_a_poll_that_found_a_ticket_rebuilds_only_what_depends_on_zendesk(automation):
    automation.built({TICKETS})
    requested = automation.requested(0.5)
    assert {
        TICKETS_ROOT,
        SUPPRESSION,
        REENGAGEMENT,
    } <= requested  # marketing audiences leave the suppressed out
    assert EVENTS_ROOT not in requested


def test_an_audience_rebuilt_with_the_same_members_requests_no_sync_and_a_changed_one_does(automation):
    automation.built({MESSAGES})
    automation.built(automation.requested(0.5))
    assert automation.requested(1) == set()

    automation.built({MESSAGES})
    rebuilt = automation.requested(3.5)
    assert rebuilt and REENGAGEMENT_SYNCS.isdisjoint(rebuilt)  # the audience is still to be rebuilt
    automation.members[REENGAGEMENT] = "v2"
    automation.built(rebuilt)
    assert automation.requested(4) == REENGAGEMENT_SYNCS
    assert automation.requested(4.5) == set()


def test_object_sources_are_polled_on_their_cadence(automation):
    assert {key.path[0] for key in automation.evaluate(1.2)} == {"raw_stripe", "raw_zendesk"}
    assert automation.evaluate(1.5) == set()  # once per tick of the cadence
    assert {key.path[0] for key in automation.evaluate(3.2)} == POLLED  # Salesforce every three minutes


def test_a_sync_that_left_changes_unconfirmed_is_retried_at_the_next_five_minute_mark(automation):
    webhook = dg.AssetKey(["activation", "reengagement__webhook"])
    automation.instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(asset_key=webhook, check_name=CONFIRMED_CHECK, passed=False)
    )
    assert automation.requested(1) == set()
    assert automation.requested(4.5) == set()
    assert automation.requested(5.2) == {webhook}  # 10:05 passed
    assert automation.requested(6) == set()  # once per mark
    automation.instance.report_runless_asset_event(
        dg.AssetCheckEvaluation(asset_key=webhook, check_name=CONFIRMED_CHECK, passed=True)
    )
    assert automation.requested(10.2) == set()  # confirmed: nothing to retry
