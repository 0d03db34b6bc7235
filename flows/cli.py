"""`newsflow run` and `newsflow serve`: every ingest is a Prefect flow run, with no server step.

`newsflow.cli` finds these two commands through the `newsflow.commands` entry points
(pyproject.toml), so the library never imports this package or Prefect. Both commands first
find the Prefect API (flows/localserver.py): the configured one, which must answer, or a local
server they start once and later commands reuse. They print the UI's address in one line.

Exit codes, besides newsflow's (0 done, 1 crashed, 2 bad config or usage, 3 warehouse locked):
4 the configured Prefect API does not answer, or the local server would not start.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import warnings
from typing import Any

from flows import (
    configure_prefect_environment,
    ctrl_c_noted,
    give_back_ctrl_c,
    leaving,
    run_stoppably,
    sigterm_interrupts,
)
from flows.apiwatch import (
    ApiWatch,
    is_deleted_flow_run,
    is_lost_connection,
    start_own_line,
    watch_stderr_line_ends,
)
from flows.cancelwatch import CancelWatch, cancel_what_the_stop_left_pending, mark_cancelled
from flows.leaving import EXIT_PREFECT, fail
from flows.localserver import PrefectApi, PrefectUnavailable, answers, ensure_prefect_api
from flows.prefectsettings import check_prefect_settings
from flows.stoppedend import SERVICE_STOP_GRACE_S, StoppedRunWatch
from newsflow import machinelimits
from newsflow.cli_run import (
    checked_run_config,
    output_mode,
    print_config_warnings,
    print_summary,
    served_config,
    showing_progress,
)
from newsflow.cli_signals import (
    a_stop_was_asked,
    drop_further_interrupts,
    forget_stops_asked,
    how_the_stopped_run_is_recorded,
    is_the_command,
    the_run_was_recorded,
)
from newsflow.config import Config
from newsflow.errors import NewsflowError
from newsflow.launch import signals_interrupt_while_loading
from newsflow.runlock import service_lock_path

EXIT_CRASH, EXIT_WAREHOUSE, EXIT_INTERRUPTED = 1, 3, 130
# How long past its budget (and `extract.timeout`) a run waits on a Prefect API that does not answer,
# and how often it asks again after that; how often `newsflow serve` asks (flows/apiwatch.py).
HUNG_API_GRACE_S = 30.0
HUNG_API_CHECK_S = 15.0
SERVE_API_CHECK_S = 60.0


class SkippedRun(Exception):
    """The `ingest` flow ended Cancelled because another run held the warehouse."""


def cmd_run(args: argparse.Namespace) -> int:
    sigterm_interrupts()  # docker stop, systemctl stop: as Ctrl-C, from the start (flows/__init__.py)
    ctrl_c_noted()  # every stop signal is noted: whatever it makes the run raise, the run was interrupted
    try:
        return run_command(args)
    finally:  # its outcome is decided: a run after it in this process (the tests) starts unstopped
        forget_stops_asked()
        give_back_ctrl_c()


def run_command(args: argparse.Namespace) -> int:
    watch_stderr_line_ends()  # our one-line errors start their own line after Prefect's (_fail)
    config = getattr(args, "checked_config", None) or checked_run_config(args)  # `newsflow run` checked it
    mode = output_mode(args)
    print_config_warnings(config, mode)
    try:
        api = connect(quiet=mode == "quiet")
    except PrefectUnavailable as exc:
        return fail(str(exc), EXIT_PREFECT)
    quiet_prefects_console(mode)
    note_an_unserved_schedule(config, api, mode)
    watchdog = watch_for_a_hung_api(config, api)
    cancel_watch = CancelWatch(api.url).start()  # cancelled from Prefect's UI: stop as SIGTERM stops
    # Its line comes by 54 s, within a stopped run's 60 s: no time for exit 4's look at the runs left (Prefect 58)
    stopped_end = StoppedRunWatch(api.url, lambda error: leaving.leave_without_prefect(api, error, end_own_runs=False))
    if is_the_command():  # it ends the process: the command's own only
        stopped_end.start()
    result: dict[str, Any] | None = None
    try:
        with showing_progress(mode):
            try:
                result = run_as_flow(config, args, mode, api)
            finally:  # from here the command says its line
                stopped_end.end()
        cancel_watch.stop()  # inside the try: a SIGTERM it sent as the run ended lands here, not later
    except NewsflowError:
        if not a_stop_was_asked():
            raise
        return interrupted(result, mode, api, cancel_watch)
    except SkippedRun as exc:  # another run took the warehouse between our check and the flow's start
        return fail(str(exc), EXIT_WAREHOUSE)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (sigterm_interrupts), or CancelWatch
        return interrupted(result, mode, api, cancel_watch)
    except Exception as exc:  # the run failed; its row in `runs` and its Prefect state say so
        if a_stop_was_asked():  # a KeyboardInterrupt a library turned into its own error (cli_signals)
            return interrupted(result, mode, api, cancel_watch)
        if is_deleted_flow_run(exc) and answers(api.url, timeout_s=2.0):
            return fail("the run's flow run was deleted from Prefect (its UI or API) during the run; what "
                        "the run had stored is kept, and the rest stays pending for the next run", EXIT_CRASH)
        if (line := machinelimits.said_of(exc)) is not None:  # out of open files, memory, processes (Local 32)
            return fail(line, EXIT_CRASH)
        if is_lost_connection(exc) or not answers(api.url, timeout_s=2.0):  # its API died, maybe restarted
            leaving.leave_without_prefect(api, exc)
        return fail(f"run crashed: {type(exc).__name__}: {exc}", EXIT_CRASH)
    finally:
        watchdog.cancel()
        cancel_watch.stop()
    print_summary(result, mode)
    return 0


def note_an_unserved_schedule(config: Config, api: PrefectApi, mode: str) -> None:
    """The schedule a killed `newsflow serve` left active, paused now, in one line (flows/unserved.py). Where no
    service ever ran for the warehouse (no lock file) it costs nothing: Prefect's settings, rebuilt for the check,
    cost every run 60-120 ms before the review."""
    if not service_lock_path(config.warehouse_path).exists():
        return
    configure_prefect_environment()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import deployment_name
    from flows.unserved import pause_a_schedule_no_service_serves

    with temporary_settings({PREFECT_API_URL: api.url}):
        said = pause_a_schedule_no_service_serves(config, deployment_name(config.path))
    if said is not None and mode != "quiet":
        print(f"{start_own_line()}newsflow: {said}", file=sys.stderr)


def interrupted(result: dict[str, Any] | None, mode: str, api: PrefectApi, cancel_watch: CancelWatch) -> int:
    """A stop signal reached the run: Ctrl-C, SIGTERM or SIGHUP (sigterm_interrupts), or CancelWatch's SIGTERM,
    whether it came out as KeyboardInterrupt or as what a library made of one. Its line said, the flow run a stop
    before the engine's handling left Pending is ended Cancelled (Prefect 57), and a `newsflow run` whose API did
    not answer that (gone, silent, or failing its calls beside a `/health` that answers) ends now: Prefect's
    services would retry what they hold at exit for about a minute more, after the line (Prefect 56's property,
    seed 5602:6: not ended 60 s after it; its review's F4: exit 80.6 s, the line at 20.4 s)."""
    code = say_interrupted(result, mode, api, cancel_watch)
    # A stopped run whose engine's Cancelled write failed (a 500, a cut) was left Running: ended here too (Prefect 58)
    # (not one recorded completed as it was stopped: the engine's own end stands there; Prefect 58's review, F5)
    running_too = code == EXIT_INTERRUPTED and not the_run_was_recorded()
    if not cancel_what_the_stop_left_pending(api.url, running_too=running_too) and is_the_command():
        leaving.end_now(code)
    return code


def say_interrupted(result: dict[str, Any] | None, mode: str, api: PrefectApi, cancel_watch: CancelWatch) -> int:
    drop_further_interrupts()  # a second Ctrl-C now could not change the 130 this line promises
    # A Ctrl-C inside asyncio.run's own shutdown leaves its shutdown coroutine unawaited; Python's warning
    # about it would print after the one line below (seen in CI at high load: Ctrl-C twice)
    warnings.filterwarnings("ignore", message="coroutine .* was never awaited", category=RuntimeWarning)
    cancel_watch.stop()
    if result is not None:  # the run had ended, completed, before the interrupt: it stands
        print_summary(result, mode)
        return 0
    if the_run_was_recorded():  # a stop asked again HOLD_AT_MOST_S after a dropped one, as the command ended
        return fail("interrupted as the run ended; the run is recorded completed, and what it stored is kept",
                    EXIT_INTERRUPTED)
    recorded = how_the_stopped_run_is_recorded()  # its row, or why the next run marks it abandoned (hunt 49)
    if cancel_watch.cancelled_run is not None:
        mark_cancelled(api.url, cancel_watch.cancelled_run)
        return fail(f"cancelled from Prefect (flow run {cancel_watch.cancelled_run}); {recorded}, and what it had "
                    "not stored stays pending", EXIT_INTERRUPTED)
    return fail(f"interrupted; {recorded}, and what it had not stored stays pending", EXIT_INTERRUPTED)


def watch_for_a_hung_api(config: Config, api: PrefectApi) -> ApiWatch:
    """A Prefect API that accepts and never answers (its server stopped, not killed; a frozen VM)
    held a run far past its budget: Prefect's client waits on each call, then retries it (red team
    7: a run with a 30 s budget was still waiting 6 minutes later). Past the budget, `extract.timeout`
    and HUNG_API_GRACE_S, and every HUNG_API_CHECK_S after, a run whose API does not answer a
    question its database must answer (`/health` answers beside a locked database: red team 8) ends
    as one whose API died."""
    deadline = config.run_budget + config.extract.timeout + HUNG_API_GRACE_S

    def leave(silent_for: float) -> None:
        leaving.leave_without_prefect(api, TimeoutError(f"no answer {deadline + silent_for:.0f} s into a run whose "
                                                        f"budget is {config.run_budget:.0f} s"))

    return ApiWatch(api.url, first_after=deadline, every=HUNG_API_CHECK_S, patience=0, on_silent=leave).start()


def watch_the_api_while_serving(config: Config, api: PrefectApi) -> ApiWatch | None:
    """`newsflow serve` behind an API that answers nothing starts no run, for ever, while it looks up
    to its supervisor. After `execution.api_patience_seconds` of silence it exits 4 in one line, so
    the supervisor restarts it (and the new service starts a new local server)."""
    patience = config.execution.api_patience_seconds
    if patience <= 0:
        return None

    def leave(silent_for: float) -> None:
        leaving.leave_serving(api, f"has answered nothing for {silent_for:.0f} s (execution.api_patience_seconds = "
                                   f"{patience:g})")

    every = min(SERVE_API_CHECK_S, patience)
    return ApiWatch(api.url, first_after=every, every=every, patience=patience, on_silent=leave).start()


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the schedule through Prefect's `serve` until SIGTERM or Ctrl-C; see flows/serve.py.

    Until Prefect's runner sets its SIGTERM handler (connecting to or starting the Prefect server, setting up
    the deployment: 2-40 s), SIGTERM and SIGHUP are a Ctrl-C: one line, exit 130, as for `newsflow run`.
    Before (red team 23), they ended the service by the signal, silently."""
    with signals_interrupt_while_loading():
        watch_stderr_line_ends()  # our one-line errors start their own line after Prefect's (_fail)
        if (config := getattr(args, "checked_config", None)) is not None:  # `newsflow serve`: it holds the lock
            return serve_config(config)
        with served_config(args) as config:
            return serve_config(config)


def serve_config(config: Config) -> int:
    try:
        api = connect(quiet=False)
    except PrefectUnavailable as exc:
        return fail(str(exc), EXIT_PREFECT)
    configure_prefect_environment()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.serve import DeploymentGone, schedule_for, serve_ingest
    from flows.servepatience import failing_api

    schedule_for(config.schedule)  # a schedule that cannot be served is a config error, before serving
    watch = watch_the_api_while_serving(config, api)
    stopped = StoppedRunWatch(api.url, lambda error: leaving.leave_a_stopped_service(api, error),
                              grace_s=SERVICE_STOP_GRACE_S).start(on_noted_stops=False)
    try:
        with temporary_settings({PREFECT_API_URL: api.url}):
            serve_ingest(config, api.url, on_stop=stopped.stop_asked)
    except DeploymentGone as exc:  # before, it polled for ever, starting nothing, saying nothing
        fail(f"{exc}, so no scheduled run can start; stopping; restart `newsflow serve` (a supervisor's restart "
             "does): it creates the deployment again", EXIT_PREFECT)
        leaving.end_now(EXIT_PREFECT)
    except Exception as exc:  # the API went away (killed, its machine gone): Prefect's client raised
        if (failing := failing_api(exc)) is not None:
            leaving.leave_serving(api, str(failing))
        if is_lost_connection(exc) or not answers(api.url, timeout_s=2.0):
            leaving.leave_serving(api, f"stopped answering ({type(exc).__name__}: {exc})")
        raise
    finally:
        stopped.end()
        if watch is not None:
            watch.cancel()
    print("newsflow serve: stopped")
    return 0


def connect(*, quiet: bool) -> PrefectApi:
    """The Prefect API for this command; prints the UI's address, once, in one line."""
    check_prefect_settings()  # an invalid PREFECT_* value: one line now, not a failure further on
    api = ensure_prefect_api(on_stopped=lambda said: print(f"newsflow: {said}", file=sys.stderr))
    if not quiet:
        where = ("a local Prefect server started now; `uv run prefect server stop` stops it" if api.started
                 else "the local Prefect server" if api.local else api.url)
        print(f"newsflow: Prefect UI at {api.ui_url} ({where})", file=sys.stderr)
    return api


