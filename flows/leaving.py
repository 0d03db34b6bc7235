"""How `newsflow run` and `newsflow serve` end on their Prefect API: one line, then the process ends (exit 4).

Moved from flows/cli.py, which had grown past the house's 400 lines (Prefect 58's review, F6): `leave_without_prefect`
(a run's API went away or failed), `leave_a_stopped_service` (a stopped service's watch gave up), `leave_serving`
(a service gives up on its API), `end_now` (the output flushed, the children stopped, the process ended) and `fail`
(one line on stderr).
"""

from __future__ import annotations

import contextlib
import os
import sys
import urllib.error
from typing import NoReturn

from flows.apiwatch import start_own_line, stop_children
from flows.cancelwatch import end_what_exit_4_leaves
from flows.localserver import PrefectApi, prefect_home, read_state
from newsflow.cli_signals import drop_further_interrupts

EXIT_PREFECT = 4


def leave_without_prefect(api: PrefectApi, exc: Exception, *, end_own_runs: bool = True) -> NoReturn:
    """The Prefect API went away during the run (its server was killed, or stopped): one line, exit 4.

    What the run committed stays (polls and batches commit as they go); the rest stays pending.
    Prefect's client retries each call for about a minute before the run fails (its design, to
    ride out a server restart); after that, its log and event services would retry every queued
    item for as long again at exit: 73 s measured, printing `--- Error logging to API ---` between
    them. There is nothing left for them to reach, so the process ends now, without them. With `end_own_runs`,
    once its line is said, the process first ends the flow runs it leaves Pending or Running, if its API answers
    within `EXIT_4_SWEEP_S` (2 s, each call bounded whole; a refused connection asked once): before, the next run's
    sweep did, if one came (Prefect 58).
    """
    from flows.apiwatch import http_status
    from flows.localserver import LOG_FILE

    # The command ends exit 4: a stop now could not change the code its line promises, nor add a second line (its
    # KeyboardInterrupt out of the look at its runs below gave "interrupted", 130: Prefect 58's review, F1)
    drop_further_interrupts()

    what_happened, what_to_do = "stopped answering", (
        "the next `newsflow run` starts a new local server" if api.local
        else "start that server again, or unset PREFECT_API_URL to let newsflow start a local one")
    # It answers, with an error (5xx, or 4xx: a key refused, say): restarting nothing helps (red team 20). The
    # stopped-run watch's line carries its question's 5xx as its cause (Prefect 57's review, F5).
    if (status := http_status(exc) or answered_status(exc.__cause__)) is not None:
        server_log = f" ({prefect_home() / LOG_FILE})" if api.local else ""
        what_happened = f"answered {status} to a call"
        what_to_do = f"its server's log{server_log} says why; the next run calls it again"
    fail(f"the Prefect API at {api.url} {what_happened} during the run ({type(exc).__name__}: {exc}); what "
         f"the run had stored is kept and the rest stays pending for the next run; {what_to_do}", EXIT_PREFECT)
    if end_own_runs:
        end_what_exit_4_leaves(api.url)
    end_now(EXIT_PREFECT)


def answered_status(error: BaseException | None) -> int | None:
    """The status urllib's HTTPError carries: the stopped-run watch's question answered 5xx (its line's cause)."""
    return error.code if isinstance(error, urllib.error.HTTPError) else None


def end_now(code: int) -> NoReturn:
    """Flush the output and end the process, its child processes (a served run) first; a stop now changes nothing."""
    drop_further_interrupts()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    server = read_state(prefect_home()).get("pid")
    stop_children(spare=[server] if isinstance(server, int) else [])
    os._exit(code)


def leave_a_stopped_service(api: PrefectApi, error: Exception) -> NoReturn:
    """A stopped service's watch gave up on its API (flows/stoppedend.py): its runner's stop waited on Prefect's
    client's retries, 129-325 s measured, past a stop's 60 s (Prefect 58). One line, exit 4, its run ended with it."""
    status = answered_status(error.__cause__)
    what_happened = "stopped answering" if status is None else f"answered {status} to a call"
    fail(f"the Prefect API at {api.url} {what_happened} while the service stopped ({type(error).__name__}: "
         f"{error}); stopped without it: the run in flight ends with the service, and what it had stored is kept; "
         "its flow run and the schedule are marked by the next `newsflow run` or `newsflow serve`", EXIT_PREFECT)
    end_now(EXIT_PREFECT)


def leave_serving(api: PrefectApi, what_happened: str) -> NoReturn:
    """`newsflow serve` gives up on its Prefect API: one line saying what to do, exit 4, for its
    supervisor to restart it. Before, an API killed as the service started (or while it served)
    ended it with an httpx.ConnectError traceback, exit 1."""
    what_to_do = ("restart `newsflow serve` (a supervisor's restart does): it starts a new local server"
                  if api.local else "start that server again, then restart `newsflow serve`")
    fail(f"the Prefect API at {api.url} {what_happened}, so no scheduled run can start; stopping; {what_to_do}",
         EXIT_PREFECT)
    end_now(EXIT_PREFECT)


def fail(message: str, code: int) -> int:
    # one line, whatever the message holds, and on its own: Prefect's log worker can leave one open
    print(f"{start_own_line()}newsflow: {' '.join(message.split())}", file=sys.stderr)
    return code
