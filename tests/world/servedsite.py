"""Hunt 48: the world reaching the processes `newsflow serve` starts, and a hook that holds a run inside its load.

A world run by hand is `python -m tests.world.child run`, which installs the world's DNS before the CLI. A served
run is an engine process Prefect's runner spawns (`multiprocessing` spawn), where no world code runs. What every
process inherits is its environment, so `site_env` puts a folder holding a `sitecustomize.py` first on PYTHONPATH:
Python imports it at every start, and it calls `install` here, which does nothing unless $NEWSFLOW_WORLD_DNS names
the world's DNS table. The served process, its runs' engine processes, their extraction forkservers and a run by
hand beside them all resolve through the world then, and never through the machine's resolver.

The load hook ($NEWSFLOW_WORLD_LOADHOOK, a folder): `newsflow.warehouse.load_articles`, called inside a batch's
load transaction (`pipeline._load_built`), is wrapped. When the driver has left a `hold` file there, the first load
to claim it (a rename: one load per hold) writes `entered-<pid>`, then waits for the driver's `acted` file (the
driver has sent its signal, cancel or kill), then up to `SIGNAL_WAIT_S` for the process to be signalled (SIGTERM or
SIGINT: a served run cancelled by its runner, a run by hand by its cancel watch, `serve` stopped), and writes
`left-<pid>` saying whether the signal landed while the transaction was open; then the load goes on as it would
have. A process SIGKILLed there writes no `left-` file: it died inside the load. So a cancel or a kill lands inside
the load by an event the run emits, not by time, and each landing is counted.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

HOOK_VAR = "NEWSFLOW_WORLD_LOADHOOK"
HOLD, ACTED = "hold", "acted"
ACT_WAIT_S = 60.0  # the driver acts within this once it sees `entered-` (a loaded machine, a Prefect API call)
SIGNAL_WAIT_S = 15.0  # at most: a cancel is noticed within 2 s by hand (cancelwatch), ~10 s by serve's runner
SITECUSTOMIZE = """\
import os
if os.environ.get("NEWSFLOW_WORLD_DNS"):
    from tests.world.servedsite import install
    install()
"""

_signalled = threading.Event()


def site_env(base: dict[str, str], site_dir: Path, repo: Path, dns_path: Path, hook_dir: Path) -> dict[str, str]:
    """`base` with the world's DNS and the load hook reaching every Python process started with it."""
    site_dir.mkdir(parents=True, exist_ok=True)
    hook_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    path = os.pathsep.join(p for p in (str(site_dir), str(repo), base.get("PYTHONPATH", "")) if p)
    return base | {"PYTHONPATH": path, "NEWSFLOW_WORLD_DNS": str(dns_path), HOOK_VAR: str(hook_dir)}


def install() -> None:
    """Called by the sitecustomize `site_env` writes, at every Python start: the world's DNS, and the load hook."""
    from tests.world.worlddns import install_world_dns

    install_world_dns()
    if hook_dir := os.environ.get(HOOK_VAR):
        _watch_signals()
        _wrap_load(Path(hook_dir))


def _watch_signals() -> None:
    """Every SIGTERM or SIGINT handler the process installs is wrapped to note the signal first (Python runs
    handlers in the main thread; the load runs in another, and reads the note)."""
    original = signal.signal

    def noting(signum: int, handler: Any) -> Any:
        if signum in (signal.SIGTERM, signal.SIGINT) and callable(handler):
            def noted(number: int, frame: FrameType | None, handler: Callable[..., Any] = handler) -> Any:
                _signalled.set()
                return handler(number, frame)
            return original(signum, noted)
        return original(signum, handler)

    signal.signal = noting  # type: ignore[assignment]


def _wrap_load(hook_dir: Path) -> None:
    from newsflow import warehouse

    load_articles = warehouse.load_articles

    def held_load(*args: Any, **kwargs: Any) -> Any:
        if _claim(hook_dir):
            events = args[3] if len(args) > 3 else kwargs.get("events", ())
            _note_held_batch(hook_dir, [str(getattr(event, "url", "")) for event in events])
            _hold(hook_dir)
        return load_articles(*args, **kwargs)

    warehouse.load_articles = held_load


def _claim(hook_dir: Path) -> bool:
    try:
        (hook_dir / HOLD).rename(hook_dir / f"claimed-{os.getpid()}")
    except OSError:
        return False
    return True


def _note_held_batch(hook_dir: Path, urls: list[str]) -> None:
    """The held batch's fetch events' URLs (`held-<pid>.json`), written in its transaction: whether the batch was
    committed is whether they are in `fetch_events` afterwards (a batch whose attempts all failed stores no article,
    so counting articles took it for rolled back: review of hunt 48)."""
    (hook_dir / f"held-{os.getpid()}.json").write_text(json.dumps(urls), encoding="utf-8")


def held_batch_urls(hook_dir: Path) -> list[str]:
    """The URLs `_note_held_batch` wrote for the last hold ([] when none was written)."""
    held = sorted(hook_dir.glob("held-*.json"), key=lambda path: path.stat().st_mtime)
    return list(json.loads(held[-1].read_text(encoding="utf-8"))) if held else []


def _hold(hook_dir: Path) -> None:
    pid = os.getpid()
    signalled_before = _signalled.is_set()
    (hook_dir / f"entered-{pid}").write_text(str(time.time()), encoding="utf-8")
    acted = _wait(lambda: (hook_dir / ACTED).exists(), ACT_WAIT_S)
    landed = acted and _wait(_signalled.is_set, _signal_wait(hook_dir / ACTED))
    document = {"acted": acted, "signalled_in_load": landed and not signalled_before, "at": time.time()}
    (hook_dir / f"left-{pid}").write_text(json.dumps(document), encoding="utf-8")


def _signal_wait(acted: Path) -> float:
    """How long the driver said a signal may take to come (0: its act sends none, e.g. a run by hand beside)."""
    try:
        return min(float(acted.read_text(encoding="utf-8") or SIGNAL_WAIT_S), SIGNAL_WAIT_S)
    except (OSError, ValueError):
        return SIGNAL_WAIT_S


def _wait(done: Callable[[], bool], seconds: float) -> bool:
    """Wait for `done` (a file the driver writes, a signal) up to `seconds`: the run's own load, held on purpose."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        _signalled.wait(0.05)
    return True


def landings(hook_dir: Path) -> dict[str, Any]:
    """What the hook saw of the last hold: entered (pid), and whether the act landed inside the load:
    `signalled_in_load`, or `died_in_load` (entered, never left: a SIGKILL there)."""
    entered = sorted(hook_dir.glob("entered-*"))
    if not entered:
        return {"entered": False}
    pid = entered[-1].name.split("-", 1)[1]
    left = hook_dir / f"left-{pid}"
    if not left.exists():
        return {"entered": True, "pid": int(pid), "died_in_load": True}
    return {"entered": True, "pid": int(pid), "died_in_load": False, **json.loads(left.read_text(encoding="utf-8"))}