def quiet_prefects_console(mode: str) -> None:
    """Before Prefect's import, which sets its logging up from these once (so before `note_an_unserved_schedule`:
    imported there first, Prefect printed every run's INFO lines and a failed task's traceback under --quiet)."""
    if mode != "verbose":  # Prefect's lines still reach the API; a failure is the command's one line
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
        # prefect._internal's own handler: a service that cannot reach the API logs each item it
        # drops at ERROR, with the item's repr (2 KB an event); the log worker writes its failures
        # to stderr itself, unless the process says handler errors are not to be shown.
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_DEBUG_LEVEL", "CRITICAL")
        logging.raiseExceptions = False


def run_as_flow(config: Config, args: argparse.Namespace, mode: str, api: PrefectApi) -> dict[str, Any]:
    quiet_prefects_console(mode)
    configure_prefect_environment()
    from prefect import tags
    from prefect.exceptions import TerminationSignal
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.ingest import SKIPPED, ingest
    from flows.runcancel import forget_the_cancel, take_early_stops_as_a_cancel, take_the_stop_as_a_cancel
    from flows.zombies import process_tag

    spare_the_collector()
    # Prefect may have been imported before the API was known; the flow run names its process from its creation
    with temporary_settings({PREFECT_API_URL: api.url}), tags(process_tag()):
        try:
            take_early_stops_as_a_cancel()  # a SIGTERM before the flow's first line meets the engine's handler
            # asyncio.run, whose task a stop signal cancels; the engine records the stop Cancelled (Prefect 55)
            result: dict[str, Any] = run_stoppably(
                ingest(config_path=str(config.path), feeds=args.feed, all_feeds=args.all),
                on_the_stop=take_the_stop_as_a_cancel, stop_raised_as=(TerminationSignal,))
        except SKIPPED as exc:
            reason = str(exc)  # the flow's Cancelled state says "skipped: <why>" already
            raise SkippedRun(reason if reason.startswith("skipped:") else f"skipped: {reason}") from exc
        finally:
            forget_the_cancel()
    return result


def spare_the_collector() -> None:
    """Leave the objects Prefect's import made (about a million) out of every later collection.

    The full collections the interpreter makes at exit walked them all: 1.2-2.4 s between the
    last atexit handler and the end of the process on a loaded 2-core machine, 0.5-0.8 s after
    (docs/performance.md, section 7). They live as long as the process, so the collector has
    nothing to gain from them. A process that runs the command again and again (the tests) keeps
    for good whatever was alive at each call; `newsflow run` ends right after it.
    """
    gc.freeze()
