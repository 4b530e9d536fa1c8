"""The dbt project on Apache Spark (pyspark, dbt-spark's `session` method) against DuckDB, at scale.

A generated warehouse (bench_dbt's generator: 400,000 events and 20,000 profiles, tens of thousands of
identifiers to stitch; `--quick`: 100,000 and 5,000) is built on DuckDB, and from the same raw tables on Spark
with `--full-refresh` (plain parquet tables: Delta or Iceberg jars cannot be fetched here). The audiences and
funnels Spark built are read back and compared with DuckDB's row for row.
Figures: Spark's full build, its identity stitching model (each propagation pass computed once), the
identifiers stitched, and the rows that differ from DuckDB (target 0). Needs the `spark` extra
(`pip install -e '.[spark]'`) and Java 17; without them the benchmark says so and reports nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.bench_dbt import PROJECT_ROOT, generate

AS_OF = "2026-11-01"


def measure(events: int, profiles: int) -> list[dict]:
    sys.path.insert(0, str(PROJECT_ROOT / "tests"))
    sys.path.insert(0, str(PROJECT_ROOT / "tests" / "engines"))
    from engine_helpers import differences, run_dbt, snapshot
    from spark_helpers import build, export_tables, load_raw_tables, model_seconds

    with tempfile.TemporaryDirectory(prefix="bench_spark_") as folder:
        root = Path(folder)
        warehouse = root / "warehouse.duckdb"
        generate(warehouse, events, profiles, now=f"{AS_OF} 00:00:00")
        started = time.perf_counter()
        run_dbt(
            ["build", "--exclude-resource-type", "unit_test"], target=root / "duckdb",
            env={"INTERACTION_PIPELINE_WAREHOUSE_URL": ""}, warehouse_path=str(warehouse), as_of=AS_OF,
        )  # fmt: skip
        duckdb_seconds = time.perf_counter() - started
        with duckdb.connect(str(warehouse), read_only=True) as duck:
            expected = {
                table: rows
                for table, rows in snapshot(duck, schemas=("marts", "audiences")).items()
                if table.startswith("audiences.") or "funnel" in table
            }
            identifiers = duck.execute(
                "select count(*) from intermediate.int_identifiers_stitched"
            ).fetchone()[0]
        load_raw_tables(warehouse, root / "spark")
        spark_seconds = build(root / "spark", root / "spark_target", as_of=AS_OF)
        stitching = model_seconds(root / "spark_target", "int_identifiers_stitched")
        with export_tables(root / "spark", sorted(expected), root / "built") as spark:
            differing = differences(expected, snapshot(spark, schemas=("marts", "audiences")))
    for line in differing:
        print(line)
    label = f"{events:,} events, {profiles:,} profiles"
    return [
        {"benchmark": "spark", "figure": f"full build on Spark ({label}; baseline DuckDB)",
         "value": spark_seconds, "unit": "s", "baseline": duckdb_seconds},
        {"benchmark": "spark", "figure": f"identity stitching on Spark ({identifiers:,} identifiers)",
         "value": stitching, "unit": "s", "target": "seconds, not minutes"},
        {"benchmark": "spark", "figure": "audience and funnel tables that differ from DuckDB",
         "value": len(differing), "unit": "tables", "target": "0"},
    ]  # fmt: skip


def run(quick: bool) -> list[dict]:
    sys.path.insert(0, str(PROJECT_ROOT / "tests" / "engines"))
    from spark_helpers import spark_missing

    if missing := spark_missing():
        print(f"bench_spark skipped: {missing}")
        return []
    return measure(*((100_000, 5_000) if quick else (400_000, 20_000)))
