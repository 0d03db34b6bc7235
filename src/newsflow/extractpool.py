"""Extract many pages in worker processes, each page under a time limit.

`ExtractorPool` runs an extractor (by default `newsflow.extract.extract_article`, which only the
workers import: `extractworker.extract_article`) on worker processes and turns every failure into
an `Outcome` instead of an exception: a page over its time limit is interrupted (SIGALRM), and a
worker that ignores the alarm is killed and replaced.
An idle worker is also replaced, gracefully, once its resident size passes
`worker_memory_mib`, so that one huge page cannot leave a worker bloated for the rest of the
run. The limit is a safety valve, not a budget: on real pages a worker settles ~100 MiB above
its start (trafilatura's bounded caches, the allocator's fragments), and renewing workers that
often (every 100 pages, or past 128 MiB) cost 10-20% of extraction throughput on the real
corpora, because a fresh worker starts with cold caches.

Each busy worker is also sent its next page ahead, into a page pipe widened to hold it, so that
it starts that page as soon as it sends a result, instead of waiting for the parent to notice the
result and send a page: the parent shares the cores with fetching and loading, and on 2 cores
that wait was ~5% of the workers' time (docs/performance.md, perf7).
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import math
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import ModuleType
from typing import Any

from newsflow.extractworker import _READY, Extractor, _worker_main, extract_article
from newsflow.extractworker import PAGE_NOT_KEPT as PAGE_NOT_KEPT
from newsflow.extractworker import ExtractionResult as ExtractionResult
from newsflow.extractworker import PageToExtract as PageToExtract
from newsflow.extractworker import extract_with_deadline as extract_with_deadline
from newsflow.extractworker import quiet_lost_deadlines as quiet_lost_deadlines
from newsflow.machinelimits import MachineLimitError, killed_at_its_start
from newsflow.models import Outcome

logger = logging.getLogger(__name__)

BACKSTOP_GRACE_SECONDS = 2.0
"""How long past its timeout a worker may stay silent before it is killed and replaced."""
WORKER_NAME = "newsflow-extract"

WORKER_MEMORY_MIB = 512.0
"""Resident size past which an idle worker is replaced by a fresh one (see the module docstring)."""
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

WORKER_START_TIMEOUT_SECONDS = 60.0

PAGE_PIPE_BYTES = 1 << 20
"""Capacity asked for each worker's page pipe (Linux's default ceiling for a user's pipe): a page
sent ahead must fit in it whole, or sending it would wait until the worker finished its page."""
_PIPE_SLACK_BYTES = 4096  # the pickled page's key, URL, path and framing, beyond its HTML


@dataclass
class _Worker:
    process: BaseProcess
    pages: Connection  # parent -> worker: pages, None to stop
    results: Connection  # worker -> parent: "ready", then one result per page
    pipe_bytes: int = 0  # what the page pipe holds; 0: no page is sent ahead
    index: int | None = None  # position in the batch of the page it is working on
    ahead: int | None = None  # the page sent after it, waiting in the pipe
    deadline: float = 0.0
    sent_at: float = 0.0


class ExtractorPool:
    """Worker processes that extract pages, each page under a time limit.

    Workers start on the first `extract_many`, are reused by later calls, and stop on `close`
    (or leaving the `with` block). They come from a 'forkserver' that has imported this module
    once, so a worker, and the replacement of one killed for running over, starts in a few ms
    without inheriting the parent's threads. Thread-safe: concurrent calls take turns.
    """

    def __init__(
        self,
        workers: int,
        timeout: float,
        *,
        grace: float = BACKSTOP_GRACE_SECONDS,
        extractor: Extractor = extract_article,
        worker_memory_mib: float = WORKER_MEMORY_MIB,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers} (ExtractSettings.worker_count resolves 0)")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        self._size = workers
        self._timeout = timeout
        self._grace = grace
        self._extractor = extractor
        self._worker_memory_mib = worker_memory_mib
        self._workers: list[_Worker] = []
        self._closed = False
        _OPEN_POOLS.add(self)
        # The pipeline fetches one batch while another extracts, from two threads: one batch at a time here.
        self._lock = threading.Lock()

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def extract_many(self, pages: Sequence[PageToExtract]) -> list[ExtractionResult]:
        """One result per page, in the order of `pages`. Safe to call from several threads."""
        results = self.extract_until(pages, math.inf)
        return [result for result in results if result is not None]

    def extract_until(self, pages: Sequence[PageToExtract], until: float) -> list[ExtractionResult | None]:
        """`extract_many`, cut at `until` (time.monotonic()): None for each page not done by then.

        A run's extraction ends there: no page starts after it, and a page still being extracted is
        abandoned (its worker killed and replaced), so the caller can leave those pages pending.
        """
        with self._lock:
            return self._extract_many(pages, until)

    def _extract_many(self, pages: Sequence[PageToExtract], until: float) -> list[ExtractionResult | None]:
        if self._closed:
            raise RuntimeError("ExtractorPool is closed")
        self._start_workers()
        # Largest pages first: the batch ends with small pages filling the gaps, instead of one
        # worker finishing a big page while the other waits for the next batch.
        queue = deque(sorted(range(len(pages)), key=lambda index: -len(pages[index].html)))
        results: dict[int, ExtractionResult] = {}
        try:
            while queue or self._busy():
                if self._closed:
                    raise RuntimeError("ExtractorPool was closed during the batch")
                if time.monotonic() >= until:  # the next call starts workers in place of these
                    for worker in self._busy():
                        self._workers.remove(worker)
                        self._stop(worker, kill=True)
                    break
                self._dispatch(queue, pages)
                self._collect(pages, results, until, queue)
        except (ValueError, OSError) as exc:  # a process or pipe that close() shut under us
            if self._closed:
                raise RuntimeError("ExtractorPool was closed during the batch") from exc
            raise
        if self._closed:  # close() took the workers with pages sent ahead to them: the loop saw none busy
            raise RuntimeError("ExtractorPool was closed during the batch")
        return [results.get(index) for index in range(len(pages))]

    def close(self) -> None:
        """Stop every worker and wait for it; idempotent.

        A batch still running in another thread (a run being cancelled) then ends with
        RuntimeError, and starts no new worker.
        """
        self._closed = True
        _OPEN_POOLS.discard(self)
        workers, self._workers = self._workers, []
        for worker in workers:
            self._stop(worker, kill=worker.index is not None)

    def _busy(self) -> list[_Worker]:
        return [worker for worker in self._workers if worker.index is not None]

    def _start_workers(self) -> None:
        while len(self._workers) < self._size:
            self._workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        if _exiting:
            raise RuntimeError("the process is exiting: no new extraction worker")
        context = _process_context()
        pages_in, pages_out = context.Pipe(duplex=False)
        results_in, results_out = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker_main,
            args=(pages_in, results_out, self._timeout, self._extractor),
            name=WORKER_NAME,
            daemon=True,
        )
        with _parent_main_hidden(self._extractor):
            process.start()
        pages_in.close()
        results_out.close()
        worker = _Worker(process=process, pages=pages_out, results=results_in, pipe_bytes=_widen(pages_out))
        # A page's time limit must not include the worker's start-up (unpickling the extractor
        # may import modules), so a worker gets pages only once it says it is ready.
        if not _answered_ready(results_in):
            process.join(timeout=1.0)  # dead (its pipe closed), or slow: killed below
            killed = process.exitcode == -signal.SIGKILL  # died, not slow (Local 32): said as "within 60 s" before
            self._stop(worker, kill=True)
            if killed:
                raise MachineLimitError(killed_at_its_start("extraction worker"))
            raise RuntimeError(f"extraction worker did not start within {WORKER_START_TIMEOUT_SECONDS:g} s")
        return worker

    def _dispatch(self, queue: deque[int], pages: Sequence[PageToExtract]) -> None:
        """A page to every idle worker; then, while the queue has a page for every worker, the next
        page ahead to each busy worker that can take it (see the module docstring)."""
        for worker in list(self._workers):
            if queue and worker.index is None:
                self._send(worker, queue, pages)
        for worker in list(self._workers):
            if len(queue) >= len(self._workers) and self._takes_ahead(worker, pages[queue[0]]):
                self._send(worker, queue, pages)

    def _takes_ahead(self, worker: _Worker, page: PageToExtract) -> bool:
        """Whether a busy worker may be sent `page` ahead: the page fits in its pipe whole, and the
        worker is under its memory limit (one past it gets no more pages, and is renewed once idle)."""
        if worker.index is None or worker.ahead is not None:
            return False
        size = len(page.html) if isinstance(page.html, bytes) else 4 * len(page.html)
        if size + _PIPE_SLACK_BYTES > worker.pipe_bytes:
            return False
        return _resident_mib(worker.process.pid) <= self._worker_memory_mib

    def _send(self, worker: _Worker, queue: deque[int], pages: Sequence[PageToExtract]) -> None:
        index = queue.popleft()
        try:
            worker.pages.send(pages[index])
        except OSError:  # the worker died: the page goes back to the queue
            queue.appendleft(index)
            if worker.index is None:  # idle: replace it now; a busy one's death shows on its result
                self._replace(worker)
            return
        if worker.index is not None:
            worker.ahead = index
            return
        worker.index, worker.sent_at = index, time.monotonic()
        worker.deadline = worker.sent_at + self._timeout + self._grace

    def _collect(
        self, pages: Sequence[PageToExtract], results: dict[int, ExtractionResult], until: float, queue: deque[int]
    ) -> None:
        busy = self._busy()
        if not busy:
            return
        wait_for = max(0.0, min(until, *(worker.deadline for worker in busy)) - time.monotonic())
        ready = wait([worker.results for worker in busy], timeout=wait_for)
        for worker in busy:
            index, ahead = worker.index, worker.ahead
            assert index is not None
            if worker.results in ready:
                results[index] = self._receive(worker, pages[index])
            elif time.monotonic() >= worker.deadline:
                results[index] = self._give_up(worker, pages[index])
            else:
                continue
            if ahead is not None and worker not in self._workers:  # replaced before it took its page ahead
                queue.appendleft(ahead)

    def _receive(self, worker: _Worker, page: PageToExtract) -> ExtractionResult:
        try:
            result: ExtractionResult = worker.results.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1.0)
            code = worker.process.exitcode
            result = self._failed(worker, page, Outcome.EXTRACT_ERROR, f"extraction worker died (exit code {code})")
            self._replace(worker)
            return result
        worker.index, worker.ahead = worker.ahead, None
        if worker.index is not None:  # the worker has started its page ahead as it sent this result
            worker.sent_at = time.monotonic()
            worker.deadline = worker.sent_at + self._timeout + self._grace
        elif _resident_mib(worker.process.pid) > self._worker_memory_mib:
            self._renew(worker)
        return result

    def _give_up(self, worker: _Worker, page: PageToExtract) -> ExtractionResult:
        logger.warning("extraction of %s did not stop at its time limit; killing worker", page.url)
        error = f"extraction took over {self._timeout:g} s; worker killed after {self._timeout + self._grace:g} s"
        result = self._failed(worker, page, Outcome.EXTRACT_TIMEOUT, error)
        self._replace(worker)
        return result

    def _failed(self, worker: _Worker, page: PageToExtract, outcome: Outcome, error: str) -> ExtractionResult:
        elapsed_ms = round((time.monotonic() - worker.sent_at) * 1000)
        return ExtractionResult(key=page.key, outcome=outcome, article=None, error=error, elapsed_ms=elapsed_ms)

    def _replace(self, worker: _Worker, *, kill: bool = True) -> None:
        if self._closed:  # close() has stopped them all, from another thread
            raise RuntimeError("ExtractorPool was closed during the batch")
        position = self._workers.index(worker)
        self._stop(worker, kill=kill)
        self._workers[position] = self._spawn()

    def _renew(self, worker: _Worker) -> None:
        """Retire an idle worker that has grown too large, for a fresh one."""
        self._replace(worker, kill=False)

    @staticmethod
    def _stop(worker: _Worker, *, kill: bool) -> None:
        try:
            if not kill:
                try:
                    worker.pages.send(None)
                except OSError:
                    kill = True
            worker.process.join(timeout=0 if kill else 5.0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.pages.close()
            worker.results.close()
            worker.process.close()
        except ValueError:  # closed already: close() and a batch's thread both stopping it
            pass


def _resident_mib(pid: int | None) -> float:
    """A process's resident size; 0 where /proc is not there to say (then workers are never renewed)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def _widen(pipe: Connection) -> int:
    """Ask for a page pipe of PAGE_PIPE_BYTES; what it holds then (0 where it cannot be asked)."""
    try:
        return int(fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PAGE_PIPE_BYTES))
    except (OSError, AttributeError):  # refused (a user's pipe quota), or not Linux: no page ahead
        return 0


