"""Watching the Prefect API from `newsflow run` and `newsflow serve`: a silent API ends the command.

A Prefect API can stop answering without going away: its server stopped (SIGSTOP) or its VM
frozen, or its database locked, in which case `/health` still answers and every call that
touches the database waits. Prefect's client then waits on each call and retries it, so a run
waits for ever, and `newsflow serve` starts no run again while staying up, which a supervisor
(systemd, docker) takes for healthy.

`ApiWatch` asks the API a question its database must answer (`POST /flow_runs/count` of the
runs with no id: an index look-up, however many runs the database keeps) every `every` seconds
from `first_after` on; once the API has failed to answer for `patience` seconds in a row, it
calls `on_silent` once. An error status counts as an answer (a Prefect Cloud API wants a key):
only silence, a refused connection or a broken exchange do not.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from flows.loopback import open_url

QUERY_TIMEOUT_S = 10.0
_NO_RUN = b'{"flow_runs": {"id": {"any_": []}}}'


def answers_a_query(api_url: str, timeout_s: float = QUERY_TIMEOUT_S) -> bool:
    """Whether the API answers a question its database must answer, within `timeout_s`."""
    try:
        with open_url(database_question(api_url), timeout_s) as response:
            response.read(65_536)
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError, http.client.HTTPException):
        return False


LOST_CONNECTION_MODULES = frozenset({"websockets", "httpx", "httpcore", "anyio"})


def is_lost_connection(error: BaseException | None) -> bool:
    """Whether the error, or one it came from, is the network's: a refused or reset connection, a timeout,
    an HTTP client's or a closed websocket (a full disk is not)."""
    for _ in range(10):  # a chain of causes; never a cycle
        if error is None:
            return False
        library = type(error).__module__.split(".")[0]
        if isinstance(error, ConnectionError | TimeoutError) or library in LOST_CONNECTION_MODULES:
            return True
        error = error.__cause__ or error.__context__
    return False


def http_status(error: BaseException | None) -> int | None:
    """The status of the answer the error carries (an HTTP status error's response), else None."""
    status = getattr(getattr(error, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def server_error(error: BaseException | None) -> int | None:
    """The status of the answer 5xx the error carries, else None.

    Prefect's client retries 502, 503 and 429, never a 500: the call fails at once."""
    status = http_status(error)
    return status if status is not None and status >= 500 else None


def is_deleted_flow_run(error: BaseException | None) -> bool:
    """Whether Prefect's API answered "not found" (ObjectNotFound, a 404) during the run: its flow run
    was deleted from the UI or the API while it ran (red team 17). Its client's 404 comes from httpx,
    which `is_lost_connection` takes for the network's, so ask this first."""
    for _ in range(10):  # a chain of causes; never a cycle
        if error is None:
            return False
        if type(error).__name__ == "ObjectNotFound" and type(error).__module__.startswith("prefect"):
            return True
        error = error.__cause__ or error.__context__
    return False


def database_question(api_url: str) -> urllib.request.Request:
    """How many flow runs have no id: 0, from the database, at once."""
    return urllib.request.Request(api_url.rstrip("/") + "/flow_runs/count", data=_NO_RUN, method="POST",
                                  headers={"Content-Type": "application/json"})


class ApiWatch:
    """Calls `on_silent(seconds)` once the API at `api_url` has not answered for `patience` s.

    `patience` 0 gives up at the first question left unanswered (a run already past its budget).
    """

    def __init__(self, api_url: str, *, first_after: float, every: float, patience: float,
                 on_silent: Callable[[float], object], timeout_s: float = QUERY_TIMEOUT_S) -> None:
        self.api_url = api_url
        self.first_after, self.every, self.patience = first_after, every, patience
        self.timeout_s = timeout_s
        self.on_silent = on_silent
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="newsflow-api-watch", daemon=True)

    def start(self) -> ApiWatch:
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._stopped.set()

    def _watch(self) -> None:
        if self._stopped.wait(self.first_after):
            return
        silent_since: float | None = None
        while not self._stopped.is_set():
            asked_at = time.monotonic()
            if answers_a_query(self.api_url, self.timeout_s):
                silent_since = None
            else:
                silent_since = asked_at if silent_since is None else silent_since
                silent_for = time.monotonic() - silent_since
                if silent_for >= self.patience and not self._stopped.is_set():
                    self.on_silent(silent_for)
                    return
            self._stopped.wait(max(0.0, self.every - (time.monotonic() - asked_at)))


def stop_children(spare: Collection[int] = (), grace_s: float = 5.0) -> None:
    """SIGTERM this process's descendants (a served flow run, extraction workers), and SIGKILL
    those still alive `grace_s` later: a command that gives up on its API leaves no process behind
    holding the warehouse. The processes in `spare` and under them are left (the local Prefect
    server this command started: it outlives every command). Linux only (`/proc`).

    Those that ignore SIGTERM are not waited for, SIGKILL ends them: multiprocessing's resource
    tracker, the service's child (docs/scheduling.md, "What outlives the service"), ends only when
    this process has exited, and an extraction worker when its run does; the tracker alone held
    `newsflow serve`'s exit 4 for the whole grace (5 s, orphan34). Read on each poll, not once: the
    tracker starts with SIGTERM blocked and ignores it only once its `main` runs, discarding the
    SIGTERM sent while it started (read once, CI waited the whole grace, 5.05 s)."""
    doomed = descendants(os.getpid(), spare)
    for signum in (signal.SIGTERM, signal.SIGKILL):
        for pid in doomed:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signum)
        until = time.monotonic() + grace_s
        while signum == signal.SIGTERM and time.monotonic() < until and any(map(_heeds_sigterm, doomed)):
            time.sleep(0.05)


