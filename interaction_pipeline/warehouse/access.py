"""Opening the warehouse file from a command: when another process holds it, one line says so and what to do.

DuckDB lets one process open a database file for writing, and while it does no other process may open it at
all. The lock error names the holder's program and process id, which the message passes on.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from interaction_pipeline.settings import FixableError


class WarehouseBusy(FixableError):
    """Another process holds the warehouse file."""


def is_lock_conflict(error: BaseException) -> bool:
    return isinstance(error, duckdb.IOException) and "Could not set lock on file" in str(error)


def busy_message(path: Path | str, error: BaseException) -> str:
    holder = re.search(r"held in (\S+) \(PID (\d+)\)", str(error))
    who = f" (process {holder.group(2)}, {Path(holder.group(1)).name})" if holder else ""
    return (
        f"the warehouse {path} is in use by another process{who}: DuckDB lets one process use it at a "
        "time; wait for that run or command to finish (a Dagster run of `make dev`, a sync, a demo) and "
        "try again"
    )


def open_warehouse(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse at ``path``; `WarehouseBusy` when another process holds it."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if is_lock_conflict(error):
            raise WarehouseBusy(busy_message(path, error)) from None
        raise
