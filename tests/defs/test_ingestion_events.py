"""The raw_events/messages asset, its checks, the spool sensor and the hourly schedule, on real DuckDB."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from interaction_pipeline import settings
from interaction_pipeline.defs.ingestion.events_assets import (
    collector_spool,
    load_events_job,
    raw_events_messages,
)
from interaction_pipeline.defs.ingestion.events_checks import evaluate_checks
from interaction_pipeline.defs.ingestion.events_schedules import hourly_spool_load
from interaction_pipeline.defs.ingestion.events_sensors import spool_sensor
from interaction_pipeline.warehouse.spool_loader import load_spool


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def write_segment(
    spool: Path, segment_id: str, lines: list[dict], kind: str = "events", suffix: str = ".ndjson"
):
    folder = spool / kind / f"{segment_id[:4]}-{segment_id[4:6]}-{segment_id[6:8]}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{segment_id}{suffix}").write_text("".join(json.dumps(line) + "\n" for line in lines))


def message(message_id: str, source: str = "braze-prod", received: datetime | None = None) -> dict:
    received = received or datetime(2026, 11, 29, 10, 15, tzinfo=UTC)
    return {
        "type": "track",
        "event": "Email Delivered",
        "userId": "user-1",
        "messageId": message_id,
        "timestamp": iso(received),
        "receivedAt": iso(received),
        "_source": {"name": source, "kind": "braze"},
    }


def reject(source: str | None, received: datetime) -> dict:
    return {
        "receivedAt": iso(received),
        "code": "invalid_message",
        "reason": "event is required for track",
        "path": "/v1/track",
        "_source": {"name": source, "kind": "braze"} if source else None,
        "raw": "{}",
        "rawEncoding": "utf-8",
    }


def materialize(instance):
    return dg.materialize(
        [collector_spool, raw_events_messages],
        selection=[raw_events_messages.key],
        resources={"warehouse": DuckDBResource(database=str(settings.paths().warehouse))},
        instance=instance,
    )


def test_materializing_loads_new_segments_and_reports_what_it_loaded(pipeline_home):
    spool = settings.paths().spool
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1"), message("m2"), message("m1")])
    write_segment(
        spool, "20261129T101500000000Z-bbbbbbbb", [reject("braze-prod", datetime.now(UTC))], "rejects"
    )

    with dg.DagsterInstance.ephemeral() as instance:
        first = materialize(instance)
        second = materialize(instance)

    assert first.success and second.success
    metadata = first.asset_materializations_for_node("raw_events__messages")[0].metadata
    assert metadata["rows_loaded"].value == 2
    assert metadata["duplicates_dropped"].value == 1
    assert metadata["rejects_loaded"].value == 1
    assert metadata["segments_loaded"].value == 1
    assert metadata["dagster/row_count"].value == 2
    columns = [column.name for column in metadata["dagster/column_schema"].value.columns]
    assert columns[:2] == ["message_id", "type"]
    assert columns[-2:] == ["_spool_segment", "_loaded_at"]
    # Nothing new: an observation, so nothing downstream is rebuilt for it; the checks still run.
    assert second.asset_materializations_for_node("raw_events__messages") == []
    rerun = second.asset_observations_for_node("raw_events__messages")[0].metadata
    assert (rerun["rows_loaded"].value, rerun["segments_loaded"].value, rerun["dagster/row_count"].value) == (
        0,
        0,
        2,
    )
    assert len(second.get_asset_check_evaluations()) == 3
    checks = {evaluation.check_name: evaluation.passed for evaluation in first.get_asset_check_evaluations()}
    assert checks["unique_message_ids"] is True
    assert set(checks) == {"rejects_ratio", "active_sources_fresh", "unique_message_ids"}


def test_a_corrupt_segment_fails_the_run_with_its_name(pipeline_home):
    folder = settings.paths().events_spool / "2026-11-29"
    folder.mkdir(parents=True)
    (folder / "20261129T101500000000Z-cccccccc.ndjson").write_text('{"messageId": "m1"}\n{"broken\n')
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            [raw_events_messages],
            resources={"warehouse": DuckDBResource(database=str(settings.paths().warehouse))},
            instance=instance,
            raise_on_error=False,
        )
    assert not result.success
    error = result.get_step_failure_events()[0].step_failure_data.error
    text = error.message + (error.cause.message if error.cause else "")
    assert "SpoolCorruptionError" in text
    assert "events/2026-11-29/20261129T101500000000Z-cccccccc.ndjson line 2: not valid JSON" in text


def test_freshness_warns_about_an_active_source_that_went_quiet(tmp_path, monkeypatch):
    now = datetime(2026, 11, 29, 12, 0)
    spool = tmp_path / "spool"
    write_segment(
        spool,
        "20261129T100000000000Z-aaaaaaaa",
        [
            message("m1", "braze-prod", datetime(2026, 11, 29, 11, 30, tzinfo=UTC)),
            message("m2", "customerio", datetime(2026, 11, 28, 20, 0, tzinfo=UTC)),
            message("m3", "retired-tool", datetime(2026, 11, 10, 9, 0, tzinfo=UTC)),
        ],
    )
    monkeypatch.setenv("INTERACTION_PIPELINE_SOURCE_QUIET_HOURS", "6")
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        load_spool(conn, spool)
        results = {result.check_name: result for result in evaluate_checks(conn, now)}

    fresh = results["active_sources_fresh"]
    assert fresh.passed is False
    assert fresh.severity == dg.AssetCheckSeverity.WARN
    assert fresh.metadata["silent_sources"].value == "customerio"


def test_rejects_ratio_warns_per_source_above_the_threshold(tmp_path):
    now = datetime(2026, 11, 29, 12, 0)
    recent = datetime(2026, 11, 29, 11, 0, tzinfo=UTC)
    spool = tmp_path / "spool"
    write_segment(
        spool, "20261129T100000000000Z-aaaaaaaa", [message(f"m{i}", "iterable", recent) for i in range(9)]
    )
    write_segment(
        spool,
        "20261129T100000000000Z-bbbbbbbb",
        [reject("iterable", recent), reject(None, recent)],
        "rejects",
    )
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        load_spool(conn, spool)
        results = {result.check_name: result for result in evaluate_checks(conn, now)}

    ratio = results["rejects_ratio"]
    assert ratio.passed is False
    assert ratio.metadata["sources_above_threshold"].value == "iterable"
    assert ratio.metadata["rejects_without_source"].value == 1
    assert results["active_sources_fresh"].passed is True


def test_unique_ids_check_fails_when_a_message_id_repeats(tmp_path):
    spool = tmp_path / "spool"
    write_segment(spool, "20261129T100000000000Z-aaaaaaaa", [message("m1")])
    with duckdb.connect(str(tmp_path / "w.duckdb")) as conn:
        load_spool(conn, spool)
        conn.execute("insert into raw_events.messages select * from raw_events.messages")
        result = {r.check_name: r for r in evaluate_checks(conn, datetime(2026, 11, 29, 12))}[
            "unique_message_ids"
        ]
    assert result.passed is False
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["duplicate_rows"].value == 1


def test_sensor_requests_one_run_per_batch_of_new_segments_and_skips_when_idle(pipeline_home):
    spool = settings.paths().spool
    write_segment(spool, "20261129T101500000000Z-aaaaaaaa", [message("m1")])
    write_segment(spool, "20261129T101600000000Z-bbbbbbbb", [message("m2")], suffix=".ndjson.open")

    first = spool_sensor(dg.build_sensor_context())
    assert [request.tags["interaction_pipeline/spool_segments"] for request in first.run_requests] == ["1"]

    idle = spool_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert isinstance(idle, dg.SkipReason)
    assert "no new closed segments" in idle.skip_message

    (spool / "events" / "2026-11-29" / "20261129T101600000000Z-bbbbbbbb.ndjson.open").rename(
        spool / "events" / "2026-11-29" / "20261129T101600000000Z-bbbbbbbb.ndjson"
    )
    write_segment(spool, "20261129T101600000000Z-bbbbbbbb", [reject(None, datetime.now(UTC))], "rejects")
    second = spool_sensor(dg.build_sensor_context(cursor=first.cursor))
    assert second.run_requests[0].tags["interaction_pipeline/spool_segments"] == "2"
    assert second.run_requests[0].run_key != first.run_requests[0].run_key
    assert spool_sensor(dg.build_sensor_context(cursor=first.cursor)).run_requests[0].run_key == (
        second.run_requests[0].run_key
    )


def test_sensor_notices_a_segment_that_closed_late_with_an_older_id(pipeline_home):
    spool = settings.paths().spool
    write_segment(spool, "20261129T110000000000Z-aaaaaaaa", [message("m1")])
    first = spool_sensor(dg.build_sensor_context())
    write_segment(spool, "20261129T104500000000Z-bbbbbbbb", [message("m2")])

    late = spool_sensor(dg.build_sensor_context(cursor=first.cursor))

    assert late.run_requests[0].tags["interaction_pipeline/spool_segments"] == "1"


def test_sensor_and_schedule_target_the_loading_job():
    assert spool_sensor.job_name == load_events_job.name
    assert spool_sensor.minimum_interval_seconds == 30
    assert hourly_spool_load.job_name == load_events_job.name
    assert hourly_spool_load.cron_schedule == "0 * * * *"
