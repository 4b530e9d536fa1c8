"""Group commit: many requests' lines share one write and one fsync.

Handlers hand their encoded lines to :meth:`GroupCommitter.submit` and await the returned future. One writer
thread takes everything queued so far, writes and fsyncs it, and hands the whole group back to the event
loop in one call, which resolves every waiting future at once. While one group is on disk the next one
accumulates, so the more load, the larger each group (one thread hop per group, not per request).

Memory is bounded: :class:`Overloaded` is raised when the bytes waiting for disk exceed the limit, and the
handler answers 503 with ``Retry-After``.

A 503 means nothing of the request was written. Events are written and fsynced first; a failure cuts their
segment back to what was durable and fails the whole group. Reject records follow only once the events are
durable, and a failure there fails nobody: the events are stored, the records are counted as lost and logged.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading

from interaction_pipeline.collector.spool import SpoolStream

logger = logging.getLogger("interaction_pipeline.collector.committer")
_STOP = object()


class Overloaded(Exception):
    """The spool cannot keep up; the client should retry later."""


class GroupCommitter:
    def __init__(self, events: SpoolStream, rejects: SpoolStream, max_pending_bytes: int) -> None:
        self.events = events
        self.rejects = rejects
        self.max_pending_bytes = max_pending_bytes
        self.pending_bytes = 0
        self.commits = 0
        self.rejects_lost = 0
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._run, name="spool-writer", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Commit what is queued, then close both open segments so everything accepted is loadable."""
        self._stopping = True
        if self._thread is not None:
            self._queue.put(_STOP)
            await asyncio.to_thread(self._thread.join)

    def submit(self, events: bytes, rejects: bytes = b"") -> asyncio.Future:
        size = len(events) + len(rejects)
        if self._stopping or self.pending_bytes + size > self.max_pending_bytes:
            raise Overloaded()
        future = self._loop.create_future()
        self.pending_bytes += size
        self._queue.put((events, rejects, future))
        return future

    def _run(self) -> None:
        rotation_interval = max(0.05, min(1.0, self.events.max_age_seconds / 4))
        stopping = False
        while not stopping:
            try:
                group = [self._queue.get(timeout=rotation_interval)]
            except queue.Empty:
                self._rotate_quietly()
                continue
            while True:
                try:
                    group.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if group[-1] is _STOP or _STOP in group:
                stopping = True
                group = [item for item in group if item is not _STOP]
            if group:
                try:
                    self._commit_group(group)
                except Exception:  # never let the writer die: handlers would wait forever
                    logger.exception("unexpected error in the spool writer")
        for stream in (self.events, self.rejects):
            try:
                stream.close()
            except OSError:
                logger.exception("closing %s at shutdown failed; it is recovered at the next start", stream)

    def _commit_group(self, group: list) -> None:
        events = b"".join(item[0] for item in group)
        rejects = b"".join(item[1] for item in group)
        error = _write(self.events, events)
        if error is not None:
            logger.error("spool write failed (%s); answering 503 until it recovers", error)
        elif rejects and (rejects_error := _write(self.rejects, rejects)) is not None:
            lost = rejects.count(b"\n")
            logger.error("rejects spool write failed (%s); %d reject records lost", rejects_error, lost)
            self.rejects_lost += lost
        self._loop.call_soon_threadsafe(self._resolve, group, len(events) + len(rejects), error)
        # Rotation comes after the answer: the group is durable already, and closing a segment (fsync,
        # rename) should neither delay nor fail it.
        self._rotate_quietly()

    def _resolve(self, group: list, size: int, error: OSError | None) -> None:
        self.pending_bytes -= size
        self.commits += 1
        for _, _, future in group:
            if future.done():
                continue
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

    def _rotate_quietly(self) -> None:
        try:
            self.events.rotate_if_due()
            self.rejects.rotate_if_due()
        except OSError:
            logger.exception("closing an aged segment failed")


def _write(stream: SpoolStream, data: bytes) -> OSError | None:
    """Append and fsync; on failure the stream has cut its segment back to what was durable."""
    try:
        stream.append(data)
        stream.sync()
    except OSError as failure:
        return failure
    except Exception as failure:
        logger.exception("unexpected spool writer error")
        return OSError(f"spool writer error: {failure}")
    return None
