"""Failures a user can fix, said in one line in a Dagster run: a vendor's credentials set in part, a setting
with a wrong value, the warehouse held by another process.

Left alone, such an exception reaches the UI wrapped in Dagster's step error with both tracebacks. Raised as
a `dg.Failure` instead, the run's error is the message itself: what is wrong and what to change.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

import dagster as dg

from interaction_pipeline import settings
from interaction_pipeline.warehouse.access import busy_message, is_lock_conflict


@contextlib.contextmanager
def explained_failures() -> Iterator[None]:
    try:
        yield
    except settings.FixableError as error:
        # Retrying cannot fix a setting.
        raise dg.Failure(description=str(error), allow_retries=False) from None
    except Exception as error:
        if not is_lock_conflict(error):
            raise
        raise dg.Failure(description=busy_message(settings.paths().warehouse, error)) from None


def first_line(error) -> str:
    """The line of a run's error (a `SerializableErrorInfo`) that says what happened: the cause under
    Dagster's own wrapping, without the exception's class name."""
    while error is not None and error.cause is not None and "dagster" in error.message.lower():
        error = error.cause
    if error is None or not error.message.strip():
        return "failed"
    line = error.message.strip().splitlines()[0]
    return re.sub(rf"^[\w.]*\b{re.escape(error.cls_name)}: ", "", line)[:300]