def _answered_ready(conn: Connection) -> bool:
    try:
        return conn.poll(WORKER_START_TIMEOUT_SECONDS) and conn.recv() == _READY
    except (EOFError, OSError):
        return False


@contextmanager
def _parent_main_hidden(extractor: Extractor) -> Iterator[None]:
    """Start a worker without making it re-import the parent's `__main__`.

    multiprocessing runs the parent's main module again in every child it starts, in case the
    target lives there. Ours lives in this module, and the parent's main can be the whole
    application (`python -m prefect.engine`, the newsflow CLI, a benchmark): measured at
    30-80 MiB more per worker. An extractor defined in `__main__` still gets its module.
    """
    if getattr(extractor, "__module__", None) == "__main__":
        yield
        return
    main = sys.modules["__main__"]
    sys.modules["__main__"] = ModuleType("__main__")  # no __spec__, no __file__: nothing to re-import
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _process_context() -> Any:
    """'forkserver' with this module and newsflow.extractpreload preloaded, so workers fork from a
    clean, single-threaded server that already paid trafilatura's import and loaded the language
    model; 'spawn' where there is no forkserver (then each worker loads the model before ready)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "newsflow.extractpreload"])
    return context


_OPEN_POOLS: weakref.WeakSet[ExtractorPool] = weakref.WeakSet()
_exiting = False  # the process is exiting: no new worker (`_close_pools_left_open`)


def _close_pools_left_open() -> None:
    """At exit, stop the workers of every pool still open, and every worker process left: a run
    interrupted while its batch ran in another thread (Prefect's event loop) exits before that thread
    closes its pool, and that thread may even start a worker as the pool closes. Workers ignore
    SIGTERM (`_worker_main`), so multiprocessing's own exit handler, which terminates daemon children
    with SIGTERM and then joins them, waited on them for ever: `newsflow run` printed its
    "interrupted" line and never exited (seen under load, SIGHUP mid-run)."""
    global _exiting
    _exiting = True
    for pool in list(_OPEN_POOLS):
        pool.close()
    for child in multiprocessing.active_children():
        if child.name == WORKER_NAME:
            child.kill()


# Registered after multiprocessing.util's handler (imported above), so it runs first: atexit runs
# the last registered first.
atexit.register(_close_pools_left_open)
