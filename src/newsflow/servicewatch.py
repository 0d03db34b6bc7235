"""A run started by `newsflow serve` ends when the service's process does (red team 36).

A service manager that kills the service outright (systemd's final SIGKILL, the OOM killer) expects
its processes gone. Prefect's runner starts each run in a child process, which went on alone to its
end, writing the warehouse while a restarted service fought it for the run lock. The service now
names itself in the environment its runs inherit; a run whose parent is that service waits on a
pidfd of it (no polling, and a pid the kernel gives to another process later is not mistaken for
it) and, once it is gone, stops itself as `serve` stopping would: SIGTERM, which a served run
takes as Prefect's `TerminationSignal` (its batch rolled back, its row `cancelled`, its articles
pending for the next run), then SIGKILL if it has not ended `KILL_AFTER_S` later, as Prefect's
own cancel does.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import threading
from pathlib import Path

log = logging.getLogger(__name__)

SERVICE_PID_ENV = "NEWSFLOW_SERVICE_PID"
SERVICE_START_ENV = "NEWSFLOW_SERVICE_START"  # with the pid, names the one process (a pid is given again later)
KILL_AFTER_S = 30.0  # Prefect's cancel: SIGTERM, then SIGKILL 30 s later

_watching = False


def name_this_process_the_service() -> None:
    """In `newsflow serve`: the runs it starts inherit its pid."""
    os.environ[SERVICE_PID_ENV] = str(os.getpid())
    started = _started(os.getpid())
    if started is not None:
        os.environ[SERVICE_START_ENV] = started


def end_with_the_service() -> bool:
    """In a run's process: if `newsflow serve` started it, end it when the service ends. True if watching."""
    global _watching
    service = _service_pid()
    if _watching or service is None:
        return _watching
    if os.getppid() != service:
        # Killed while this run was still starting (Prefect's engine, the imports: seconds, more under load), the
        # service is no longer its parent: it has ended, so does the run. A living service is not this one's.
        if not _service_gone(service):
            return False
        _stop_this_run(service)
        return True
    open_pidfd = getattr(os, "pidfd_open", None)  # Linux only (macOS, Windows: no watch)
    if open_pidfd is None:
        log.warning("this run cannot follow its service's process %d here; it runs to its end alone", service)
        return False
    try:
        pidfd: int = open_pidfd(service)
        if os.getppid() != service:  # it ended between the two: the pidfd may be of a process given its pid since
            os.close(pidfd)
            raise ProcessLookupError(service)
    except ProcessLookupError:  # gone already, between starting this process and here
        _stop_this_run(service)
        return True
    except OSError as exc:  # a kernel without pidfd_open (before Linux 5.3): the run is not tied to it
        log.warning("this run cannot follow its service's process %d (%s); it runs to its end alone", service, exc)
        return False
    _watching = True
    threading.Thread(target=_wait_for_the_end, args=(service, pidfd), name="newsflow-service-watch",
                     daemon=True).start()
    return True


def _service_pid() -> int | None:
    """The service named in the environment this process inherited (not this process itself)."""
    try:
        service = int(os.environ.get(SERVICE_PID_ENV, ""))
    except ValueError:
        return None
    return service if service != os.getpid() else None


def _service_gone(service: int) -> bool:
    """Whether the service named in the environment has ended: its pid is no process now, or another one's (its
    start time differs). False when its start time was not recorded: a process started further down, or by hand
    from a shell the living service's environment reached, is not a run of it."""
    recorded = os.environ.get(SERVICE_START_ENV)
    return recorded is not None and _started(service) != recorded


def _started(pid: int) -> str | None:
    """When process `pid` started, in clock ticks since boot (/proc's stat, field 22); None if there is none, or it
    has ended and waits to be reaped (a zombie: a service SIGKILLed before its supervisor waited for it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return None if fields[0] in ("Z", "X") else fields[19]
    except (OSError, IndexError):
        return None


def _wait_for_the_end(service: int, pidfd: int) -> None:
    try:
        select.select([pidfd], [], [])  # readable once the process has ended
    finally:
        os.close(pidfd)
    _stop_this_run(service)


def _stop_this_run(service: int) -> None:
    log.warning("newsflow serve (pid %d) has ended: this run stops, its articles left for the next run", service)
    last_word = threading.Timer(KILL_AFTER_S, os.kill, (os.getpid(), signal.SIGKILL))
    last_word.daemon = True  # a run that has ended by then is not held up by it
    last_word.start()  # before the stop: sent from the main thread, its handler raises as soon as it is sent
    # To the main thread, where Python runs handlers: sent to the process, the kernel may hand it to this thread,
    # and a main thread blocked in a system call (the event loop's wait) would not run the handler until it returns.
    main = threading.main_thread().ident
    try:
        if main is None:
            raise ProcessLookupError(service)
        signal.pthread_kill(main, signal.SIGTERM)
    except (ProcessLookupError, OSError):  # no main thread left to tell: the process
        os.kill(os.getpid(), signal.SIGTERM)
