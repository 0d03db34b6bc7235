"""A stopped `newsflow run` whose Prefect API fails ends within a stopped run's budget: one line, exit 4 (Prefect 57).

Once a stop is asked, the run's end goes through Prefect's engine: its Cancelling and Cancelled writes. Against an
API whose `/health` answers while its other calls are cut (a proxy, a server dying), Prefect's client retries each
call 5 times (2+4+8+16+32 s): the stopped run said its line 65.4 s after the SIGTERM (measured on main), past the 60 s
a stopped run has to end (hunt 49's bound). `StoppedRunWatch` waits for a stop; `grace_s` after it, while the run has
not ended, it asks the API a question of its database (`apiwatch.database_question`), and again `again_s` after each
question that failed (a 5xx, a cut, a refusal, `QUERY_TIMEOUT_S` without its whole answer). Only `failures` such
questions in a row are an API the run's end waits on: `on_failing` gets a TimeoutError naming the last (its
`__cause__`), the command's one line, exit 4, the process ended. An API that answers (slowly, or again after a
restart) is left to finish the run's end: a first question at 10 s with a 2 s timeout gave up on a 13 s restart and
on an API 3.5 s slow a call, where main ended them Cancelled (Prefect 57's review, F1). With the defaults the last
question ends by 30 + 8 + 8 + 8 = 54 s after the stop. A 4xx is an answer (a Cloud API wants a key the question
does not carry).
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import urllib.error
from collections.abc import Callable

from flows.apiwatch import database_question
from flows.loopback import answer_within
from newsflow.cli_signals import a_stop_was_asked, stop_telling, tell_of_stops

STOP_GRACE_S = 30.0  # how long a stopped run's end may wait on its API before the API is asked
ASK_AGAIN_S = 8.0  # after a question that failed, the next one (an API restarting answers again within it)
QUERY_TIMEOUT_S = 8.0  # a question's whole call (an API 3.5 s slow a call answers)
FAILURES = 2  # questions failed in a row before the run's end is given up on
# A stopped `newsflow serve`: its `end_now` waits up to 5 s on its served run (SIGTERM, then SIGKILL), which a held
# API holds the whole 5 s: 30 s ended the service at 59.3 s (Prefect 58); 25 + 8 + 8 + 8 + 5 = 54 s. Still past the
# 21.6 s a slow API took and the 13 s restart (review F1): the first question comes after both.
SERVICE_STOP_GRACE_S = 25.0


def query_failure(api_url: str, timeout_s: float = QUERY_TIMEOUT_S) -> Exception | None:
    """Why the API did not answer a question of its database within `timeout_s` (the whole call), or None."""
    try:
        answer_within(database_question(api_url), timeout_s, 65_536)
    except urllib.error.HTTPError as error:
        return error if error.code >= 500 else None
    except (OSError, ValueError, http.client.HTTPException) as error:
        return error
    return None


class StoppedRunWatch:
    """Calls `on_failing(error)` once a stopped run's end has waited on an API that failed `failures` questions.

    `end()` (the run is over, the command says its own line from here) and the watch's decision to say its line
    are made under one lock, held only to look at and set two flags: one of the two lines is said, never both."""

    def __init__(self, api_url: str, on_failing: Callable[[Exception], object], grace_s: float | None = None,
                 again_s: float | None = None, timeout_s: float | None = None, failures: int | None = None) -> None:
        self.api_url, self.on_failing = api_url, on_failing  # the defaults are read now (a test sets them)
        self.grace_s = STOP_GRACE_S if grace_s is None else grace_s
        self.again_s = ASK_AGAIN_S if again_s is None else again_s
        self.timeout_s = QUERY_TIMEOUT_S if timeout_s is None else timeout_s
        self.failures = FAILURES if failures is None else failures
        self.gave_up = False  # the watch says the line (and ends the process)
        self._over = threading.Event()
        self._woken = threading.Event()  # a stop noted (cli_signals sets it) or the run over
        self._asked = threading.Event()  # a stop told by `stop_asked`
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="newsflow-stopped-run-watch", daemon=True)

    def start(self, on_noted_stops: bool = True) -> StoppedRunWatch:
        """Watch from the first stop `cli_signals` notes (`newsflow run`), or, without `on_noted_stops`, from the
        first `stop_asked()` (`newsflow serve`, whose runner takes its stop signals itself: Prefect 58)."""
        if on_noted_stops:
            tell_of_stops(self._woken)
        self._thread.start()
        return self

    def stop_asked(self) -> bool:
        """A stop, told directly (safe in a signal handler: it sets an event, nothing else). Whether the stop is still
        the teller's own: False once the watch has given up (it says the line and ends the process), and then the
        teller says nothing more: a service's runner said "stopping already" after the watch's exit-4 line (Prefect
        58's review, F2)."""
        self._asked.set()
        self._woken.set()
        return not self.gave_up

    def end(self) -> None:
        """The run is over. Once the watch has begun its line, this waits for it (it ends the process), a stop
        asked again dropped meanwhile: a KeyboardInterrupt out of here gave the command's own line beside the
        watch's (review F3)."""
        stop_telling(self._woken)  # first: a signal handler setting `_woken` while this holds its lock would hang
        try:
            with self._lock:  # held by the watch for two flags, never for its call: no wait here
                self._over.set()
        except KeyboardInterrupt:  # a stop asked again, this instant: the run is over all the same
            self._over.set()
        self._woken.set()
        while self.gave_up and self._thread.is_alive():  # the command's process ends in there (os._exit)
            with contextlib.suppress(KeyboardInterrupt):
                self._thread.join()

    def _watch(self) -> None:
        if not (a_stop_was_asked() or self._asked.is_set()):
            self._woken.wait()
        failed: list[Exception] = []
        wait_s = self.grace_s
        while not self._over.wait(wait_s):
            if (error := query_failure(self.api_url, self.timeout_s)) is None:
                failed.clear()
            else:
                failed.append(error)
            if len(failed) >= self.failures:
                break
            wait_s = self.again_s
        with self._lock:
            if self._over.is_set():
                return
            self.gave_up = True
        last = failed[-1]
        line = TimeoutError(f"the stopped run's end waited on it; {len(failed)} questions of its database failed "
                            f"in a row, the last: {type(last).__name__}: {last}")
        line.__cause__ = last  # its status, when it answered one (flows/cli.py: red team 20's advice for a 5xx)
        self.on_failing(line)
