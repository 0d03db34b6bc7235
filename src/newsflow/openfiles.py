"""The process's open-files limit (`ulimit -n`) against what a run keeps open at once (Local 28).

A run holds a socket per request in flight (`fetch.concurrency`), pipes to its extraction workers, the warehouse,
its log and lock files, the spool and its own interpreter's: 83 at most at the defaults (32 requests, 2 workers,
40 hosts; counted in /proc in a run without its Prefect flow). Under a limit below that, as a container, a
service manager or a shell set it (macOS's shells start at 256; `ulimit -n 64`), the open that failed was
whichever came next: at 64, a batch of articles was recorded failed, each costing an attempt toward being given
up, then `newsflow: …news.spool: Too many open files`, exit 1; at 40, every poll's record failed and the run said
`0 polled`, exit 0. So `run` and `serve` raise their soft limit to the hard one (as Go's runtime does at every
start), up to `RAISED_TO`, and put it back when the command returns (a process that goes on after it, a test,
keeps its own); when even the hard limit is too low, the run is refused before it starts, one line, exit 2.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from newsflow.errors import InputError

RAISED_TO = 8192
# Counted in /proc (40 hosts, 2 workers, no Prefect flow): 33 at most with fetch.concurrency = 4, 83 with 32,
# so about 1.8 a request (its socket, a lookup's) and 26 besides; room left for Prefect's client connections
PER_REQUEST = 2
PER_WORKER = 4  # a worker's pipes and its forkserver's
BESIDES = 32


@contextmanager
def raised_to_the_hard_limit() -> Iterator[None]:
    """The soft limit at the hard one (at most `RAISED_TO`) while the command runs, then as it was."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = RAISED_TO if hard == resource.RLIM_INFINITY else min(hard, RAISED_TO)
    raised = soft != resource.RLIM_INFINITY and soft < wanted
    if raised:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            raised = False
    try:
        yield
    finally:
        if raised:
            with suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def files_a_run_needs(concurrency: int, workers: int) -> int:
    return PER_REQUEST * concurrency + PER_WORKER * workers + BESIDES


def refuse_too_few_for_a_run(concurrency: int, workers: int) -> None:
    """One line, before the run starts, when this process may not open as many files as the run would."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = files_a_run_needs(concurrency, workers)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    hard_said = "its hard limit too" if hard == soft else f"its hard limit {hard}"
    fits = (soft - PER_WORKER * workers - BESIDES) // PER_REQUEST
    lower = f", or set fetch.concurrency to {fits} at most" if fits >= 1 else ""
    raise InputError(
        f"this process may open at most {soft} files (`ulimit -n`, {hard_said}), and a run with fetch.concurrency = "
        f"{concurrency} and {workers} extraction workers keeps up to about {needed} open: raise the limit (`ulimit -n "
        f"1024` in the shell that starts newsflow, LimitNOFILE= in its systemd unit, nofile in "
        f"/etc/security/limits.conf){lower}; nothing was done")
