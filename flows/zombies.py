"""Flow runs a killed process left Running are marked Crashed by the next run or service start (left
Cancelling, by a second stop or a SIGKILL between the engine's Cancelling and Cancelled writes: Cancelled).

Each `ingest` run records where it runs as its `infrastructure_pid`, `<hostname>:<pid>`, unless a
worker already set one; where Linux says so, followed by which process that is, `(boot <id>, tick <n>)`: the
kernel's boot id and the process's start in clock ticks since boot (`/proc/<pid>/stat`), which no clock change
moves, then `machine <id>` (machine-id(5)): another machine's record is never judged here, though it shares our
hostname. A pid that names another process (a reboot, a container's restart, pids wrapping round) is then told
from the run's own exactly (`process_is_gone`). A later run (or `newsflow serve` as it starts) reads the `ingest` runs
that Prefect still has Running and marks Crashed those whose process on this host is gone (a `newsflow run`'s
run carries its process as a tag from its creation, so one left Pending, or Running before it recorded its pid, is
found too: Prefect 56). Runs
on other hosts, and runs whose worker recorded a bare pid, are left to their worker, which marks
a run Crashed when its process dies. The warehouse marks the same runs `abandoned` on its side
(`runner.begin_run`), under its run lock.

A run the Prefect server refuses to mark (an HTTP 5xx) is left Running with one warning, and the sweep goes
on: a run of a deployment deleted while the run was going (the UI's Delete, or `newsflow serve` stopping on
its deleted deployment and ending its run) gets a 500 on every state change for good, since the server fails
to release the deployment's concurrency slot (prefect 3.9.1). Before, the sweep raised on it, and every
`newsflow serve` start after it ended with exit 4 (Prefect 19). Such a run, its deployment gone, is now deleted
from Prefect, in one warning (Prefect 23): left, it showed Running for good and every run warned of it again.

A service that stops while its Prefect API is lost leaves the run it was starting Pending (and a
killed one may leave a run Cancelling, or Running before the run recorded its process). Such a run
holds the deployment's one concurrency slot. The server frees the slot when the run's lease
expires (300 s), but it keeps leases in memory: after a server restart (a reboot) no lease is left
to expire, and every later run of the schedule was Cancelled ("Deployment concurrency limit
reached") for good, without a word in newsflow's output. So a service, as it starts, holding its
warehouse's service lock (no other runner serves its deployment), ends these runs of its own
deployment; ending a run releases its slot whether or not its lease is still there (prefect 3.9.1,
`ReleaseFlowConcurrencySlots`). A run whose recorded pid a reboot gave to another live process (the reboot drill,
tests/flows/test_reboot.py) is ended too: the live process is no process Prefect's runner starts a run in.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from pathlib import Path
from uuid import UUID

from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import FlowRun, State, StateType
from prefect.exceptions import ObjectNotFound
from prefect.states import Cancelled, Crashed

from flows.apiwatch import server_error

log = logging.getLogger(__name__)
FLOW_NAME = "ingest"


# The ids of the `ingest` flow runs this process has started, oldest first (flows/cancelwatch.py
# watches these, and only these: a `<hostname>:<pid>` is not unique over time in a container).
_RUNS_STARTED_HERE: list[str] = []


# A `newsflow run`'s flow run carries its process from its creation (Prefect 56): a run the process left Pending
# (a 500 to its Running write, a kill before it) has no `infrastructure_pid` yet, recorded only once the flow begins.
PROCESS_TAG = "newsflow-process:"


def process_tag() -> str:
    return PROCESS_TAG + process_record()


def tagged_process(flow_run: FlowRun) -> str | None:
    return next((tag.removeprefix(PROCESS_TAG) for tag in flow_run.tags if tag.startswith(PROCESS_TAG)), None)


def this_process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def process_record(pid: int | None = None) -> str:
    """`<hostname>:<pid>` of `pid` (this process), with `(boot <id>, tick <n>, machine <id>)` where /proc and
    /etc/machine-id give them. Older newsflow reads the pid part as no pid and leaves the run, the safe direction."""
    pid = os.getpid() if pid is None else pid
    boot, tick, machine = _boot_id(), _start_tick(pid), _machine_id()
    identity = f" (boot {boot}, tick {tick}" if boot is not None and tick is not None else ""
    if identity:
        identity += f", machine {machine})" if machine is not None else ")"
    return f"{socket.gethostname()}:{pid}{identity}"


_RECORD = re.compile(r"(?P<host>[^\s:]+):(?P<pid>\d+)"
                     r"(?: \(boot (?P<boot>[0-9a-f]+), tick (?P<tick>\d+)(?:, machine (?P<machine>[0-9a-f]+))?\))?")
MACHINE_IDS = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))


def _machine_id() -> str | None:
    """This machine's id (machine-id(5)): a boot id other than ours is an earlier boot only on this machine, and
    two machines (cloned VMs, a container given the host's hostname) may share a hostname (review of Prefect 56)."""
    for path in MACHINE_IDS:
        try:
            if (machine := path.read_text().strip().lower()) and all(c in "0123456789abcdef" for c in machine):
                return machine
        except OSError:
            continue
    return None


def elsewhere(record: re.Match[str], hostname: str | None = None) -> bool:
    """Whether a parsed record names another machine: another hostname, or this one's with another machine id."""
    machine = record["machine"]
    return record["host"] != (hostname or socket.gethostname()) or (machine is not None and machine != _machine_id())


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "") or None
    except OSError:  # not Linux
        return None


