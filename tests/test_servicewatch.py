"""newsflow/servicewatch.py with real processes: a stand-in service (names itself, starts a run-like child, waits)
and the child, which asks to end with the service when the test says. Each test takes well under a second: the
whole `newsflow serve` path is tests/flows/test_serve_killed.py."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest

RUN = """
import os, signal, sys
from newsflow import servicewatch
def stopped(signum, frame):
    print("stopped", flush=True)
    os._exit(0)
signal.signal(signal.SIGTERM, stopped)
print(os.getpid(), flush=True)
sys.stdin.readline()
print("watching" if servicewatch.end_with_the_service() else "not watching", flush=True)
sys.stdin.readline()
print("went on", flush=True)
"""

SERVICE = f"""
import subprocess, sys
from newsflow import servicewatch
servicewatch.name_this_process_the_service()
subprocess.Popen([sys.executable, "-c", {RUN!r}]).wait()
"""


class Service:
    """The stand-in service and the run it started, sharing the test's pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", SERVICE], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE)
        self.run_pid = int(self.line())

    def line(self, timeout: float = 20.0) -> str:
        assert self.process.stdout is not None
        readable, _, _ = select.select([self.process.stdout], [], [], timeout)
        return self.process.stdout.readline().decode().strip() if readable else "(nothing)"

    def tell_the_run(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"\n")
        self.process.stdin.flush()

    def kill(self, reaped: bool = True) -> None:
        """SIGKILL the service; `reaped=False` leaves it a zombie, its parent (a supervisor) not yet waiting."""
        self.process.send_signal(signal.SIGKILL)
        if reaped:
            self.process.wait(timeout=10)
        else:
            os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOWAIT)

    def end(self) -> None:
        for pid in (self.process.pid, self.run_pid):
            with contextlib.suppress(ProcessLookupError):  # the run stopped, as it should have
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def service() -> Iterator[Service]:
    started = Service()
    try:
        yield started
    finally:
        started.end()


def test_a_run_watching_its_service_stops_when_the_service_is_killed(service: Service) -> None:
    """Its main thread blocked in a system call (here a read; in a run, the event loop's wait): the stop must reach
    it there (sent to the process, it ran on in 4 of 15 runs here: the kernel may give it to the watching thread)."""
    service.tell_the_run()
    assert service.line() == "watching"
    service.kill()
    assert service.line() == "stopped"


@pytest.mark.parametrize("reaped", [True, False], ids=["reaped", "a zombie"])
def test_a_run_whose_service_was_killed_before_it_could_watch_stops_too(service: Service, reaped: bool) -> None:
    """The service SIGKILLed while its run was still starting (Prefect's engine, the imports: seconds, more under
    load): the run, reparented, saw its parent's pid no longer its parent and ran to its end alone. A service not
    yet reaped by its supervisor is still in /proc, with its start time: ended all the same."""
    service.kill(reaped)
    service.tell_the_run()
    assert service.line() == "stopped"


def test_a_process_named_in_the_environment_but_not_its_services_child_is_left_alone() -> None:
    """A process that inherited the variable but was not started by the living service is not one of its runs."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    env = os.environ | {"NEWSFLOW_SERVICE_PID": str(sleeper.pid)}
    run = subprocess.Popen([sys.executable, "-c", RUN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        assert run.stdout is not None and run.stdin is not None
        assert int(run.stdout.readline()) == run.pid
        run.stdin.write(b"\n\n")
        run.stdin.flush()
        assert run.stdout.readline().strip() == b"not watching"
        assert run.stdout.readline().strip() == b"went on"
    finally:
        for process in (sleeper, run):
            process.kill()
            process.wait(timeout=10)


HANGS_ON_ITS_STOP = """
import sys
from newsflow import servicewatch
servicewatch.KILL_AFTER_S = 0.2
class Stopped(Exception):
    pass
def stopped(signum, frame):
    raise Stopped  # as Prefect's engine does: TerminationSignal
import signal
signal.signal(signal.SIGTERM, stopped)
try:
    servicewatch.end_with_the_service()
except Stopped:
    print("stopping", flush=True)
sys.stdin.readline()  # a stop that never ends (an API that no longer answers)
"""


def test_a_run_that_finds_its_service_gone_and_hangs_on_its_stop_is_killed() -> None:
    """Found gone as the run starts, the stop is sent from the run's own main thread: its handler raised before
    the SIGKILL that backs it was set, and a run hanging on its stop ran on."""
    service = subprocess.Popen([sys.executable, "-c", "import os\nfrom newsflow import servicewatch\n"
                                "servicewatch.name_this_process_the_service()\n"
                                "print(os.environ['NEWSFLOW_SERVICE_PID'], os.environ['NEWSFLOW_SERVICE_START'])"],
                               stdout=subprocess.PIPE)
    named, _ = service.communicate(timeout=20)
    pid, started = named.decode().split()
    env = os.environ | {"NEWSFLOW_SERVICE_PID": pid, "NEWSFLOW_SERVICE_START": started}
    run = subprocess.Popen([sys.executable, "-c", HANGS_ON_ITS_STOP], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           env=env)
    try:
        assert run.stdout is not None
        assert run.stdout.readline().strip() == b"stopping"
        assert run.wait(timeout=10) == -signal.SIGKILL
    finally:
        run.kill()
        run.wait(timeout=10)
