"""The process's open-files limit (`ulimit -n`) against what a run keeps open at once (Local 28).

A run holds a socket per request in flight (`fetch.concurrency`), pipes to its extraction workers, the warehouse,
its log and lock files, the spool and its own interpreter's: 83 at most at the defaults (32 requests, 2 workers,
40 hosts; counted in /proc in a run without its Prefect flow). Under a limit below that, as a container, a
service manager or a shell set it (macOS's shells start at 256; `ulimit -n 64`), the open that failed was
whichever came next: at 64, a batch of articles was recorded failed, each costing an attempt toward being given
up, then `newsflow: …news.spool: Too many open files`, exit 1; at 40, every poll's record failed and the run said
`0 polled`, exit 0. So `run` and `serve` raise their soft limit to the hard one (as Go's runtime does at every
start), up to `RAISED_TO` or what the run needs if that is more, and put it back when the command returns (a
process that goes on after it, a test, keeps its own); when even the hard limit is too low, the run is refused
before it starts, one line, exit 2, naming the number it needs.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from newsflow.errors import InputError

RAISED_TO = 8192
# Counted in /proc (40 hosts, 2 workers, no Prefect flow): 33 at most with fetch.concurrency = 4, 83 with 32,
# so about 1.8 a request (its socket, a lookup's) and 26 besides; room left for Prefect's client connections
PER_REQUEST = 2
PER_WORKER = 4  # a worker's pipes and its forkserver's
BESIDES = 32
# Open in a newsflow process at its run's check, counted in /proc: its standard streams and 0-3 more (uv's)
OWN_AT_THE_CHECK = 8


# True while a command holds `raised_to_the_hard_limit`: only then may the run's check raise the limit further (the
# command puts it back); a caller outside one (a test, a library user) keeps its limit and gets the line
_RAISING: ContextVar[bool] = ContextVar("raising_open_files", default=False)


@contextmanager
def raised_to_the_hard_limit() -> Iterator[None]:
    """The soft limit at the hard one (at most `RAISED_TO`) while the command runs, then as it was; within it,
    `refuse_too_few_for_a_run` raises it further to what the run needs."""
    before = resource.getrlimit(resource.RLIMIT_NOFILE)
    _raise_to(RAISED_TO)
    raising = _RAISING.set(True)
    try:
        yield
    finally:
        _RAISING.reset(raising)
        if resource.getrlimit(resource.RLIMIT_NOFILE) != before:
            with suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_NOFILE, before)


def _raise_to(wanted: int) -> None:
    """The soft limit up to `wanted`, or to the hard limit when that is lower; never lowered."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY:
        wanted = min(hard, wanted)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        with suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def files_a_run_needs(concurrency: int, workers: int) -> int:
    return PER_REQUEST * concurrency + PER_WORKER * workers + BESIDES


def refuse_too_few_for_a_run(concurrency: int, workers: int) -> None:
    """One line, before the run starts, when this process may not open as many files as the run would. Within a
    command's `raised_to_the_hard_limit`, the soft limit is first raised to what the run needs (up to the hard).
    Descriptors its parent left open to it (a supervisor or script that does not close them) take room too: a
    limit of 64 with 48 of them left 16, and the run failed mid-poll (Local 32)."""
    inherited = inherited_files()
    needed = files_a_run_needs(concurrency, workers) + inherited
    if _RAISING.get():
        _raise_to(max(RAISED_TO, needed))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    hard_said = "its hard limit too" if hard == soft else f"its hard limit {hard}"
    left_open = (f", besides the {inherited} its parent process left open to it (close them there, or raise the "
                 "limit)") if inherited else ""
    raise InputError(
        f"this process may open at most {soft} files (`ulimit -n`, {hard_said}), and a run with fetch.concurrency = "
        f"{concurrency} and {workers} extraction workers keeps up to about {needed - inherited} open{left_open}: "
        f"raise the limit to {needed} at least (`ulimit -n {needed}` in the shell that starts newsflow, "
        f"LimitNOFILE={needed} in its systemd unit, nofile in /etc/security/limits.conf)"
        f"{_what_fits(soft - inherited, concurrency, workers)}; nothing was done")


def inherited_files() -> int:
    """Descriptors open now past what a newsflow process holds at its run's check (its standard streams and a
    few of the interpreter's: 3-6 counted), so those its parent left open; 0 where /proc cannot say."""
    open_now = files_open_now()
    return 0 if open_now is None else max(0, open_now - OWN_AT_THE_CHECK)


def files_open_now() -> int | None:
    """Descriptors this process holds, from /proc (Linux); None where it cannot be listed: no /proc, or no
    descriptor left to list it with."""
    try:
        return len(os.listdir("/proc/self/fd")) - 1  # the listing's own
    except OSError:
        return None


def _what_fits(limit: int, concurrency: int, workers: int) -> str:
    """The settings that would fit under `limit`: fewer requests in flight, else fewer workers as well."""
    requests = (limit - PER_WORKER * workers - BESIDES) // PER_REQUEST
    if 1 <= requests < concurrency:
        return f", or set fetch.concurrency to {requests} at most"
    fewer_workers = (limit - PER_REQUEST - BESIDES) // PER_WORKER
    if 1 <= fewer_workers < workers:
        return f", or set fetch.concurrency to 1 and extract.workers to {fewer_workers} at most"
    return ""