def _start_tick(pid: int) -> int | None:
    """When `pid` started, in clock ticks since boot (proc(5), field 22), or None without /proc or process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_bytes().rpartition(b")")[2].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def runs_started_here() -> list[str]:
    """The ids of the `ingest` flow runs this process has started so far, oldest first."""
    return list(_RUNS_STARTED_HERE)


def started_here(flow_run: FlowRun) -> None:
    """Say, for this process's CancelWatch, that this process runs `flow_run` (no API call: it is
    published even when the API refuses record_process)."""
    _RUNS_STARTED_HERE.append(str(flow_run.id))


async def record_process(client: PrefectClient, flow_run: FlowRun) -> None:
    """Say where this run runs, so a later run can tell whether its process is gone."""
    if not flow_run.infrastructure_pid:
        await client.update_flow_run(flow_run.id, infrastructure_pid=process_record())


def process_is_gone(infrastructure_pid: str | None, hostname: str | None = None) -> bool:
    """True only when `<host>:<pid>` names this host and no such process exists; with the process's identity
    recorded, also when it was recorded in another boot, or the pid now names a process that started later."""
    record = _RECORD.fullmatch(infrastructure_pid or "")
    if record is None or elsewhere(record, hostname):
        return False
    pid = int(record["pid"])
    if record["boot"] is not None and (boot := _boot_id()) is not None:
        if record["boot"] != boot:  # every process of an earlier boot has ended
            return True
        if (tick := _start_tick(pid)) is not None:  # else hidden (hidepid) or gone: os.kill tells which
            return tick != int(record["tick"])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_the_recorded_process(infrastructure_pid: str) -> bool:
    """Whether the record names its process's identity and that very process lives here."""
    record = _RECORD.fullmatch(infrastructure_pid)
    return bool(record and record["boot"] and not elsewhere(record)
                and record["boot"] == _boot_id() and _start_tick(int(record["pid"])) == int(record["tick"]))


