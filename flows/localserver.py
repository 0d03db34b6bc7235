"""The Prefect API a run or a service talks to: the configured one, or a local server newsflow starts.

With no API configured (PREFECT_API_URL unset, in the environment and in the active Prefect
profile), the first `newsflow run` or `newsflow serve` starts `prefect server start` as a
detached process on 127.0.0.1 (port `PREFECT_SERVER_API_PORT`, 4200 by default, or a free one
when that is taken). Its SQLite database is Prefect's default, `$PREFECT_HOME/prefect.db`.
The server's pid goes to `$PREFECT_HOME/server.pid`, the file `prefect server stop` reads, so
Prefect's own command stops it; its URL, pid and Prefect version go to
`$PREFECT_HOME/newsflow-server.json`, so later commands reuse it, and start a new one when it has
died. Its log is `$PREFECT_HOME/newsflow-server.log`. Its database stays bounded: Prefect's vacuum
deletes finished flow runs older than 30 days, with their task runs, logs and artifacts
(`LOCAL_SERVER_SETTINGS`; a value set in the environment or the Prefect profile wins).
A client talking to a local server of its own Prefect version skips Prefect's version
handshake (one API call per client, and the events client's own), so a hand run spends less
on Prefect (docs/performance.md, section 7).

This module does not import Prefect: the server must be known before Prefect reads its settings.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from flows import configured_api_url, configured_setting
from flows.loopback import open_url, reach_directly

STATE_FILE = "newsflow-server.json"
PID_FILE = "server.pid"  # Prefect's own name for a background server's pid (`prefect server stop`)
LOG_FILE = "newsflow-server.log"
DEFAULT_PORT = 4200
HEALTH_BYTES = 4096  # of a /health answer: a Prefect API's is `true`
STOP_GRACE_S = 10.0  # a server's shutdown takes ~2 s idle
START_TIMEOUT_S = 180.0  # ~9 s on an idle 2-core machine; far more under load
START_LOG_BYTES = 2**20  # of one start's log, read for its error
SHOWN_ERROR_CHARS = 300
ERROR_LINE = re.compile(r"[A-Za-z_][\w.]*(Error|Exception): ")  # a traceback's last line
RETENTION_DAYS = 30
# Prefect keeps every flow run for ever unless told (its vacuum deletes only events by default): a
# service polling every 15 minutes for months grew prefect.db without end. Events go after 7 days
# (Prefect's default); finished flow runs after RETENTION_DAYS, checked hourly.
LOCAL_SERVER_SETTINGS = {
    "PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED": "events,flow_runs",
    "PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD": str(RETENTION_DAYS * 86400),
}


class PrefectUnavailable(Exception):
    """The configured Prefect API does not answer, or a local server would not start."""


@dataclass(frozen=True)
class PrefectApi:
    url: str
    local: bool  # a server newsflow started (now or earlier) under PREFECT_HOME
    started: bool  # started by this command

    @property
    def ui_url(self) -> str:
        return self.url.removesuffix("/").removesuffix("/api")


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or "~/.prefect").expanduser()


def ensure_prefect_api(start_timeout_s: float = START_TIMEOUT_S,
                       on_stopped: Callable[[str], None] | None = None) -> PrefectApi:
    """The API to use, set as PREFECT_API_URL for Prefect (imported after this) and child processes. `on_stopped`
    is told, once, that the local server found is stopped (SIGSTOP) and what to do, before this waits on it."""
    wanted_port()  # Prefect refuses a bad one at import, with a pydantic traceback
    if url := configured_api_url():
        if not url.isprintable():  # a line end or a CR from an env file: no request can carry it
            raise PrefectUnavailable(
                f"PREFECT_API_URL {url!r} holds a control character (a line end from an env file, or a CR from "
                "one saved on Windows): remove it from the environment or the Prefect profile")
        reach_directly(url)  # a server on loopback: Prefect's client must not ask the proxy for it either
        answer = health_answer(url)
        if answer is None:
            raise PrefectUnavailable(
                f"the Prefect API at {url} does not answer: start that server, or unset PREFECT_API_URL "
                "(in the environment and the Prefect profile) to let newsflow start a local one")
        if (what := not_prefect(answer, url)) is not None and not sends_credentials():
            raise PrefectUnavailable(
                f"PREFECT_API_URL {url} answers, but not as a Prefect API ({what}){_api_hint(url)}: set it to a "
                "Prefect server's API, or unset it (in the environment and the Prefect profile) to let newsflow "
                "start a local server")
        return PrefectApi(url, local=False, started=False)
    home = prefect_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        reach_directly(f"http://127.0.0.1:{DEFAULT_PORT}/api")  # the server (any port) and its clients
        with _exclusive(home / "newsflow-server.lock"):
            url = reusable_server(home, start_timeout_s, on_stopped)
            started = url is None
            if url is None:
                stop_silent_server(home)
                url = start_server(home, start_timeout_s)
            same_version = read_state(home).get("prefect_version") == version("prefect")
    except OSError as exc:  # a read-only or full PREFECT_HOME, or one under a file
        where = exc.filename or home
        raise PrefectUnavailable(
            f"cannot keep a local Prefect server in PREFECT_HOME ({where}: {exc.strerror or exc}): set PREFECT_HOME "
            "to a writable folder, or PREFECT_API_URL to a running Prefect server") from exc
    os.environ["PREFECT_API_URL"] = url
    if same_version:  # started by this install's Prefect: the handshake can only agree
        os.environ.setdefault("PREFECT_CLIENT_SERVER_VERSION_CHECK_ENABLED", "false")
    return PrefectApi(url, local=True, started=started)


def read_state(home: Path) -> dict[str, object]:
    """What `start_server` recorded in newsflow-server.json; empty when it is missing or unreadable."""
    try:
        state = json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def reusable_server(home: Path, wait_s: float, on_stopped: Callable[[str], None] | None = None) -> str | None:
    """The URL of the server an earlier command started, if its process is alive and answers. One stopped (SIGSTOP)
    was waited on `wait_s` without a word (Prefect 54): `on_stopped` now says so at once, and how to resume it."""
    state = read_state(home)
    url, pid = state.get("api_url"), state.get("pid")
    if not isinstance(url, str) or not isinstance(pid, int):
        return None
    if not is_server_process(pid):
        return None
    # Alive: it may still be starting, or busy; give it time rather than start a second one.
    deadline = time.monotonic() + wait_s
    while not healthy(url):
        if time.monotonic() > deadline or not is_server_process(pid):
            return None
        if on_stopped is not None and is_stopped(pid):
            on_stopped(f"the local Prefect server (pid {pid}, {url}) is stopped (SIGSTOP, Ctrl-Z, a debugger) and "
                       f"answers nothing: `kill -CONT {pid}` resumes it; waiting for it up to {wait_s:.0f} s, then "
                       "it is stopped and a new one started")
            on_stopped = None
        time.sleep(0.25)
    return url


def is_stopped(pid: int) -> bool:
    """Whether the process is stopped by a signal or a tracer (its state in /proc: T or t)."""
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rpartition(b")")[2].split()[0] in (b"T", b"t")
    except (OSError, IndexError):
        return False


def stop_silent_server(home: Path, grace_s: float = STOP_GRACE_S) -> None:
    """Stop the recorded server `reusable_server` gave up on though its process lives (hung, stopped, starved
    for the whole start timeout). The server started next overwrites its pid in server.pid: left, it ran on
    unrecorded, holding its port and prefect.db, out of `prefect server stop`'s reach, for months. Only a
    process whose command line is that server's (its `--port`) is signalled, not one that was given its pid."""
    state = read_state(home)
    pid, url = state.get("pid"), state.get("api_url")
    if not isinstance(pid, int) or not isinstance(url, str) or not is_recorded_server(pid, url):
        return
    for signum in (signal.SIGTERM, signal.SIGKILL):  # SIGKILL for one that is stopped or ignores SIGTERM
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signum)
        deadline = time.monotonic() + grace_s
        while is_recorded_server(pid, url):
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        else:
            return


