"""What the machine ran out of, said in one line (docs/security.md, "Local 32").

A run meets the machine's limits as errors of whichever library asked for the resource: a socket, a pipe or a
DuckDB file refused with `Too many open files` (EMFILE, this process's `ulimit -n`; ENFILE, the machine's), Python's
`MemoryError` or DuckDB's `Out of Memory Error` (this process's `ulimit -v`, a container's memory, DuckDB's
`memory_limit`), a worker process or thread refused with `Resource temporarily unavailable` (EAGAIN: `ulimit -u`,
a cgroup's `pids.max`). Before, each ended the run as its library put it: a traceback (the poll stage's, then `0
polled`, exit 0), the last net's `newsflow: …news.duckdb-spool: Too many open files` (naming a folder that was not
at fault), or `run crashed: OutOfMemoryException: Out of Memory Error: … Possible solutions: …` over six lines.
`said_of` tells these apart from every other error, by the error's number or DuckDB's words (its exceptions are
not imported here: DuckDB is the warehouse's), and says which limit, its value, and what to do; what the run
stored is kept, and the rest stays pending for the next run.
"""

from __future__ import annotations

import errno
import resource

from newsflow.errors import NewsflowError
from newsflow.openfiles import files_open_now

_KEPT = "what the run stored is kept and the rest stays pending for the next run"
_NO_MEMORY = ("Out of Memory Error", "std::bad_alloc", "Cannot allocate memory")
_NO_FILES = ("Too many open files",)
_NO_THREAD = "can't start new thread"  # threading's words for EAGAIN from pthread_create


class MachineLimitError(NewsflowError):
    """The machine refused a resource the command needed: the one line says which, and what to do."""


def said_of(exc: BaseException) -> str | None:
    """The one line for an error that is the machine's limit (open files, memory, processes), else None."""
    for error in _chain(exc):
        if isinstance(error, MachineLimitError):
            return str(error)
        if (line := _one_said_of(error)) is not None:
            return line
    return None


def reraised(exc: BaseException) -> None:
    """Raise `MachineLimitError` for an error that is the machine's limit, so a stage that goes on past a bug
    (the poll stage) ends the run with its line instead; any other error returns."""
    if (line := said_of(exc)) is not None:
        raise MachineLimitError(line) from exc


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc` and what caused it (an httpx error around the OSError), at most 8 deep."""
    chain: list[BaseException] = []
    error: BaseException | None = exc
    while error is not None and len(chain) < 8:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


# The errors whose words are read: DuckDB's quote data (a URL, a value that would not convert), so a
# ConstraintException naming `…/Cannot allocate memory` is no limit (review of Local 32, F5). By name: DuckDB's
# exceptions are the warehouse's to import.
_WORDS_READ_IN = ("OutOfMemoryException", "IOException")


def _one_said_of(error: BaseException) -> str | None:
    code = error.errno if isinstance(error, OSError) else None
    text = str(error) if isinstance(error, OSError) or type(error).__name__ in _WORDS_READ_IN else ""
    if code in (errno.EMFILE, errno.ENFILE) or (code is None and any(w in text for w in _NO_FILES)):
        return open_files_line(machine_wide=code == errno.ENFILE)
    if isinstance(error, MemoryError) or code == errno.ENOMEM or any(w in text for w in _NO_MEMORY):
        return memory_line(type(error).__name__ if isinstance(error, MemoryError) else text.split("\n", 1)[0])
    if (code == errno.EAGAIN and isinstance(error, BlockingIOError) and not error.filename) or (
            isinstance(error, RuntimeError) and _NO_THREAD in str(error)):
        return processes_line()
    return None


def open_files_line(machine_wide: bool = False) -> str:
    if machine_wide:  # ENFILE: the machine's table, not this process's limit
        return ("the machine ran out of open files (Too many open files in system: its limit, `fs.file-max`, is "
                f"reached by all its processes together); {_KEPT}: close what holds many files open, or raise "
                "`sysctl fs.file-max`, and run it again")
    soft = _limit(resource.RLIMIT_NOFILE)
    return (f"the run ran out of open files (Too many open files: this process may open {soft}, `ulimit -n`, and "
            f"{_open_now(soft)} are open); {_KEPT}: raise the limit (`ulimit -n 8192` in the shell that starts "
            "newsflow, LimitNOFILE= in its systemd unit), close the files its parent process left open to it, or lower "
            "fetch.concurrency, and run it again")


def memory_line(said: str) -> str:
    limit = _limit(resource.RLIMIT_AS)
    bound = "no address-space limit is set" if limit == "unlimited" else (
        f"this process may use {_mib(limit)} of address space, `ulimit -v`")
    return (f"the run ran out of memory ({said}; {bound}); {_KEPT}: free memory on the machine, raise the limit "
            "(`ulimit -v`, MemoryMax= in its systemd unit, the container's memory), or lower extract.batch_size, "
            "extract.workers or fetch.max_bytes, and run it again")


def processes_line() -> str:
    return (f"the run could not start a process or thread (Resource temporarily unavailable: this user may run "
            f"{_limit(resource.RLIMIT_NPROC)} processes and threads, `ulimit -u`, or a container's pids.max is "
            f"reached); {_KEPT}: raise the limit (`ulimit -u`, TasksMax= in its systemd unit), or lower "
            "extract.workers, and run it again")


def killed_at_its_start(what: str) -> str:
    """A worker SIGKILLed before it said it was ready: the kernel's OOM killer's way (or a `kill -9`)."""
    return (f"the run's {what} process was killed as it started (SIGKILL: the kernel's OOM killer does this when the "
            f"machine runs out of memory; `dmesg` says so); {_KEPT}: free memory on the machine, or lower "
            "extract.workers, and run it again")


def _limit(which: int) -> str:
    soft = resource.getrlimit(which)[0]
    return "unlimited" if soft == resource.RLIM_INFINITY else str(soft)


def _mib(limit: str) -> str:
    return f"{int(limit) >> 20} MiB"


def _open_now(soft: str) -> str:
    """Descriptors this process holds now (an error's own are closed by then); all of them, when even the
    listing cannot open one."""
    open_now = files_open_now()
    return soft if open_now is None else str(open_now)