async def mark_crashed_zombies(client: PrefectClient, own_id: UUID | None = None) -> list[UUID]:
    """Mark Crashed the Running `ingest` runs whose process on this host is gone, and Cancelled the Cancelling
    ones (a second stop or a SIGKILL between the engine's Cancelling and Cancelled writes, Prefect 55) and the
    Pending ones `newsflow run` created (its tag names the process: a 500 to the Running write, Prefect 56); their
    ids. A Pending run is judged by its tag alone: one with no such tag (a deployment's, a worker's, a served run
    retried from the UI, which keeps its dead first process's `infrastructure_pid`) is left to its runner."""
    stuck = await client.read_flow_runs(
        flow_filter=FlowFilter(name=FlowFilterName(any_=[FLOW_NAME])),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(
            any_=[StateType.RUNNING, StateType.CANCELLING, StateType.PENDING]))),
    )
    ended = []
    for zombie in stuck:
        if zombie.id == own_id or not process_is_gone(recorded_process(zombie)):
            continue
        if await _ended_zombie(client, zombie):
            ended.append(zombie.id)
    return ended


def recorded_process(zombie: FlowRun) -> str | None:
    """The process a left run names: a Pending run's tag only (a retried run keeps its first process's pid)."""
    if zombie.state is not None and zombie.state.type is StateType.PENDING:
        return tagged_process(zombie)
    return zombie.infrastructure_pid or tagged_process(zombie)


async def _ended_zombie(client: PrefectClient, zombie: FlowRun) -> bool:
    state = zombie.state.type if zombie.state is not None else None
    cancelling = state in (StateType.CANCELLING, StateType.PENDING)  # a Pending run never ran: nothing crashed
    left, marked = ("Pending" if state is StateType.PENDING else "Cancelling", "Cancelled") if cancelling else (
        "Running", "Crashed")
    where = recorded_process(zombie)
    message = f"its process ({where}) ended before the run finished; found by {this_process()}"
    end: State[None] = Cancelled(message=message) if cancelling else Crashed(message=message)
    try:
        await client.set_flow_run_state(zombie.id, end, force=True)
    except Exception as exc:
        if server_error(exc) is None:  # a lost API, a 4xx: the caller's to judge
            raise
        if await deleted_for_good(client, zombie):
            return False
        log.warning("flow run %s (%s) was left %s by a killed process and the Prefect API refused to mark "
                    "it %s (%s); it stays %s in Prefect's UI (a run of a deployment deleted while it "
                    "ran is refused for good)", zombie.id, zombie.name, left, marked, server_error(exc), left)
        return False
    by = "a process that ended before it started" if left == "Pending" else "a killed process"
    log.warning("flow run %s (%s) was left %s by %s: marked %s", zombie.id, zombie.name, left, by, marked)
    return True


async def deleted_for_good(client: PrefectClient, zombie: FlowRun) -> bool:
    """Delete a zombie the server refused to mark whose deployment is gone: the server can never move such a run
    out of Running (it fails to release the deleted deployment's concurrency slot), so it showed Running in the UI
    for good and every later run's sweep warned of it again (Prefect 19's left). The warehouse's `runs` row keeps
    what it did (`abandoned`). False, and the run left, when its deployment still exists or the delete fails."""
    if zombie.deployment_id is None:
        return False
    try:
        await client.read_deployment(zombie.deployment_id)
        return False
    except ObjectNotFound:  # a 404 for its id: deleted, and an id is never made again
        pass
    except Exception as exc:
        if server_error(exc) is None:  # a lost API: the caller's to judge, as for the mark
            raise
        return False  # a server in trouble says nothing of the deployment: the old warning, asked again next sweep
    try:
        await client.delete_flow_run(zombie.id)
    except ObjectNotFound:  # another sweep deleted it first
        return True
    except Exception as exc:
        if server_error(exc) is None:
            raise
        return False
    log.warning("flow run %s (%s) was left Running by a killed process, and its deployment was deleted: Prefect's "
                "server can never mark it Crashed, so it was deleted from Prefect (the warehouse's `runs` table keeps "
                "its row)", zombie.id, zombie.name)
    return True


