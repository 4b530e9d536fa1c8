"""Group commit: many requests' lines share one write and one fsync.

Handlers hand their encoded lines to :meth:`GroupCommitter.submit` and await the returned future; a single
writer task takes everything queued so far, writes and fsyncs it in a worker thread (one thread hop per
commit, not per request), then resolves every waiting future at once. While one commit is on disk the next
one accumulates, so the more load, the larger each commit.

Memory is bounded: :class:`Overloaded` is raised when the bytes waiting for disk exceed the limit, and the
handler answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from interaction_pipeline.collector.spool import SpoolStream

logger = logging.getLogger("interaction_pipeline.collector.committer")


class Overloaded(Exception):
    """The spool cannot keep up; the client should retry later."""


class GroupCommitter:
    def __init__(self, events: SpoolStream, rejects: SpoolStream, max_pending_bytes: int) -> None:
        self.events = events
        self.rejects = rejects
        self.max_pending_bytes = max_pending_bytes
        self.pending_bytes = 0
        self.commits = 0
        self._queue: list[tuple[bytes, bytes, asyncio.Future]] = []
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Commit what is queued, then close both open segments so everything accepted is loadable."""
        self._stopping = True
        self._wakeup.set()
        if self._task:
            await self._task
        await asyncio.to_thread(self._close_streams)

    def submit(self, events: bytes, rejects: bytes = b"") -> asyncio.Future:
        size = len(events) + len(rejects)
        if self._stopping or self.pending_bytes + size > self.max_pending_bytes:
            raise Overloaded()
        future = asyncio.get_running_loop().create_future()
        self._queue.append((events, rejects, future))
        self.pending_bytes += size
        self._wakeup.set()
        return future

    async def _run(self) -> None:
        rotation_interval = max(0.05, min(1.0, self.events.max_age_seconds / 4))
        while True:
            if not self._queue:
                if self._stopping:
                    return
                self._wakeup.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wakeup.wait(), rotation_interval)
                if not self._queue:
                    if self.events.is_due() or self.rejects.is_due():
                        await self._rotate_quietly()
                    continue
            batch, self._queue = self._queue, []
            events = b"".join(item[0] for item in batch)
            rejects = b"".join(item[1] for item in batch)
            try:
                await asyncio.to_thread(self._commit, events, rejects)
                error = None
            except OSError as failure:
                logger.error("spool write failed (%s); answering 503 until it recovers", failure)
                error = failure
            self.pending_bytes -= len(events) + len(rejects)
            self.commits += 1
            for _, _, future in batch:
                if future.done():
                    continue
                if error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)

    def _commit(self, events: bytes, rejects: bytes) -> None:
        self.events.append(events)
        self.rejects.append(rejects)
        self.events.sync()
        self.rejects.sync()
        self.events.rotate_if_due()
        self.rejects.rotate_if_due()

    async def _rotate_quietly(self) -> None:
        try:
            await asyncio.to_thread(self._rotate_streams)
        except OSError:
            logger.exception("closing an aged segment failed")

    def _rotate_streams(self) -> None:
        self.events.rotate_if_due()
        self.rejects.rotate_if_due()

    def _close_streams(self) -> None:
        self.events.close()
        self.rejects.close()
