"""`newsflow serve` stops within seconds even while Prefect's runner is starting a run (Prefect 20).

Prefect 3.9.1's `Runner.astop` cancels the runs it has a process for, then stops polling, and the runner's
exit waits for every run it is still submitting. A run its last poll took had no process yet while the runner
proposed it Pending and Submitting and spawned it (seconds; 20 s and more on a loaded machine), nor for the
moment between the spawn and the runner's record of the process: such a run was not cancelled, its process
started after the stop and ran the whole ingest (up to `run_budget_seconds`), and the service waited for it,
past a supervisor's stop timeout (systemd's 90 s), whose SIGKILL left the run Running in Prefect's UI.

`ServiceRunner` closes both windows once the runner is stopping: a run not yet submitted is moved to Cancelled
instead (its process never starts), and a process the runner records after its stop is cancelled at once, as
the stop cancels the others (the run's batch in flight rolls back; flows/ingest.py marks it `cancelled`).

Prefect's cancel sends the run's process SIGTERM, then looks whether it has ended every 3 s (a tenth of its 30 s
grace), and records the run Cancelled only then: a run whose process had ended in half a second stayed Running in
Prefect for up to 3 s more, and the service's stop waited as long. `ServiceRunner` waits on the process's own
sentinel instead (multiprocessing's fd that becomes readable as it ends): the run is Cancelled as its process
ends (Prefect 54).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, Coroutine
from contextlib import suppress
from typing import Any
from uuid import UUID

from prefect.client.schemas.objects import FlowRun
from prefect.exceptions import ObjectNotFound
from prefect.runner import Runner
from prefect.runner._process_manager import ProcessHandle, ProcessManager

from flows.servepatience import say
from flows.staleruns import is_stale

STOPPED_BEFORE_ITS_PROCESS = "Runner is shutting down: the run was cancelled before its process started."
CANCEL_GRACE_S = 30.0  # as Prefect's cancel: SIGTERM, then SIGKILL if the process is still there
logger = logging.getLogger("newsflow.serve")
STOPPING = "Runner is shutting down."  # Prefect's own message for the runs its stop cancels


class ServiceRunner(Runner):
    """Prefect's runner, whose stop also cancels the runs it is still starting, and goes on through a second
    stop signal."""

    _entered = False  # its __aenter__ has completed: from then on a stop is the runner's own, under way or not
    _said_stopping = False
    # Told of each stop signal (the stopped service's watch: Prefect 58); False: the stop is no longer the runner's
    on_stop: Callable[[], bool] | None = None

    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        """A stop signal once the stop is under way (a second Ctrl-C, a supervisor's SIGTERM after one) lets the
        stop go on. Prefect's handler called `sys.exit(0)` wherever the stop was: the service printed "stopped"
        while the run it had cancelled was still rolling back (its line came after, from a process left behind
        for a moment), and the exit cut the stop's pause short, leaving the schedule active with no runner (red
        team 31; tests/flows/test_serve_end.py). The stop is bounded by Prefect's cancel (SIGTERM to the run, then
        SIGKILL after 30 s) while the API answers, and by the API watch (`execution.api_patience_seconds`, exit 4)
        when it does not; SIGKILL is the way to end the service at once."""
        # It sets an event: nothing here can block a second signal's handler. Once the stopped service's watch has
        # given up, its line is the service's last: the process ends in there (Prefect 58's review, F2)
        if self.on_stop is not None and not self.on_stop():
            return
        # Counted before anything else: a second signal can run inside this handler (between two bytecodes of
        # the main thread) and must see the first one's stop as under way before Prefect's handler marks it so;
        # `next` on a count is one C call, which no handler interrupts (review: a second signal inside the first
        # one's logging took Prefect's path, and the first one's then found the runner stopping and exited). Not
        # `self.stopping`: Prefect sets it on its own (a lost cancellation observer) and the runner polls on, so
        # the first signal then takes Prefect's path and ends the service (review: it was ignored, for ever).
        if self._entered and (next(self._stop_signals) or not self.started):
            if not self._said_stopping:
                self._said_stopping = True
                say("stopping already: the run in flight ends first (its batch rolls back, at most "
                    f"{CANCEL_GRACE_S:.0f} s), then the schedule is paused")
            return
        super().handle_sigterm(*args, **kwargs)

    async def __aenter__(self) -> ServiceRunner:
        asyncio.get_running_loop().set_exception_handler(_shutdowns_own_cancels_unsaid)
        await super().__aenter__()
        try:
            self._check_prefects_internals()
        except RuntimeError:
            await super().__aexit__(None, None, None)  # what it entered: the client, its task groups
            raise
        self._stop_signals = itertools.count()
        self._entered = True
        proposer, processes = self._state_proposer, self._process_manager
        # Instance attributes over Prefect's methods: the poller and the executor call them through these objects.
        proposer.propose_submitting = self._submitting_unless_stopping(  # type: ignore[method-assign, assignment]
            proposer.propose_submitting)
        proposer.propose_pending = self._pending_unless_stale(  # type: ignore[method-assign, assignment]
            proposer.propose_pending)
        processes.add = self._cancelled_if_added_after_the_stop(processes.add)  # type: ignore[method-assign, assignment]
        processes.kill = kill_seeing_the_end(processes)  # type: ignore[method-assign]
        return self

    def _check_prefects_internals(self) -> None:
        """The hooks below wrap private objects of Prefect's runner (prefect==3.9.1, pinned): if a new Prefect
        renamed them, or its poller or cancel no longer used the runner's own, the fix would be lost without a word
        (for the kill, worse: an AttributeError in it makes Prefect's cancel give up, and the run is never stopped)."""
        try:
            poller = self._scheduled_run_poller
            proposer, processes = self._state_proposer, self._process_manager
            shared = (poller._state_proposer is proposer and poller._process_manager is processes
                      and callable(proposer.propose_submitting) and callable(proposer.propose_pending)
                      and callable(processes.add) and callable(processes.get))
            killed_by_ours = (self._cancellation_manager._process_manager is processes
                              and callable(self._cancellation_manager.cancel) and callable(processes.kill)
                              and isinstance(getattr(ProcessHandle, "raw_process", None), property)
                              and all(callable(getattr(ProcessHandle, name, None))
                                      for name in ("graceful_kill", "hard_kill")))
        except AttributeError:
            shared = killed_by_ours = False
        if not shared:
            raise RuntimeError("flows/servestop.py: this Prefect's runner internals are not those ServiceRunner hooks "
                               "(written for prefect 3.9.1); update ServiceRunner and tests/flows/test_prefect20.py")
        if not killed_by_ours:
            raise RuntimeError("flows/servestop.py: this Prefect's runner internals are not those kill_seeing_the_end "
                               "uses (its cancel's process manager, ProcessHandle's raw_process, graceful_kill, "
                               "hard_kill; written for prefect 3.9.1); update it and tests/flows/test_prefect54.py")

    def _submitting_unless_stopping(self, propose_submitting: Callable[[FlowRun], Coroutine[Any, Any, bool]]
                                    ) -> Callable[[FlowRun], Coroutine[Any, Any, bool]]:
        """The runner's last call before it spawns a run's process: once stopping, the run is Cancelled
        instead, and the runner, told the submission was refused, spawns nothing."""
        async def submitting(flow_run: FlowRun) -> bool:
            if not self.stopping and not await propose_submitting(flow_run):
                return False  # the server refused it: the runner's own case
            if not self.stopping:
                return True
            await self._cancel_unstarted(flow_run)
            return False
        return submitting

    def _pending_unless_stale(self, propose_pending: Callable[[FlowRun], Coroutine[Any, Any, bool]]
                              ) -> Callable[[FlowRun], Coroutine[Any, Any, bool]]:
        """The poller's first call for a run it took: a run of an earlier plan of the schedule, or one planned for
        a paused deployment (flows/staleruns.py), is deleted instead, before Pending takes the concurrency slot."""
        async def pending(flow_run: FlowRun) -> bool:
            if flow_run.auto_scheduled and flow_run.deployment_id is not None:
                try:
                    deployment = await self._client.read_deployment(flow_run.deployment_id)
                except ObjectNotFound:  # deleted: the service's own check says so; nothing of it starts
                    return False
                except Exception as exc:  # a failing API: the run stays Scheduled and the next poll asks again
                    logger.warning("could not read the deployment of flow run %s (%s: %s); it starts on a later poll",
                                   flow_run.id, type(exc).__name__, exc)
                    return False
                if is_stale(flow_run, deployment):
                    with suppress(ObjectNotFound):
                        await self._client.delete_flow_run(flow_run.id)
                    logger.warning("deleted flow run %s (%s), Scheduled for %s by an earlier plan of the schedule "
                                   "or while it was paused (Prefect's scheduler's race): not started",
                                   flow_run.id, flow_run.name, flow_run.expected_start_time)
                    return False
            return await propose_pending(flow_run)
        return pending

    async def _cancel_unstarted(self, flow_run: FlowRun) -> None:
        try:
            current = await self._client.read_flow_run(flow_run.id)  # its state now: Pending or Submitting
            if current.state is None or not current.state.is_final():
                await self._state_proposer.propose_cancelled(current, {"message": STOPPED_BEFORE_ITS_PROCESS})
        except Exception as exc:  # the API lost as the service stops: the run never started, the server keeps it
            logger.warning("could not mark flow run %s Cancelled as the service stopped (%s: %s); it never started",
                           flow_run.id, type(exc).__name__, exc)

    def _cancelled_if_added_after_the_stop(self, add: Callable[[UUID, ProcessHandle], Coroutine[Any, Any, None]]
                                           ) -> Callable[[UUID, ProcessHandle], Coroutine[Any, Any, None]]:
        """A process the runner records once its stop has begun is cancelled now: the stop's snapshot of the runs
        with a process (taken as it sets the poller stopping) missed it."""
        async def add_and_cancel_if_stopping(flow_run_id: UUID, handle: ProcessHandle) -> None:
            await add(flow_run_id, handle)
            if not self._scheduled_run_poller.stopping:  # the stop has not begun: its own cancel sees this one
                return
            try:
                flow_run = await self._client.read_flow_run(flow_run_id)
            except Exception as exc:  # the API lost as the service stops: the process goes all the same
                logger.warning("could not read flow run %s as the service stopped (%s: %s); stopping its process",
                               flow_run_id, type(exc).__name__, exc)
                await self._process_manager.kill(flow_run_id, grace_seconds=CANCEL_GRACE_S)
                return
            await self._cancellation_manager.cancel(flow_run, state_msg=STOPPING)
        return add_and_cancel_if_stopping


def _shutdowns_own_cancels_unsaid(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """A stop whose schedule pause failed (its API answering 500) ended the runner's loop while a served run's
    process was still connected to its control channel: asyncio cancelled the connection's task, and the stream's
    callback (Python 3.11 `StreamReaderProtocol.connection_made`) read its exception, a CancelledError: "Exception in
    callback" with two tracebacks at ERROR before the service's one line (Prefect 58, measured). A cancel is the
    shutdown's own doing; anything else goes to asyncio's own handler."""
    if not isinstance(context.get("exception"), asyncio.CancelledError):
        loop.default_exception_handler(context)


def kill_seeing_the_end(processes: ProcessManager) -> Callable[..., Coroutine[Any, Any, None]]:
    """`processes`' kill (SIGTERM, SIGKILL after the grace), returning as the process ends rather than at the next
    of Prefect's 3-second looks: the cancel records the run Cancelled as soon as it has stopped. A process with no
    sentinel (not multiprocessing's: a worker's), and a forced kill, go to Prefect's own."""
    kill = processes.kill

    async def kill_and_see_the_end(flow_run_id: UUID, grace_seconds: float = CANCEL_GRACE_S, *,
                                   force: bool = False) -> None:
        handle = processes.get(flow_run_id)
        sentinel = getattr(handle.raw_process, "sentinel", None) if handle is not None else None
        if force or handle is None or not isinstance(sentinel, int):
            await kill(flow_run_id, grace_seconds, force=force)
            return
        try:
            handle.graceful_kill()
        except ProcessLookupError:  # already ended and reaped: as Prefect's kill
            return
        if not await _ended(sentinel, grace_seconds):
            with suppress(ProcessLookupError):
                handle.hard_kill()
    return kill_and_see_the_end


async def _ended(sentinel: int, within_s: float) -> bool:
    """Whether the process whose multiprocessing sentinel this is ends within `within_s` (no polling: the fd is
    readable once it has ended)."""
    loop = asyncio.get_running_loop()
    ended = loop.create_future()

    def readable() -> None:
        if not ended.done():
            ended.set_result(None)

    loop.add_reader(sentinel, readable)
    try:
        await asyncio.wait_for(ended, within_s)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(sentinel)
    return True
