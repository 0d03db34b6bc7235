"""One extraction worker: a page in, its `ExtractionResult` out, each page under a time limit.

The worker side of `newsflow.extractpool.ExtractorPool` (split from it by responsibility): the
page and result types that cross the pipe, the SIGALRM deadline, and the worker's loop. A page
over its time limit is interrupted and reported as EXTRACT_TIMEOUT; any exception of the
extractor becomes EXTRACT_ERROR; a successful page's HTML is kept when asked (`newsflow.pages`).
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType

from newsflow.models import ExtractedArticle, Outcome
from newsflow.pages import write_page

_READY = "ready"


Extractor = Callable[[str, str], ExtractedArticle | None]
"""Signature of the function the workers run; module-level so that it pickles."""


def extract_article(html: str, url: str) -> ExtractedArticle | None:
    """`newsflow.extract.extract_article`, the pool's default extractor, imported where it runs:
    the process that starts the pool (a run's main process) never imports trafilatura and its
    dependencies (0.2-0.6 s of CPU at start-up, ~40 MiB); workers fork with it imported."""
    from newsflow.extract import extract_article as extract

    return extract(html, url)


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
        # The alarm may land in `_call_with_alarm`'s `finally` before the disarm's own guard: it re-armed itself and
        # left the deadline running, and the worker died of it in `results.send` (a traceback on the run's stderr,
        # world16's hunt, seed 1732, a load of 17). Disarm it here too.
        _disarm_deadline()
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


def _worker_main(pages: Connection, results: Connection, timeout: float, extractor: Extractor) -> None:
    """Loop of one worker process: receive a page, send back its result, until told to stop.

    Pages and results have a pipe each: the parent may write the next page while this one runs."""
    # Ctrl-C, and SIGTERM sent to every process of a unit (`systemctl stop`), are the parent's to handle.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # trafilatura logs a warning for every empty page; outcomes already say it, and with no
    # handler Python would print each one to stderr.
    logging.getLogger().addHandler(logging.NullHandler())
    quiet_lost_deadlines()
    from newsflow.extract import prepare_extractor  # imported here: see `extract_article`

    prepare_extractor()  # load models before saying ready: start-up is not a page's time
    try:
        results.send(_READY)
    except (BrokenPipeError, EOFError):  # stopped while this worker started
        return
    while True:
        try:
            page = pages.recv()
        except (EOFError, OSError):
            return
        if page is None:
            return
        try:
            results.send(extract_with_deadline(page, timeout, extractor))
        except (BrokenPipeError, EOFError):  # the run stopped (Ctrl-C, systemctl stop) and closed its end
            return