def is_recorded_server(pid: int, api_url: str) -> bool:
    """Whether `pid` is alive and the server started for `api_url` (`--port N` in its command line); a zombie
    has no command line, so one stopped here counts as gone."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    port = urllib.parse.urlsplit(api_url).port
    return b"prefect" in cmdline and f"\0--port\0{port}\0".encode() in cmdline + b"\0"


def start_server(home: Path, timeout_s: float) -> str:
    port = pick_port()
    url = f"http://127.0.0.1:{port}/api"
    env = server_environment()
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    with (home / LOG_FILE).open("ab") as log:
        log_start = log.tell()  # this start's lines begin here
        process = subprocess.Popen(command, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)  # outlives this command
    (home / PID_FILE).write_text(str(process.pid), encoding="utf-8")
    state = {"api_url": url, "pid": process.pid, "prefect_version": version("prefect")}
    (home / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    deadline = time.monotonic() + timeout_s
    while not healthy(url):
        if (code := process.poll()) is not None:
            # `prefect server stop` would signal that pid, which the system may give another process
            (home / PID_FILE).unlink(missing_ok=True)
            raise PrefectUnavailable(f"the local Prefect server on port {port} exited (code {code}) before it "
                                     f"answered: {why_it_stopped(home, log_start)}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            (home / PID_FILE).unlink(missing_ok=True)  # as above: the pid is free for the system to reuse
            raise PrefectUnavailable(f"the local Prefect server on port {port} did not start within "
                                     f"{timeout_s:.0f} s; see {home / LOG_FILE}")
        time.sleep(0.25)
    return url


def why_it_stopped(home: Path, log_start: int) -> str:
    """The last error a server that exited at start wrote in its log, and what to do about it.

    Before, a server that died at once (a prefect.db from a newer Prefect, or damaged) was said to
    have "not started within 180 s", and every later command tried again, each the same way."""
    log = home / LOG_FILE
    try:
        with log.open("rb") as handle:
            handle.seek(log_start)
            lines = handle.read(START_LOG_BYTES).decode("utf-8", "replace").splitlines()
    except OSError:
        lines = []
    error = next((line.strip() for line in reversed(lines) if ERROR_LINE.match(line)), "") or last_words(lines)
    database = home / "prefect.db"
    if "Can't locate revision" in error or "No such revision" in error:
        advice = (f"{database} was made by a newer Prefect than this one ({version('prefect')}): use that Prefect, "
                  "or move the file aside (the next command makes a new one; the run history stays in the old)")
    elif any(sign in error for sign in ("file is not a database", "malformed")):
        advice = f"{database} is damaged: move it aside (the next command makes a new one)"
    else:
        advice = f"see {log}"
    return f"{' '.join(error.split())[:SHOWN_ERROR_CHARS] or 'no error in its log'}; {advice}"


def last_words(lines: list[str]) -> str:
    """The log's last paragraph: what a server that died without a traceback said last (Prefect's
    CLI wraps its own one-line errors, `Port 4200 is already in use…`, at 80 columns)."""
    words: list[str] = []
    for line in reversed(lines):
        if line.strip():
            words.insert(0, line.strip())
        elif words:
            break
    return " ".join(words)


def server_environment() -> dict[str, str]:
    """The local server's environment: this one's, analytics off, and a bounded history unless the
    environment or the active Prefect profile says otherwise."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env |= {name: value for name, value in LOCAL_SERVER_SETTINGS.items() if configured_setting(name) is None}
    return env


