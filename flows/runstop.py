"""A served run stopped mid-work says so in one line, not with Prefect's traceback (Prefect 21).

When `newsflow serve` stops (SIGTERM, Ctrl-C) or the run is cancelled, Prefect's runner sends the run's own
process SIGTERM. Prefect 3.9.1's engine turns it into `TerminationSignal` out of the event loop, `asyncio.run`
then cancels the run's task, and the engine, having recorded the run Cancelled, ends that task with a new
`TerminationSignal`. asyncio reports a task that ends with an exception as its loop shuts down through the
loop's exception handler, whose default logs `unhandled exception during asyncio.run() shutdown` with the whole
traceback, in the service's output. The engine then exits 0 as it would anyway.

`say_stops_on_one_line` sets the running loop's exception handler (asyncio's own hook, no Prefect internals):
a `TerminationSignal` is kept at debug level, anything else goes to the handler there was before.
`stopped_line` is the run's one line, which the flow logs as it is stopped: in the service's output and the
run's logs.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from prefect.context import FlowRunContext
from prefect.exceptions import TerminationSignal

logger = logging.getLogger("newsflow.serve")
STOPPED = ("run {run_id} ({name}) stopped before its end (its service stopped, or it was cancelled): its batch "
           "in flight rolled back, its `runs` row says cancelled, and what it had not stored stays pending for the "
           "next run")
ExceptionHandler = Any  # asyncio's own type for it is private


def say_stops_on_one_line() -> None:
    """From now on the running loop keeps a task's `TerminationSignal` out of the output (at debug level)."""
    loop = asyncio.get_running_loop()
    previous: ExceptionHandler = loop.get_exception_handler()
    if getattr(previous, "keeps_stops_on_one_line", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), TerminationSignal):  # the run's line was said as it stopped
            logger.debug("%s", context.get("message"), exc_info=context["exception"])
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.keeps_stops_on_one_line = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


def stopped_line() -> str | None:
    """The line for this flow run, if it is a deployment's (served or deployed): `newsflow run` says its own."""
    context = FlowRunContext.get()
    this_run = context.flow_run if context else None
    if this_run is None or this_run.deployment_id is None:
        return None
    return STOPPED.format(run_id=this_run.id, name=this_run.name)