async def end_stranded_runs(client: PrefectClient, deployment_name: str) -> list[UUID]:
    """End the runs of `ingest/<deployment_name>` that a stopped service left holding the deployment's
    concurrency slot: Pending or Running with no live process recorded (Crashed), Cancelling (Cancelled).
    Only for a service about to serve that deployment, with the warehouse's service lock held."""
    try:
        deployment = await client.read_deployment_by_name(f"{FLOW_NAME}/{deployment_name}")
    except ObjectNotFound:  # the first start: nothing was served yet
        return []
    held = [StateType.PENDING, StateType.RUNNING, StateType.CANCELLING]
    runs = await client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
        flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=held))),
    )
    ended = []
    for stranded in runs:
        if (end := _ending(stranded)) is None:
            continue
        try:
            await client.set_flow_run_state(stranded.id, end, force=True)
        except Exception as exc:
            if server_error(exc) is None:
                raise
            log.warning("flow run %s (%s) was left %s by a service that stopped, and the Prefect API refused to end "
                        "it (%s)", stranded.id, stranded.name, _state_name(stranded), server_error(exc))
            continue
        log.warning("flow run %s (%s) was left %s by a service that stopped: marked %s, which frees the schedule's "
                    "slot", stranded.id, stranded.name, _state_name(stranded), end.name)
        ended.append(stranded.id)
    return ended


# What the command line of a run's process holds: Prefect's runner (3.9.1) starts a served run in a `spawn`
# multiprocessing child (`... spawn_main(...) --multiprocessing-fork`), or as `python -m prefect.engine`.
RUN_PROCESS_MARKS = (b"--multiprocessing-fork", b"prefect.engine")


def runs_elsewhere_or_here(infrastructure_pid: str) -> bool:
    """Whether `<host>:<pid>` may still be running a served run: a process on another host, a bare pid, the very
    process recorded (its boot and start tick), or, for a record without them (older newsflow, no /proc), a live
    process here whose command line is one Prefect's runner starts a run in. A live process here with another
    command line (a shell, a daemon, the next boot's anything) has the pid the run's dead process had: a reboot,
    or a container's restart, where pids start again from 1. Not the run's environment (a spawned child's
    `/proc/<pid>/environ` is its parent's: the runner passes the run's id in its arguments), not wall-clock start
    times (a clock set forward would end a live run; ticks since boot do not move). A command line this user
    may not read counts as a run's."""
    if process_is_gone(infrastructure_pid):
        return False
    record = _RECORD.fullmatch(infrastructure_pid)
    if record is None or elsewhere(record) or is_the_recorded_process(infrastructure_pid):
        return True
    pid = record["pid"]
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes()
        if not arguments:  # a kernel thread (the next boot's low pids), or a zombie: an ended process not yet reaped
            return Path(f"/proc/{pid}/stat").read_bytes().rpartition(b")")[2].split()[0] == b"Z"
    except FileNotFoundError:  # no /proc (macOS), or the process ended since
        return not process_is_gone(infrastructure_pid)
    except (OSError, IndexError):
        return True
    return any(mark in arguments for mark in RUN_PROCESS_MARKS)


def _ending(stranded: FlowRun) -> State[None] | None:
    """The state that ends a run a stopped service left, or None to leave it (its process lives on, or
    the Running sweep above judges it)."""
    where = stranded.infrastructure_pid
    state = stranded.state.type if stranded.state else None
    if where and runs_elsewhere_or_here(where):  # alive, or on another host, or a bare pid
        return None
    found_by = f"found by {this_process()} as its service started"
    if state is StateType.CANCELLING:
        return Cancelled(message=f"the service stopped while cancelling this run; {found_by}")
    if state is StateType.RUNNING and where:  # a process recorded, and gone: the sweep's case, said the same way
        again = "" if process_is_gone(where) else ", and its pid now names another process"
        return Crashed(message=f"its process ({where}) ended before the run finished{again}; {found_by}")
    what = "before starting its process" if state is StateType.PENDING else "before the run recorded its process"
    return Crashed(message=f"left {_state_name(stranded)} by a service that stopped {what}; {found_by}")


def _state_name(flow_run: FlowRun) -> str:
    return flow_run.state.type.value.capitalize() if flow_run.state else "unknown"
