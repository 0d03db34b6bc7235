"""Prefect's observers polling a lost API say so in one line, not with every failure's traceback (hunt 48).

Prefect's runner in `newsflow serve` (and the engine of each served run) watches for cancelled runs through a
websocket; once it is lost the observer polls the API in Prefect's `critical_service_loop`. Behind a Prefect server
that was killed, that loop printed `Failed the last 3 attempts…`, `Examples of recent errors:` and each recent
error's whole traceback (httpx's `ConnectError`, two chained tracebacks, ~40 lines) to stdout with `print`, then
raised `RuntimeError('Service exceeded error threshold.')`, which the observer logged at ERROR with its traceback
(`Cancellation polling task failed…`): in the service's output, before newsflow's own one line and exit 4.

`observer_polling_on_one_line` replaces the loop the observers call (their module's name for it, looked up when
polling begins) with one whose printer writes at debug level, and whose giving up (`RuntimeError`) is raised from the
last failure it saw, naming it: `apiwatch.keep_lost_connections_on_one_line`'s record factory then makes the
observer's ERROR one line, with the error's type and text and the last failure's (a refused connection, a 500 from
a locked database: what the printed examples said). A failure that is not the network's or a 5xx (which the loop
raises at once, as before) is left as it is, a bug's traceback included (a RuntimeError of the workload's own too).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from prefect._internal import _observation_delivery

logger = logging.getLogger("newsflow.serve")


def _at_debug(*parts: Any, **_print_options: Any) -> None:
    logger.debug("Prefect's polling loop: %s", " ".join(str(part) for part in parts).strip())


def one_line_loop(loop: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """`loop` (Prefect's `critical_service_loop`) printing at debug, its giving up raised from the last failure."""

    async def polling(workload: Callable[[], Awaitable[Any]], *args: Any, **kwargs: Any) -> None:
        failures: list[BaseException] = []

        async def watched() -> Any:
            try:
                return await workload()
            except Exception as exc:  # what the loop counts, or raises: noted, then as it was
                failures.append(exc)
                del failures[:-1]
                raise

        try:
            await loop(watched, *args, **(kwargs | {"printer": _at_debug}))
        except RuntimeError as exc:
            if not failures or failures[-1] is exc or exc.__cause__ is not None:
                raise  # the workload's own RuntimeError (a bug): as it was, traceback and context kept
            last = failures[-1]  # printed at debug only: the one line must still say what failed
            raise RuntimeError(f"{exc} Last error: {type(last).__name__}: {' '.join(str(last).split())}") from last

    polling.one_line = True  # type: ignore[attr-defined]
    return polling


def observer_polling_on_one_line() -> None:
    """From now on in this process, Prefect's observers poll with `one_line_loop`."""
    loop = _observation_delivery.critical_service_loop  # type: ignore[attr-defined]
    if not getattr(loop, "one_line", False):
        _observation_delivery.critical_service_loop = one_line_loop(loop)  # type: ignore[attr-defined,assignment]