def descendants(root: int, spare: Collection[int] = ()) -> list[int]:
    """The processes under `root`, children first, read from /proc; none in or under `spare`."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [root]
    while queue:
        children = [pid for pid in parents.get(queue.pop(0), []) if pid not in spare]
        found += children
        queue += children
    return found


def _heeds_sigterm(pid: int) -> bool:
    """Whether `pid` is alive (not a zombie) and does not ignore SIGTERM (its `SigIgn` in /proc).

    A blocked SIGTERM is not deafness: a child holding it back while it finishes a write takes it
    after (SIGKILL would end it mid-write), and `SigBlk` is one thread's mask (another may take it).
    The resource tracker, which starts with SIGTERM blocked, is deaf once its `main` ignores it: the
    pending SIGTERM is discarded then, and `SigIgn` shows it on the next poll."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigIgn:") and int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1:
                return False
    except (OSError, ValueError, IndexError):
        return False
    return _alive(pid)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def without_lost_connection_traceback(record: logging.LogRecord) -> logging.LogRecord:
    """A Prefect record about a lost connection to its API, made one line without its traceback.

    Behind an API that went silent, Prefect's runner logged `The FlowRunCancellingObserver websocket
    failed with an exception` with a 20-line websockets traceback (its keepalive ping timed out,
    40 s in), before `newsflow serve` gave up in its own one line (ApiWatch). The record
    keeps its message, and the exception's type and text; a bug's traceback is left as it is.
    """
    error = record.exc_info[1] if record.exc_info else None
    if error is None or not record.name.startswith("prefect") or not is_lost_connection(error):
        return record
    try:
        message = f"{record.getMessage()} ({type(error).__name__}: {' '.join(str(error).split())})"
    except Exception:  # a record whose arguments do not fit: logging reports it when it is emitted
        return record
    record.msg, record.args, record.exc_info, record.exc_text = message, None, None, None
    return record


def keep_lost_connections_on_one_line() -> None:
    """Every record this process makes from now on passes `without_lost_connection_traceback`.

    A record factory, not a handler's filter: Prefect's runner sets its logging up again when it
    starts, replacing the handlers (a filter put on them before was lost with them)."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "keeps_lost_connections_on_one_line", False):
        return

    def one_line_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return without_lost_connection_traceback(make_record(*args, **kwargs))

    one_line_record.keeps_lost_connections_on_one_line = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(one_line_record)


API_LOG_ERROR_HEADER = "--- Error logging to API ---\n"  # prefect/logging/handlers.py, `_handle_batch`


class LineEndWatch:
    """sys.stderr, noting whether the last text written to it ended its line.

    Prefect's API log worker, when the API dies, writes `--- Error logging to API ---` and then the
    error's text without a newline (prefect/logging/handlers.py), so newsflow's exit line, printed
    next, was glued to `All connection attempts failed`. `start_own_line` tells `_fail` to begin one.
    That text is now ended where it is written (Prefect 59): a served run's process shares its service's
    stderr, and behind 500s its worker's `… Status/500` had the service's exit line, or the run's own
    stopped line, glued to it, where no `start_own_line` of the service's could see it.
    Every other attribute is the stream's own, so isatty, fileno and encoding are unchanged."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.at_line_start = True
        self._api_log_error_thread: int | None = None  # the thread whose next write is the log worker's error text

    def write(self, text: str) -> int:
        thread = threading.get_ident()
        ends_the_error_text = thread == self._api_log_error_thread and text != "" and not text.endswith("\n")
        # the log worker's error text (only that thread's next write: another's print is not it), ended here so the
        # next line is not glued to it; an empty text (an error with no words, an httpx timeout's) ends nothing
        written: int = self._stream.write(f"{text}\n" if ends_the_error_text else text)
        if thread == self._api_log_error_thread:
            self._api_log_error_thread = None
        if text:
            self.at_line_start = text.endswith("\n") or ends_the_error_text
        if text == API_LOG_ERROR_HEADER:
            self._api_log_error_thread = thread
        return len(text) if ends_the_error_text else written  # the caller's length, as TextIO's is

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def watch_stderr_line_ends() -> None:
    if not isinstance(sys.stderr, LineEndWatch) and sys.stderr is not None:
        sys.stderr = LineEndWatch(sys.stderr)


def start_own_line() -> str:
    """A newline when the last text on stderr left its line open (Prefect's log worker), else ''."""
    return "" if getattr(sys.stderr, "at_line_start", True) else "\n"
