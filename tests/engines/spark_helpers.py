"""The dbt project on Apache Spark in this machine's own process (pyspark, dbt-spark's `session` method).

Raw tables go from a DuckDB warehouse to parquet files, and a short pyspark program saves them as Spark tables
in a metastore under one folder; dbt then builds with `--target spark --full-refresh` into the same metastore
(plain parquet tables: Delta or Iceberg jars cannot be fetched here, so every model is built in full), and a
last pyspark program writes the built tables back out as parquet, for DuckDB to compare. Each step is its own
process, as Spark's embedded metastore takes one JVM at a time. Needs the `spark` extra and Java 17.
Used by tests/engines/test_engines_spark.py and benchmarks/bench_spark.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DBT_PROJECT = PROJECT_ROOT / "dbt_project"
DBT = str(Path(sys.executable).parent / "dbt")
RAW_SCHEMAS = ("raw_events", "raw_stripe", "raw_zendesk", "raw_salesforce")

# The same settings as the `spark` output of dbt_project/profiles.yml, for the programs that load and read.
SESSION = """
import sys
from pyspark.sql import SparkSession
folder = sys.argv[1]
metastore = f"jdbc:derby:;databaseName={folder}/metastore_db;create=true"
spark = (
    SparkSession.builder.enableHiveSupport().master("local[2]")
    .config("spark.sql.warehouse.dir", folder + "/warehouse")
    .config("spark.hadoop.javax.jdo.option.ConnectionURL", metastore)
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.shuffle.partitions", "4")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.extraJavaOptions", f"-Dderby.stream.error.file={folder}/derby.log")
    .getOrCreate()
)
"""
LOAD = (
    SESSION
    + """
import json
for schema, table, path in json.loads(sys.argv[2]):
    spark.sql(f"create schema if not exists {schema}")
    spark.read.parquet(path).write.mode("overwrite").saveAsTable(f"{schema}.{table}")
"""
)
EXPORT = (
    SESSION
    + """
import json
for table, path in json.loads(sys.argv[2]):
    spark.table(table).write.mode("overwrite").parquet(path)
"""
)


def spark_missing() -> str | None:
    """Why Spark cannot run here, or None."""
    if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None:
        return "the spark extra is not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return "no Java runtime (apt-get install openjdk-17-jre-headless)"
    return None


def _pyspark(program: str, folder: Path, argument: object) -> None:
    done = subprocess.run(
        [sys.executable, "-c", program, str(folder), json.dumps(argument)],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-4000:]


def load_raw_tables(warehouse: Path, folder: Path) -> None:
    """Every raw table of the DuckDB ``warehouse`` as a Spark table in the metastore under ``folder``."""
    exports = folder / "raw"
    exports.mkdir(parents=True, exist_ok=True)
    tables = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for schema, table in con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {RAW_SCHEMAS} and table_type = 'BASE TABLE'"
        ).fetchall():
            path = exports / f"{schema}.{table}.parquet"
            con.execute(f"copy {schema}.{table} to '{path}' (format parquet)")
            tables.append((schema, table, str(path)))
    _pyspark(LOAD, folder, tables)


def build(folder: Path, target: Path, **variables) -> float:
    """`dbt build --target spark --full-refresh` (models and seeds; data and unit tests run on DuckDB and
    Postgres); returns its seconds."""
    variables = {"spark_file_format": "parquet", **variables}
    environment = {"INTERACTION_PIPELINE_SPARK_DIR": str(folder), "DBT_LOG_PATH": str(target / "logs")}
    started = time.perf_counter()
    done = subprocess.run(
        [DBT, "build", "--target", "spark", "--full-refresh",
         "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test",
         "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT), "--target-path", str(target),
         "--vars", json.dumps(variables)],
        capture_output=True, text=True, timeout=3600, env={**_environment(), **environment},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-6000:]
    return time.perf_counter() - started


def _environment() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "INTERACTION_PIPELINE_WAREHOUSE_URL"}


def model_seconds(target: Path, model: str) -> float:
    """How long one model took in the last dbt run that wrote ``target``."""
    results = json.loads((target / "run_results.json").read_text())["results"]
    return next(r["execution_time"] for r in results if r["unique_id"].endswith(f".{model}"))


def export_tables(folder: Path, tables: list[str], into: Path) -> duckdb.DuckDBPyConnection:
    """The built Spark ``tables`` (schema.name) as tables of an in-memory DuckDB, to compare."""
    paths = [(table, str(into / table)) for table in tables]
    _pyspark(EXPORT, folder, paths)
    con = duckdb.connect()
    for table, path in paths:
        con.execute(f"create schema if not exists {table.split('.')[0]}")
        con.execute(f"create table {table} as select * from read_parquet('{path}/*.parquet')")
    return con
