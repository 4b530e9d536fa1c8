"""Closing segments a crashed collector left ``.open``.

Everything acknowledged was fsynced as whole lines, so only an unacknowledged tail can be torn: a last
line without its newline, or one that does not parse. Recovery cuts it off, closes the segment and logs
how many bytes were cut, never what they said: a torn line is an event like any other, with its emails and
phone numbers.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path

import orjson

from interaction_pipeline.collector.spool import OPEN_SUFFIX, fsync_directory

logger = logging.getLogger("interaction_pipeline.collector.recovery")


def intact_length(data: bytes) -> int:
    """Length of the longest prefix made of complete, parseable lines."""
    end = data.rfind(b"\n") + 1
    while end > 0:
        start = data.rfind(b"\n", 0, end - 1) + 1
        try:
            orjson.loads(data[start : end - 1])
            return end
        except orjson.JSONDecodeError:
            end = start
    return 0


def recover_segment(path: Path) -> tuple[int, int] | None:
    """Truncate and close one crashed segment; returns (bytes kept, bytes cut), or None if it is in use."""
    handle = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        data = path.read_bytes()
        kept = intact_length(data)
        if kept < len(data):
            os.ftruncate(handle, kept)
            logger.warning(
                "recovered %s: truncated a torn tail of %d bytes, never acknowledged",
                path.name,
                len(data) - kept,
            )
        os.fsync(handle)
    finally:
        os.close(handle)
    if kept == 0:
        path.unlink()
    else:
        path.rename(path.with_name(path.name.removesuffix(".open")))
    fsync_directory(path.parent)
    logger.warning("recovered %s: closed with %d bytes kept", path.name, kept)
    return kept, len(data) - kept


def recover_spool(directory: Path) -> list[Path]:
    """Recover every crashed segment under a spool directory; returns the paths handled."""
    recovered = []
    for path in sorted(directory.glob(f"*/*{OPEN_SUFFIX}")):
        if recover_segment(path) is not None:
            recovered.append(path)
    return recovered
