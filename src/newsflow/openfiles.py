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
    command's `raised_to_the_hard_limit`, the soft limit is first raised to what the run needs (up to the hard)."""
    needed = files_a_run_needs(concurrency, workers)
    if _RAISING.get():
        _raise_to(max(RAISED_TO, needed))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    hard_said = "its hard limit too" if hard == soft else f"its hard limit {hard}"
    raise InputError(
        f"this process may open at most {soft} files (`ulimit -n`, {hard_said}), and a run with fetch.concurrency = "
        f"{concurrency} and {workers} extraction workers keeps up to about {needed} open: raise the limit to "
        f"{needed} at least (`ulimit -n {needed}` in the shell that starts newsflow, LimitNOFILE={needed} in its "
        f"systemd unit, nofile in /etc/security/limits.conf){_what_fits(soft, concurrency, workers)}; nothing was "
        "done")


def _what_fits(limit: int, concurrency: int, workers: int) -> str:
    """The settings that would fit under `limit`: fewer requests in flight, else fewer workers as well."""
    requests = (limit - PER_WORKER * workers - BESIDES) // PER_REQUEST
    if 1 <= requests < concurrency:
        return f", or set fetch.concurrency to {requests} at most"
    fewer_workers = (limit - PER_REQUEST - BESIDES) // PER_WORKER
    if 1 <= fewer_workers < workers:
        return f", or set fetch.concurrency to 1 and extract.workers to {fewer_workers} at most"
    return ""