def wanted_port() -> int:
    """PREFECT_SERVER_API_PORT, or 4200; PrefectUnavailable when it is not a port."""
    text = os.environ.get("PREFECT_SERVER_API_PORT") or str(DEFAULT_PORT)
    port = int(text) if text.strip().isascii() and text.strip().isdigit() else -1
    if not 1 <= port <= 65535:
        raise PrefectUnavailable(f"PREFECT_SERVER_API_PORT={text!r} is not a port (1-65535): set it to a free "
                                 f"port, or unset it to use {DEFAULT_PORT}")
    return port


def pick_port() -> int:
    """PREFECT_SERVER_API_PORT (default 4200) when free, else any free port.

    The probe binds as the server will (uvicorn and `prefect server start`'s own check set SO_REUSEADDR), so a
    port that only a killed server's closed connections hold (TIME_WAIT, a minute) is free: before, the next start
    took another port and the UI's bookmarked address moved. A port something listens on is still taken."""
    for port in (wanted_port(), 0):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise PrefectUnavailable("no free port for a local Prefect server")


def is_server_process(pid: int) -> bool:
    """Whether `pid` is alive and a Prefect server (not a pid reused by something else)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust the pid
    return b"prefect" in cmdline or b"uvicorn" in cmdline


def healthy(api_url: str, timeout_s: float = 2.0) -> bool:
    try:
        with open_url(api_url.rstrip("/") + "/health", timeout_s) as response:
            return bool(response.status == 200)
    except (OSError, ValueError, http.client.HTTPException):
        return False


def answers(api_url: str, timeout_s: float = 5.0) -> bool:
    """Whether anything answers HTTP there (an error status counts: Prefect Cloud wants a key)."""
    try:
        with open_url(api_url.rstrip("/") + "/health", timeout_s):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError, http.client.HTTPException):  # InvalidURL: no request can be made to it
        return False


@dataclass(frozen=True)
class HealthAnswer:
    status: int
    content_type: str
    body: bytes  # its start


def health_answer(api_url: str, timeout_s: float = 5.0) -> HealthAnswer | None:
    """What answers `GET <api>/health`, error statuses included; None when nothing answers HTTP."""
    try:
        with open_url(api_url.rstrip("/") + "/health", timeout_s) as response:
            return HealthAnswer(response.status, response.headers.get_content_type(), response.read(HEALTH_BYTES))
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            return HealthAnswer(exc.code, exc.headers.get_content_type() if exc.headers else "", b"")
    except (OSError, ValueError, http.client.HTTPException):  # InvalidURL: no request can be made to it
        return None


def not_prefect(answer: HealthAnswer, url: str) -> str | None:
    """What answered instead of a Prefect API, or None when it may be one.

    A Prefect API answers /health with JSON (`true`). A web server, the Prefect UI's port without
    `/api`, or another program on the port answered too, and Prefect's client then died on its first
    call: a JSONDecodeError traceback from `newsflow serve` (exit 1), and from `newsflow run` a line
    saying the API "stopped answering during the run". 401 and 403 (a key wanted, Prefect Cloud),
    5xx (a Prefect server in trouble) and a JSON 4xx at a URL with /api (a Prefect API refusing) are
    left to Prefect's client, as before.
    """
    if answer.status in (401, 403) or answer.status >= 500:
        return None
    if 200 <= answer.status < 300:
        try:
            json.loads(answer.body)
            return None
        except ValueError:
            start = " ".join(answer.body[:60].decode("utf-8", "replace").split())
            return f"GET /health gave {answer.status} {answer.content_type or 'with no type'}: {start!r}"
    if answer.content_type == "application/json" and _has_api(url):  # Prefect (Cloud too) answers JSON: theirs to say
        return None
    return f"GET /health gave {answer.status}, where a Prefect API answers 200"


def sends_credentials() -> bool:
    """Whether Prefect's client sends what this probe does not: a login proxy in front of a Prefect
    API (oauth2-proxy, Cloudflare Access) answers the probe with its login page, and Prefect's
    client, with these headers, with the API. Then the answer is Prefect's client's to judge."""
    return any(configured_setting(name) for name in ("PREFECT_CLIENT_CUSTOM_HEADERS", "PREFECT_API_AUTH_STRING"))


def _has_api(url: str) -> bool:
    """A Prefect API's URL has /api in its path (`…/api`, Cloud's `…/api/accounts/…/workspaces/…`)."""
    return "/api" in urllib.parse.urlsplit(url).path


def _api_hint(url: str) -> str:
    return "" if _has_api(url) else f"; a Prefect server's API URL ends in /api (is it {url.rstrip('/')}/api?)"


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """Two commands starting at once start one server."""
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
