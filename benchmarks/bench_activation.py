"""Audience activation: diff and sync a 1,000,000-member audience to the Meta stand-in (20,000 with --quick).

Figures, all from one run against a loopback sandbox:
- first sync (everyone is new): seconds and requests (10,000 rows per request);
- a run with no change: seconds and requests (target: at most 2 s, zero requests);
- the diff alone after a 1% change (0.5% leave, 0.5% join): seconds (target: at most 5 s for 1M);
- the sync of that 1% change: seconds and requests.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import duckdb

from interaction_pipeline.destinations import diff
from interaction_pipeline.destinations.engine import sync_target
from interaction_pipeline.destinations.meta import MetaDestination
from interaction_pipeline.destinations.spec import AudienceSpec, SyncTarget
from interaction_pipeline.sandbox.server import run_sandbox

NAME = "activation"


def _members_sql(start: int, stop: int) -> str:
    # Valid US numbers: exchanges 200-999 in area code 415, written in the national format.
    return f"""
        select 'p' || i as profile_id, 'Person.' || i || '@Example.com' as email,
               '(415) ' || (200 + (i // 10000) % 800) || '-' || lpad((i % 10000)::varchar, 4, '0') as phone
        from range({start}, {stop}) t(i)
    """


def _target() -> SyncTarget:
    spec = AudienceSpec(
        name="bench",
        model="aud_bench",
        relation='"audiences"."aud_bench"',
        purpose="marketing",
        identifiers=["email", "phone"],
        destinations={"meta": {}},
    )
    return SyncTarget(audience=spec, destination="meta", options={})


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def run(quick: bool) -> list[dict]:
    size = 20_000 if quick else 1_000_000
    label = f"{size:,} members"
    target = _target()
    with tempfile.TemporaryDirectory() as folder, run_sandbox() as sandbox:
        url = sandbox.url
        conn = duckdb.connect(str(Path(folder) / "warehouse.duckdb"))
        conn.execute("create schema audiences")
        conn.execute(f"create table audiences.aud_bench as {_members_sql(0, size)}")

        def meta() -> MetaDestination:
            return MetaDestination(f"{url}/meta", "bench", "act_1")

        first, first_s = _timed(lambda: sync_target(conn, target, meta()))
        unchanged, unchanged_s = _timed(lambda: sync_target(conn, target, meta()))
        churn = size // 200
        conn.execute(
            f"delete from audiences.aud_bench where profile_id in (select 'p' || i from range({churn}) t(i))"
        )
        conn.execute(f"insert into audiences.aud_bench {_members_sql(size, size + churn)}")

        def stage_diff() -> None:
            diff.stage_audience(conn, target.audience, diff.target_salt(target))
            diff.stage_diff(conn, target)

        _, diff_s = _timed(stage_diff)
        changed, changed_s = _timed(lambda: sync_target(conn, target, meta()))
        conn.close()
    assert first.failed == 0 and changed.failed == 0 and (changed.added, changed.removed) == (churn, churn)
    return [
        {"benchmark": NAME, "figure": f"first sync, {label}", "value": first_s, "unit": "s"},
        {"benchmark": NAME, "figure": "first sync requests", "value": first.requests, "unit": "requests"},
        {"benchmark": NAME, "figure": "no-change run", "value": unchanged_s, "unit": "s", "target": "<= 2 s"},
        {
            "benchmark": NAME,
            "figure": "no-change requests",
            "value": unchanged.requests,
            "unit": "requests",
            "target": "0",
        },
        {
            "benchmark": NAME,
            "figure": f"diff after 1% change, {label}",
            "value": diff_s,
            "unit": "s",
            "target": "<= 5 s at 1M",
        },
        {"benchmark": NAME, "figure": "1% change sync", "value": changed_s, "unit": "s"},
        {"benchmark": NAME, "figure": "1% change requests", "value": changed.requests, "unit": "requests"},
    ]
