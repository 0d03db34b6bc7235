"""A stopped `newsflow run` whose Prefect API fails ends within a stopped run's budget: one line, exit 4 (Prefect 57).

Once a stop is asked, the run's end goes through Prefect's engine: its Cancelling and Cancelled writes. Against an
API whose `/health` answers while its other calls are cut (a proxy, a server dying), Prefect's client retries each
call 5 times (2+4+8+16+32 s): the stopped run said its line 65.4 s after the SIGTERM (measured on main), past the 60 s
a stopped run has to end (hunt 49's bound). `StoppedRunWatch` waits for a stop; every `grace_s` after it, while the
run has not ended, it asks the API a question of its database (`apiwatch.database_question`); the first that fails
(a 5xx, a cut, a refusal, `QUERY_TIMEOUT_S` of silence) is the API the run's end waits on, and `on_failing` gets a
TimeoutError naming it (the command's one line, exit 4, the process ended). An API that answers is left to finish
the run's end. A 4xx is an answer (a Prefect Cloud API wants a key the question does not carry).
"""

from __future__ import annotations

import http.client
import threading
import urllib.error
from collections.abc import Callable

from flows.apiwatch import database_question
from flows.loopback import open_url
from newsflow.cli_signals import a_stop_was_asked

STOP_GRACE_S = 10.0  # how long a stopped run's end may wait on its API before the API is asked
QUERY_TIMEOUT_S = 2.0
NOTICE_S = 0.5  # how soon after a stop the watch notices it (a flag the signal handler sets: no event to wait on)


def query_failure(api_url: str, timeout_s: float = QUERY_TIMEOUT_S) -> Exception | None:
    """Why the API did not answer a question of its database within `timeout_s`, or None when it did."""
    try:
        with open_url(database_question(api_url), timeout_s) as response:
            response.read(65_536)
    except urllib.error.HTTPError as error:
        return error if error.code >= 500 else None
    except (OSError, ValueError, http.client.HTTPException) as error:
        return error
    return None


class StoppedRunWatch:
    """Calls `on_failing(error)` once a stopped run's end has waited `grace_s` on an API that fails a question.

    `end()` (the run is over, the command says its own line from here) takes the lock the call is made under, so
    the command's line and this one are never both said."""

    def __init__(self, api_url: str, on_failing: Callable[[Exception], object], grace_s: float = STOP_GRACE_S,
                 timeout_s: float = QUERY_TIMEOUT_S) -> None:
        self.api_url, self.on_failing, self.grace_s, self.timeout_s = api_url, on_failing, grace_s, timeout_s
        self._over = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="newsflow-stopped-run-watch", daemon=True)

    def start(self) -> StoppedRunWatch:
        self._thread.start()
        return self

    def end(self) -> None:
        with self._lock:
            self._over.set()

    def _watch(self) -> None:
        while not a_stop_was_asked():
            if self._over.wait(NOTICE_S):
                return
        while not self._over.wait(self.grace_s):
            if (error := query_failure(self.api_url, self.timeout_s)) is None:
                continue
            with self._lock:
                if not self._over.is_set():
                    self.on_failing(TimeoutError(f"the stopped run's end waited {self.grace_s:.0f} s on it, then a "
                                                 f"question failed: {type(error).__name__}: {error}"))
            return
