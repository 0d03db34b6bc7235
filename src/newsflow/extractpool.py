"""Extract many pages in worker processes, each page under a time limit.

`ExtractorPool` runs an extractor (by default `newsflow.extract.extract_article`) on worker
processes and turns every failure into an `Outcome` instead of an exception: a page over its
time limit is interrupted (SIGALRM), and a worker that ignores the alarm is killed and replaced.
An idle worker is also replaced, gracefully, once its resident size passes
`worker_memory_mib`, so that one huge page cannot leave a worker bloated for the rest of the
run. The limit is a safety valve, not a budget: on real pages a worker settles ~100 MiB above
its start (trafilatura's bounded caches, the allocator's fragments), and renewing workers that
often (every 100 pages, or past 128 MiB) cost 10-20% of extraction throughput on the real
corpora, because a fresh worker starts with cold caches.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

from newsflow.extract import extract_article, prepare_extractor
from newsflow.models import ExtractedArticle, Outcome
from newsflow.pages import write_page

logger = logging.getLogger(__name__)

BACKSTOP_GRACE_SECONDS = 2.0
"""How long past its timeout a worker may stay silent before it is killed and replaced."""

WORKER_MEMORY_MIB = 512.0
"""Resident size past which an idle worker is replaced by a fresh one (see the module docstring)."""
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

WORKER_START_TIMEOUT_SECONDS = 60.0
_READY = "ready"


Extractor = Callable[[str, str], ExtractedArticle | None]
"""Signature of the function the workers run; module-level so that it pickles."""


@dataclass(frozen=True)
class PageToExtract:
    key: str
    html: str | bytes  # bytes are UTF-8: the parent holds pages that way, the worker decodes
    url: str
    keep_as: str | None = None  # when set, a successful page's HTML is also written there (gzip)


@dataclass(frozen=True)
class ExtractionResult:
    key: str
    outcome: Outcome
    article: ExtractedArticle | None
    error: str | None
    elapsed_ms: int
    html_bytes: int = 0  # when the page was kept: its size, and its size on disk
    compressed_bytes: int = 0


def extract_with_deadline(page: PageToExtract, timeout: float | None, extractor: Extractor) -> ExtractionResult:
    """Run `extractor` on one page and classify the outcome; never raises for the page's sake.

    With a timeout, SIGALRM interrupts the extraction, so this must run in a process's main
    thread: the pool's workers, never the parent, which runs Prefect's threads.
    """
    started = time.perf_counter()
    html = page.html.decode("utf-8", errors="replace") if isinstance(page.html, bytes) else page.html
    try:
        article = _call_with_alarm(html, page.url, timeout, extractor)
    except _DeadlineExceeded:
        return _result(page.key, Outcome.EXTRACT_TIMEOUT, started, error=f"extraction took over {timeout:g} s")
    except Exception as exc:
        return _result(page.key, Outcome.EXTRACT_ERROR, started, error=f"{type(exc).__name__}: {exc}")
    if article is None:
        return _result(page.key, Outcome.EXTRACT_EMPTY, started)
    result = _result(page.key, Outcome.OK, started, article=article)
    return _kept(result, Path(page.keep_as), page.html) if page.keep_as else result


PAGE_NOT_KEPT = "page not kept: "


def _kept(result: ExtractionResult, path: Path, html: str | bytes) -> ExtractionResult:
    """`result` with its page written to `path`, as received: no re-encoding.

    A page that cannot be written (a full disk, a pages folder that is a file or read-only) costs
    only its kept copy: the article stands, and `error` says why. Before, the OSError killed the
    worker (a traceback on the run's stderr) and every article of the run was `extract_error`,
    parked after three runs."""
    try:
        html_bytes, compressed_bytes = write_page(path, html)
    except OSError as exc:
        return replace(result, error=f"{PAGE_NOT_KEPT}{exc.filename or path}: {exc.strerror or exc}")
    return replace(result, html_bytes=html_bytes, compressed_bytes=compressed_bytes)


class _DeadlineExceeded(BaseException):
    """Raised by the SIGALRM handler. A BaseException, so that trafilatura's own
    `except Exception` fallbacks cannot swallow it and carry on past the deadline."""


# When the alarm lands in a finalizer (`__del__`, run by the garbage collector in the middle of the
# extraction), Python swallows the exception there; the timer fires again after this many seconds,
# so the deadline is kept. `_call_with_alarm` disarms it either way.
DEADLINE_REARM_S = 0.05


# Whether an extraction's deadline is running. A SIGALRM whose Python handler runs only after the
# alarm was disarmed (the signal arrived as the extraction ended) is late: it must neither raise nor
# re-arm. Before, it did both, and the re-armed alarm raised in the worker's loop, outside any
# page: the worker died with "Process newsflow-extract: Traceback ... _DeadlineExceeded" on the
# run's stderr, and its page was recorded `extract_error`.
_deadline_running = False


def _raise_deadline(signum: int, frame: FrameType | None) -> None:
    if not _deadline_running:
        return
    signal.setitimer(signal.ITIMER_REAL, DEADLINE_REARM_S)
    raise _DeadlineExceeded


def _disarm_deadline() -> None:
    """Stop the deadline; an alarm that fires while this runs is dropped, not raised past it."""
    global _deadline_running
    while True:
        try:
            _deadline_running = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        except _DeadlineExceeded:  # raised at the first line, before the flag fell: disarm again
            continue


def quiet_lost_deadlines() -> None:
    """Print nothing for a deadline a finalizer swallowed (it fires again): other unraisable
    exceptions still go to the default hook. Installed in each worker."""
    default = sys.__unraisablehook__

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if not isinstance(unraisable.exc_value, _DeadlineExceeded):
            default(unraisable)

    sys.unraisablehook = hook


def _call_with_alarm(html: str, url: str, timeout: float | None, extractor: Extractor) -> ExtractedArticle | None:
    if timeout is None:
        return extractor(html, url)
    global _deadline_running
    signal.signal(signal.SIGALRM, _raise_deadline)
    _deadline_running = True
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return extractor(html, url)
    finally:
        _disarm_deadline()


def _result(
    key: str, outcome: Outcome, started: float, *, article: ExtractedArticle | None = None, error: str | None = None
) -> ExtractionResult:
    elapsed_ms = round((time.perf_counter() - started) * 1000)
    return ExtractionResult(key=key, outcome=outcome, article=article, error=error, elapsed_ms=elapsed_ms)


def _worker_main(conn: Connection, timeout: float, extractor: Extractor) -> None:
    """Loop of one worker process: receive a page, send back its result, until told to stop."""
    # Ctrl-C, and SIGTERM sent to every process of a unit (`systemctl stop`), are the parent's to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # trafilatura logs a warning for every empty page; outcomes already say it, and with no
    # handler Python would print each one to stderr.
    logging.getLogger().addHandler(logging.NullHandler())
    quiet_lost_deadlines()
    prepare_extractor()  # load models before saying ready: start-up is not a page's time
    conn.send(_READY)
    while True:
        try:
            page = conn.recv()
        except (EOFError, OSError):
            return
        if page is None:
            return
        conn.send(extract_with_deadline(page, timeout, extractor))


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    index: int | None = None  # position in the batch of the page it is working on
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
                self._collect(pages, results, until)
        except (ValueError, OSError) as exc:  # a process or pipe that close() shut under us
            if self._closed:
                raise RuntimeError("ExtractorPool was closed during the batch") from exc
            raise
        return [results.get(index) for index in range(len(pages))]

    def close(self) -> None:
        """Stop every worker and wait for it; idempotent.

        A batch still running in another thread (a run being cancelled) then ends with
        RuntimeError, and starts no new worker.
        """
        self._closed = True
        workers, self._workers = self._workers, []
        for worker in workers:
            self._stop(worker, kill=worker.index is not None)

    def _busy(self) -> list[_Worker]:
        return [worker for worker in self._workers if worker.index is not None]

    def _start_workers(self) -> None:
        while len(self._workers) < self._size:
            self._workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        context = _process_context()
        parent_conn, child_conn = context.Pipe(duplex=True)
        process = context.Process(
            target=_worker_main,
            args=(child_conn, self._timeout, self._extractor),
            name="newsflow-extract",
            daemon=True,
        )
        with _parent_main_hidden(self._extractor):
            process.start()
        child_conn.close()
        worker = _Worker(process=process, conn=parent_conn)
        # A page's time limit must not include the worker's start-up (unpickling the extractor
        # may import modules), so a worker gets pages only once it says it is ready.
        if not _answered_ready(parent_conn):
            self._stop(worker, kill=True)
            raise RuntimeError(f"extraction worker did not start within {WORKER_START_TIMEOUT_SECONDS:g} s")
        return worker

    def _dispatch(self, queue: deque[int], pages: Sequence[PageToExtract]) -> None:
        for worker in list(self._workers):
            if not queue:
                return
            if worker.index is not None:
                continue
            index = queue.popleft()
            try:
                worker.conn.send(pages[index])
            except OSError:  # the idle worker died: replace it and try the page again later
                queue.appendleft(index)
                self._replace(worker)
                continue
            worker.index, worker.sent_at = index, time.monotonic()
            worker.deadline = worker.sent_at + self._timeout + self._grace

    def _collect(self, pages: Sequence[PageToExtract], results: dict[int, ExtractionResult], until: float) -> None:
        busy = self._busy()
        if not busy:
            return
        wait_for = max(0.0, min(until, *(worker.deadline for worker in busy)) - time.monotonic())
        ready = wait([worker.conn for worker in busy], timeout=wait_for)
        for worker in busy:
            index = worker.index
            assert index is not None
            if worker.conn in ready:
                results[index] = self._receive(worker, pages[index])
            elif time.monotonic() >= worker.deadline:
                results[index] = self._give_up(worker, pages[index])

    def _receive(self, worker: _Worker, page: PageToExtract) -> ExtractionResult:
        try:
            result: ExtractionResult = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=1.0)
            code = worker.process.exitcode
            result = self._failed(worker, page, Outcome.EXTRACT_ERROR, f"extraction worker died (exit code {code})")
            self._replace(worker)
            return result
        worker.index = None
        if _resident_mib(worker.process.pid) > self._worker_memory_mib:
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
                    worker.conn.send(None)
                except OSError:
                    kill = True
            worker.process.join(timeout=0 if kill else 5.0)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
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
