"""The dbt project on Apache Spark (dbt-spark's `session` method, a full refresh on plain parquet tables)
builds the same audiences and funnels as on DuckDB from the same raw data. Runs where the `spark` extra and
Java are installed; `make bench` runs the same comparison at scale (benchmarks/bench_spark.py)."""

from __future__ import annotations

import duckdb
import pytest
from engine_helpers import differences, run_dbt, snapshot
from fixtures.warehouse_fixture import AS_OF, create_warehouse
from spark_helpers import build, export_tables, load_raw_tables, spark_missing

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing())),
]


def test_spark_builds_the_same_audiences_and_funnels_as_duckdb(tmp_path):
    warehouse = create_warehouse(tmp_path / "warehouse.duckdb")
    variables = {"warehouse_path": str(warehouse), "as_of": AS_OF.isoformat()}
    run_dbt(
        ["build"], target=tmp_path / "duckdb", env={"INTERACTION_PIPELINE_WAREHOUSE_URL": ""}, **variables
    )
    with duckdb.connect(str(warehouse), read_only=True) as duck:
        expected = {
            table: rows
            for table, rows in snapshot(duck, schemas=("marts", "audiences")).items()
            if table.startswith("audiences.") or "funnel" in table
        }
    load_raw_tables(warehouse, tmp_path / "spark")
    build(tmp_path / "spark", tmp_path / "spark_target", as_of=AS_OF.isoformat())
    with export_tables(tmp_path / "spark", sorted(expected), tmp_path / "built") as spark:
        assert not differences(expected, snapshot(spark, schemas=("marts", "audiences")))
    assert any(expected[table] for table in expected if table.startswith("audiences."))
