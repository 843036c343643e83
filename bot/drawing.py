"""Charts are drawn in a separate process, so neither the event loop nor the GIL waits for them.

matplotlib holds the GIL for most of a render (~0.2 s for /stats, more on a busy machine): in a
worker thread it kept the event loop from running for 56–104 ms at a time (issue 17). One
worker process, started the first time a chart is wanted and reused after, draws one chart at a
time; the chart functions (``bot.services.charts``) take plain data and return PNG bytes, so
all that crosses the process boundary is a pickled dataclass one way and the bytes the other.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

# Imported once in the fork server, so a new worker (one per Application) starts warm. With
# "__main__" the server imports the program's main script once (as multiprocessing would in
# every worker otherwise: for `rebound run`, the whole bot).
PRELOAD = [
    "__main__",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "bot.services.charts",
]
# The worker's niceness: a chart uses what the bot's own process leaves of the CPU. At the
# same priority, on 2 busy cores, its ~0.2 s of drawing kept the event loop's thread waiting
# for a core: the loop stalled 54-151 ms while it did 3 ms of work; at 10, 2-35 ms (issue 17).
NICENESS = 10


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one (Linux, macOS): workers are forked from a clean process
    that never ran the bot's threads, with matplotlib already imported; spawn elsewhere."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _lower_priority() -> None:
    """Runs in the worker as it starts."""
    if hasattr(os, "nice"):  # not on Windows
        os.nice(NICENESS)


class Drawing:
    """The Application's one chart-drawing process; :meth:`close` at shutdown."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def _new_pool(self) -> ProcessPoolExecutor:
        context = _context()
        return ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_lower_priority)

    def _submit(
        self, render: Callable[[], bytes], broken: ProcessPoolExecutor | None = None
    ) -> tuple[ProcessPoolExecutor, Future[bytes]]:
        """Runs in a thread: the first submit starts the worker, and a fork server's start
        waits for its imports (seconds), which the event loop must not. A pool whose worker
        died (``broken``, or found so here) is replaced."""
        with self._lock:
            if self._pool is not None and self._pool is broken:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None
            if self._pool is None:
                self._pool = self._new_pool()
            try:
                return self._pool, self._pool.submit(render)
            except BrokenProcessPool:  # its worker died between two charts
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                return self._pool, self._pool.submit(render)

    async def draw(self, render: Callable[[], bytes]) -> bytes:
        """``render()`` in the drawing process: a ``functools.partial`` of a module-level
        function with picklable arguments. A worker that dies drawing it (killed, out of
        memory) is replaced and the chart tried once more."""
        pool, future = await asyncio.to_thread(self._submit, render)
        try:
            return await asyncio.wrap_future(future)
        except BrokenProcessPool:
            _pool, future = await asyncio.to_thread(self._submit, render, pool)
            return await asyncio.wrap_future(future)

    async def close(self) -> None:
        """Stop the worker (waiting for a chart being drawn, in a thread, not on the loop)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
