"""A `newsflow run` cancelled from Prefect's UI or API stops as Ctrl-C stops it.

Prefect cancels a flow run by setting it Cancelling; the process running it must notice. A worker,
or `newsflow serve`'s runner, watches for that and stops the run's process. A run the command runs
in its own process (`newsflow run`, `python flows/ingest.py`) had nobody watching: it went on to its
end, exit 0, `completed` in `runs`, and Prefect showed it Cancelling for ever.

`CancelWatch` asks the API every `every` seconds whether an `ingest` flow run this process started
after the watch did (its id, published by the flow as it starts: flows/zombies.py) is Cancelling.
Not by `infrastructure_pid`: `<hostname>:<pid>` comes back in a container with a fixed hostname,
and a run an earlier process left Cancelling would have stopped the next one. When one is, it
interrupts the process as
SIGTERM does (flows/__init__.py): the batch in flight rolls back, the run is recorded `cancelled`,
what it had not stored stays pending, and the command says so in one line and exits 130. Then
`mark_cancelled` moves the flow run from Cancelling to Cancelled.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request

from flows.loopback import answer_within
from flows.zombies import FLOW_NAME, process_tag, runs_started_here
from newsflow.cli_signals import a_stop_was_asked

CHECK_S = 2.0
QUERY_TIMEOUT_S = 10.0
STOPPED_QUERY_TIMEOUT_S = 2.0  # each of a stopped run's last calls, whole: the stop's line is said, the exit waits
LEFT_PENDING = ("newsflow run was stopped as Prefect created this flow run, before the run started; marked by the "
                "stopped process itself")
LEFT_UNENDED = ("newsflow run was stopped; its Prefect API failed the engine's own Cancelled write, so the stopped "
                "process marked it itself")
# Exit 4's look for this process's own unfinished runs, whole (then end_now's wait on children), as a stopped run's
# (STOPPED_QUERY_TIMEOUT_S): a 500 that heals at once (seed 5643:5) is answered at the second ask, 0.5 s in; 4 s
# cost every exit 4 behind an API that stays down 4 s (Prefect 58's review, F4); a 13 s restart outlasts either.
EXIT_4_SWEEP_S = 2.0
EXIT_4_ASK_AGAIN_S = 0.5
_EXIT_4 = "newsflow run ended (exit 4) on a call its Prefect API failed, {when}; marked by the exiting process itself"
EXIT_4_ENDS = {
    "PENDING": ("CANCELLED", "Cancelled", _EXIT_4.format(when="before the run started")),
    "RUNNING": ("CRASHED", "Crashed", _EXIT_4.format(when="before the run finished (what it stored is kept)")),
}


def _post(api_url: str, path: str, body: dict[str, object], timeout_s: float = QUERY_TIMEOUT_S) -> object:
    request = urllib.request.Request(api_url.rstrip("/") + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    return json.loads(answer_within(request, timeout_s, 4 * 2**20) or b"null")  # the whole call within timeout_s


def cancelling_run_among(api_url: str, run_ids: list[str]) -> str | None:
    """The id of one of the `ingest` flow runs `run_ids` that Prefect has Cancelling, if any."""
    if not run_ids:
        return None
    runs = _post(api_url, "/flow_runs/filter", {
        "flows": {"name": {"any_": [FLOW_NAME]}},
        "flow_runs": {"id": {"any_": run_ids}, "state": {"type": {"any_": ["CANCELLING"]}}},
        "limit": len(run_ids),
    })
    for run in runs if isinstance(runs, list) else []:
        if isinstance(run, dict) and str(run.get("id")) in run_ids:  # whatever the API's filter did
            return str(run.get("id"))
    return None


def mark_cancelled(api_url: str, run_id: str) -> None:
    """Cancelling -> Cancelled, once the run has stopped (the API may be gone by then: nothing to do)."""
    state = {"type": "CANCELLED", "name": "Cancelled",
             "message": "cancelled from Prefect; newsflow stopped the run, its batch in flight loaded whole or not at "
                        "all"}  # a load under way is committed whole (review of hunt 48)
    with contextlib.suppress(OSError, ValueError, http.client.HTTPException):
        _post(api_url, f"/flow_runs/{run_id}/set_state", {"state": state, "force": True})


def cancel_what_the_stop_left_pending(api_url: str, timeout_s: float = STOPPED_QUERY_TIMEOUT_S, *,
                                      running_too: bool = False) -> bool:
    """A stop before the engine's `capture_sigterm` (as Prefect created the flow run, or just after) is newsflow's:
    it cancels the run's task there, and the engine, which has not started its handling, leaves the flow run Pending
    (until the next run's sweep: Prefect 56). This process's own Pending `ingest` runs (its tag, from their creation)
    are moved to Cancelled now. Whether the API answered these database questions: False when it is gone, silent
    past `timeout_s` a call, or answering 5xx (its `/health` may answer beside a locked database: Prefect 56's F4),
    and then the caller does not wait on Prefect any more. A 4xx is an answer (a key wanted: nothing is marked).
    With `running_too` (the run was stopped, its row not completed), its Running and Cancelling runs too: the engine's
    own Cancelling or Cancelled write met a 500 or a cut and the run ended without it (Prefect 58)."""
    ends = {"PENDING": ("CANCELLED", "Cancelled", LEFT_PENDING)}
    if running_too:
        ends |= {left: ("CANCELLED", "Cancelled", LEFT_UNENDED) for left in ("RUNNING", "CANCELLING")}
    try:
        _end_own_runs(api_url, ends, timeout_s)
    except urllib.error.HTTPError as error:
        return error.code < 500
    except (OSError, ValueError, http.client.HTTPException):
        return False
    return True


def end_what_exit_4_leaves(api_url: str, within_s: float | None = None) -> bool:
    """`newsflow run` ends, exit 4, on a call its API failed (one 500 to the engine's Running write: Prefect 56's
    seed 5601:6): its flow run was left Pending (or Running) for the next run's sweep, for good if none came. Here
    the exiting process ends its own (its tag): Pending -> Cancelled (it never ran), Running -> Crashed, asking
    again every `EXIT_4_ASK_AGAIN_S` while the API answers with a failure (a 5xx, a cut, a call held past its time),
    `within_s` in all, each call bounded whole (`answer_within`): an API that holds its calls costs the exit `within_s`,
    never a hang. A refused connection (nothing listens: the server is gone) is asked once: asked again, it cost every
    such exit 4 its whole 4 s (Prefect 58's review, F4). Whether it answered."""
    deadline = time.monotonic() + (EXIT_4_SWEEP_S if within_s is None else within_s)  # read now: a test sets it
    while (left_s := deadline - time.monotonic()) > 0:
        try:
            _end_own_runs(api_url, EXIT_4_ENDS, left_s)
            return True
        except urllib.error.HTTPError as error:
            if error.code < 500:  # a key wanted: nothing to mark with this process's means
                return True
        except (OSError, ValueError, http.client.HTTPException) as error:
            if nobody_listens(error):
                return False
        time.sleep(max(0.0, min(EXIT_4_ASK_AGAIN_S, deadline - time.monotonic())))  # the API's pause, not a test's
    return False


def nobody_listens(error: BaseException) -> bool:
    """A connection refused (urllib's URLError carries it as its reason): no server there to ask again."""
    return isinstance(error.reason if isinstance(error, urllib.error.URLError) else error, ConnectionRefusedError)


def _end_own_runs(api_url: str, ends: dict[str, tuple[str, str, str]], timeout_s: float) -> None:
    """This process's `ingest` runs (its tag) in a state of `ends`, moved to the state it names."""
    deadline = time.monotonic() + timeout_s
    runs = _post(api_url, "/flow_runs/filter", {
        "flows": {"name": {"any_": [FLOW_NAME]}},
        "flow_runs": {"tags": {"all_": [process_tag()]}, "state": {"type": {"any_": list(ends)}}},
        "limit": 10,
    }, timeout_s)
    for run in runs if isinstance(runs, list) else []:
        if not isinstance(run, dict) or process_tag() not in (run.get("tags") or []):  # whatever the filter did
            continue
        if (end := ends.get(str(run.get("state_type")))) is None:
            continue
        state = {"type": end[0], "name": end[1], "message": end[2]}
        _post(api_url, f"/flow_runs/{run.get('id')}/set_state", {"state": state, "force": True},
              max(0.1, min(timeout_s, deadline - time.monotonic())))


class CancelWatch:
    """Interrupts this process (SIGTERM, as `docker stop`) once its flow run is Cancelling.

    Only runs this process starts after `start()` are watched. Once `stop()` has returned, the
    watch sends nothing: it checks and signals under the lock `stop()` takes, and `stop()` waits
    for it to end, so a SIGTERM it sent before is handled where `stop()` was called."""

    def __init__(self, api_url: str, every: float = CHECK_S) -> None:
        self.api_url, self.every = api_url, every
        self.cancelled_run: str | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._runs_before = 0
        self._thread = threading.Thread(target=self._watch, name="newsflow-cancel-watch", daemon=True)

    def start(self) -> CancelWatch:
        self._runs_before = len(runs_started_here())  # the runs of earlier commands in this process
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()  # at most one query (QUERY_TIMEOUT_S) and it sends nothing now

    def _watch(self) -> None:
        while not self._stopped.wait(self.every):
            try:
                run_id = cancelling_run_among(self.api_url, runs_started_here()[self._runs_before:])
            except (OSError, ValueError, http.client.HTTPException, urllib.error.URLError):
                continue  # an API that does not answer is ApiWatch's to judge
            if run_id is None:
                continue
            with self._lock:
                if self._stopped.is_set():  # the run is over: a SIGTERM now would hit what follows it
                    return
                if a_stop_was_asked():  # stopping already (Ctrl-C, SIGTERM): the engine's own Cancelling (Prefect 55)
                    return
                self.cancelled_run = run_id
                os.kill(os.getpid(), signal.SIGTERM)
            return
