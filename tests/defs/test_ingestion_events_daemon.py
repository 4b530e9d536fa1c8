"""With the real Dagster daemon, a closed spool segment is loaded through the sensor, with no one clicking.

The daemon loads only this module's definitions (the event loading pieces), so other stages' sensors do not
run alongside it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from interaction_pipeline import settings
from interaction_pipeline.defs.ingestion.events_assets import (
    collector_spool,
    load_events_job,
    raw_events_messages,
)
from interaction_pipeline.defs.ingestion.events_sensors import spool_sensor
from interaction_pipeline.defs.resources import warehouse_resource

defs = dg.Definitions(
    assets=[collector_spool, raw_events_messages],
    jobs=[load_events_job],
    sensors=[spool_sensor],
    resources={"warehouse": warehouse_resource()},
)


@pytest.mark.slow
def test_the_daemon_runs_the_sensor_and_the_segment_lands_in_the_warehouse(pipeline_home, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(settings.ensure_dagster_home()))
    folder = settings.paths().events_spool / "2026-11-29"
    folder.mkdir(parents=True)
    line = {
        "type": "track",
        "event": "Email Clicked",
        "userId": "user-1",
        "messageId": "via-daemon",
        "receivedAt": "2026-11-29T10:00:00.000Z",
        "_source": {"name": "braze-prod", "kind": "braze"},
    }
    (folder / "20261129T100000000000Z-aaaaaaaa.ndjson").write_text(json.dumps(line) + "\n")

    # Create the instance's storage here first: the daemon's processes would otherwise race to create it.
    with dg.DagsterInstance.get() as instance:
        assert instance.get_runs() == []
        daemon = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-f", __file__],
            cwd=settings.PROJECT_ROOT,
            env=settings.child_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + 180
            runs = []
            while time.monotonic() < deadline and daemon.poll() is None:
                runs = instance.get_runs(filters=dg.RunsFilter(job_name=load_events_job.name))
                if runs and runs[0].is_finished:
                    break
                time.sleep(1)
        finally:
            daemon.terminate()
            output = daemon.communicate(timeout=60)[0]

    assert runs, f"no run was launched:\n{output[-3000:]}"
    (run,) = runs
    assert run.status == dg.DagsterRunStatus.SUCCESS, output[-3000:]
    assert run.tags["dagster/sensor_name"] == "spool_sensor"
    assert run.tags["dagster/run_key"].startswith("spool-20261129T100000000000Z-aaaaaaaa-1-")
    with duckdb.connect(str(settings.paths().warehouse), read_only=True) as conn:
        assert conn.execute("select message_id from raw_events.messages").fetchall() == [("via-daemon",)]
