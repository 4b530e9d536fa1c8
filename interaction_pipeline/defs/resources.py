"""Resources shared by every stage. Paths come from `interaction_pipeline.settings`."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from interaction_pipeline import partners, settings
from interaction_pipeline.warehouse.postgres import PostgresConnection

# DuckDB allows one writing process per file: every asset that writes the warehouse declares this pool, and
# the instance config (interaction_pipeline/dagster.yaml) gives pools a single slot. A Postgres warehouse
# would take concurrent writers, but the slot still keeps loads, syncs and dbt builds from interleaving, so
# a build always sees whole loads; the pool stays the same on both engines.
WAREHOUSE_POOL = "duckdb_warehouse"
# The pool keeps Dagster's own runs apart; the file lock can still be held from outside it, by a dbt process
# that outlived its killed run (it finishes its build) or a DuckDB shell. Runs wait that long for it.
LOCK_WAIT_SECONDS = 900


class WarehouseResource(DuckDBResource):
    """The warehouse: the DuckDB file at ``database``, or the Postgres database at ``url`` when one is set.

    ``get_connection()`` yields either engine's connection; both take the same calls
    (`interaction_pipeline.warehouse.engine`). A DuckDB connection waits for another process's lock on the
    file instead of failing."""

    url: str | None = None
    lock_wait_seconds: float = LOCK_WAIT_SECONDS

    @contextmanager
    def get_connection(self) -> Iterator:
        if self.url:
            with PostgresConnection(self.url) as conn:
                yield conn
            return
        conn = connect_when_free(self.database, self.connection_config, self.lock_wait_seconds)
        try:
            yield conn
        finally:
            conn.close()


def connect_when_free(database: str, config: dict, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline, logged = time.monotonic() + wait_seconds, False
    while True:
        try:
            return duckdb.connect(database, config={"custom_user_agent": "dagster", **config})
        except duckdb.IOException as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            if not logged:
                # DuckDB's message names the process holding the lock.
                dg.get_dagster_logger().warning(f"waiting for the warehouse: {error}")
                logged = True
            time.sleep(1.0)


def warehouse_resource() -> WarehouseResource:
    # The URL may hold a password: passed as the variable, so the UI shows its name and never its value.
    url = dg.EnvVar(settings.WAREHOUSE_URL_VARIABLE) if settings.warehouse_url() else None
    return WarehouseResource(database=str(settings.paths().warehouse), url=url)


class PartnerResource(dg.ConfigurableResource):
    """A vendor's environment variables as fields, named in lower case and passed as `dg.EnvVar` (the UI
    shows the variable, never its value). `interaction_pipeline.partners` turns them into the live API or
    the sandbox when a run uses the resource."""

    interaction_pipeline_sandbox_url: str | None = None

    @classmethod
    def from_environment(cls) -> Self:
        """Every field whose variable is set, as that variable."""
        names = [name.upper() for name in cls.model_fields]
        return cls(**{name.lower(): dg.EnvVar(name) for name in names if settings.env(name)})

    def env(self, name: str) -> str | None:
        return getattr(self, name.lower(), None) or None

    def endpoint(self) -> partners.Endpoint:
        raise NotImplementedError

    @property
    def uses_sandbox(self) -> bool:
        return self.endpoint().uses_sandbox


@dg.definitions
def resources() -> dg.Definitions:
    # Every warehouse step holds the one pool slot, so steps never run side by side anyway; in one process per
    # run they cost one process start instead of one each, and killing that process ends the whole run.
    return dg.Definitions(resources={"warehouse": warehouse_resource()}, executor=dg.in_process_executor)
