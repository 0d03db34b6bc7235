"""`newsflow serve` rides out a Prefect API that fails its calls, for `execution.api_patience_seconds`.

Prefect's runner asks the API for due runs in `critical_service_loop`, which gives up after 3
failures in a row (an HTTP 5xx, a broken connection): it printed each failure's traceback to
stdout, the runner paused the deployment, and `newsflow serve` ended with an exception group's
traceback and exit 1 (red team 20). A Prefect server on SQLite answers 500 while its database is
locked, which 3 polls (30 s at Prefect's default, 3 s at `PREFECT_RUNNER_POLL_FREQUENCY=1`) easily
span. The runner's loop is replaced by `patient_service_loop`: it says in one line that the API
fails and that it keeps asking, one more when the API answers again, and once the API has failed
every call for the service's patience it raises `ApiFailing`, which `newsflow serve` turns into
its one line and exit 4, as for an API that answers nothing (flows/apiwatch.py).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
from prefect.exceptions import PrefectHTTPStatusError
from prefect.runner import _scheduled_run_poller
from prefect.utilities.math import clamped_poisson_interval

from flows.apiwatch import is_lost_connection, server_error

Workload = Callable[[], Coroutine[Any, Any, Any]]
ServiceLoop = Callable[..., Coroutine[Any, Any, None]]


class ApiFailing(Exception):
    """The Prefect API failed every call of the runner's loop for the service's patience."""


class StopServing(Exception):
    """Raised by a step of the loop to end the service: never ridden out as a failing call."""


def is_failing_call(error: BaseException) -> bool:
    """An answer of the server's (5xx) or the network's fault: a 4xx is a bug of the caller's."""
    if isinstance(error, PrefectHTTPStatusError) or getattr(error, "response", None) is not None:
        return server_error(error) is not None  # any status error, Prefect's or httpx's own (httpx: not lost)
    return is_lost_connection(error)


def failing_api(error: BaseException) -> ApiFailing | None:
    """The `ApiFailing` inside the (nested) exception groups the runner's task groups raise, if any."""
    if isinstance(error, ApiFailing):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            if (found := failing_api(inner)) is not None:
                return found
    return None


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {' '.join(str(error).split())[:300]}"


def patient_service_loop(api_url: str, patience: float, first: Workload | None = None,
                         every: Workload | None = None) -> ServiceLoop:
    """A `critical_service_loop` that gives up only after `patience` seconds of failures (0: never).

    `first`, if given, is called once, by the first loop to start, before its first workload (and again
    on each turn until it succeeds): `newsflow serve` resumes its paused schedule there (flows/serve.py).
    `every`, if given, is called before each workload: `newsflow serve` checks its deployment is still there."""
    firsts = [first] if first is not None else []

    async def loop(workload: Workload, interval: float, run_once: bool = False,
                   jitter_range: float | None = None, **_prefects_own: Any) -> None:
        failing_since: float | None = None
        while True:
            try:
                while firsts:
                    await firsts[0]()
                    firsts.clear()
                if every is not None:
                    await every()
                await workload()
            except Exception as exc:
                if isinstance(exc, StopServing) or not is_failing_call(exc):
                    raise
                if failing_since is None:
                    failing_since = time.monotonic()
                    say_failing(api_url, patience, exc)
                elif patience > 0 and (failing_for := time.monotonic() - failing_since) >= patience:
                    raise ApiFailing(f"has failed every call for {failing_for:.0f} s (execution.api_patience_seconds"
                                     f" = {patience:g}; the last: {describe(exc)})") from None
            else:
                if failing_since is not None:
                    say(f"the Prefect API at {api_url} answers again; scheduled runs start again")
                failing_since = None
            if run_once:
                return
            await anyio.sleep(clamped_poisson_interval(interval, jitter_range) if jitter_range else interval)

    return loop


def say_failing(api_url: str, patience: float, error: Exception) -> None:
    limit = f"for up to {patience:g} s (execution.api_patience_seconds)" if patience > 0 else "until it answers"
    say(f"the Prefect API at {api_url} failed a call ({describe(error)}); no scheduled run starts while it fails; "
        f"asking again {limit}")


def say(line: str) -> None:
    print(f"newsflow serve: {line}", file=sys.stderr, flush=True)


def ride_out_failing_calls(api_url: str, patience: float, first: Workload | None = None,
                           every: Workload | None = None) -> None:
    """From now on in this process, the runner asks for due runs with `patient_service_loop`."""
    loop = patient_service_loop(api_url, patience, first, every)
    _scheduled_run_poller.critical_service_loop = loop  # type: ignore[attr-defined]
