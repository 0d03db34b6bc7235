"""Shared fixtures: a real loopback HTTP server, an isolated Prefect home and one Prefect server."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import gc
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from tests.localserver import LocalServer

# CI (.ci/run sets HYPOTHESIS_PROFILE=ci) draws the same examples on every run, so a red CI is a
# change's fault, not the draw's; local runs draw new examples, and each failure they find is kept
# as an @example or a regression test.
hypothesis_settings.register_profile("ci", derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# A session started in the background (`cmd &` in a script: SIGINT ignored) or under `nohup`
# (SIGHUP ignored) passes those dispositions to every command the tests start, and newsflow keeps
# an ignored signal ignored: the signal tests would test the shell, not newsflow.
for _number, _handler in ((signal.SIGINT, signal.default_int_handler), (signal.SIGHUP, signal.SIG_DFL)):
    if signal.getsignal(_number) is signal.SIG_IGN:
        signal.signal(_number, _handler)

# Prefect reads its settings at import; point it at a throwaway home before anything imports it,
# and let no Prefect API or profile of this machine leak into the tests.
# Under pytest-xdist (pyproject's addopts: `-n 3`) the controller makes the home and owns its
# server's stop (`pytest_sessionfinish`); each worker, a process the controller started after
# importing this file, inherits the home and the port through the environment, so all workers
# share ONE server (flows/localserver.py starts it once under a file lock; the others reuse it).
_SESSION_HOME_VARIABLE = "NEWSFLOW_TESTS_PREFECT_HOME"
_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
_PREFECT_HOME = (_WORKER and os.environ.get(_SESSION_HOME_VARIABLE)) or tempfile.mkdtemp(prefix="newsflow-prefect-")
os.environ[_SESSION_HOME_VARIABLE] = os.environ["PREFECT_HOME"] = _PREFECT_HOME
for _name in ("PREFECT_API_URL", "PREFECT_PROFILE", "PREFECT_PROFILES_PATH", "PREFECT_API_KEY"):
    os.environ.pop(_name, None)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
# Server settings for the session's server: no UI to build, the scheduler looks every second
# (the serve and deployment tests), and the services no test needs stay off.
TEST_SERVER_SETTINGS = {
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS": "1",
    **{f"PREFECT_SERVER_SERVICES_{name}_ENABLED": "false" for name in (
        "FOREMAN", "TRIGGERS", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS", "REPOSSESSOR", "EVENT_LOGGER",
        "DB_VACUUM", "TELEMETRY")},
}

SHARED_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"



def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# Any Prefect server this session starts (the `prefect_api` fixture, or a `newsflow run` before
# it) gets these settings and a free port.
os.environ.update(TEST_SERVER_SETTINGS)
if not (_WORKER and os.environ.get("PREFECT_SERVER_API_PORT")):  # a worker keeps the controller's
    os.environ["PREFECT_SERVER_API_PORT"] = str(free_port())


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    try:
        yield local
    finally:
        local.close()


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not SHARED_CORPORA.is_dir():
        pytest.skip(f"real corpora not found at {SHARED_CORPORA}; they live beside the checkout in ../shared")
    return SHARED_CORPORA


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """ONE real Prefect server for the whole session, started the way `newsflow run` starts one
    (flows/localserver.py: `prefect server start`, detached, on a free port, its database in the
    session's PREFECT_HOME), and stopped at the end with Prefect's own `prefect server stop`."""
    from flows.localserver import ensure_prefect_api

    from flows import configure_prefect_environment

    api = ensure_prefect_api()  # a test that ran `newsflow run` before may have started it already
    configure_prefect_environment()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api.url}):  # for the Prefect this process imported already
        yield api.url


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the session's local Prefect server with `prefect server stop`, and check that it stopped.

    Under xdist only the controller does, after every worker has finished: a worker stopping it
    would pull the server from under the other worker's tests."""
    if hasattr(session.config, "workerinput"):
        return
    from flows.localserver import PID_FILE, is_server_process

    pid_file = Path(_PREFECT_HOME) / PID_FILE
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text())
    stopped = subprocess.run([sys.executable, "-m", "prefect", "server", "stop"], capture_output=True, text=True,
                             timeout=60, env={**os.environ, "PREFECT_HOME": _PREFECT_HOME})
    deadline = time.monotonic() + 30
    while is_server_process(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if is_server_process(pid) or "Server stopped" not in stopped.stdout:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print(f"\n`prefect server stop` left the server (pid {pid}) running: {stopped.stdout}{stopped.stderr}")


@pytest.fixture(autouse=True)
def _environment_kept() -> Iterator[None]:
    """Each test starts from the environment the session set, and leaves it so.

    A command a test runs in-process (`cli.main(["run", ...])`) sets Prefect's settings for its own
    process in os.environ (flows/cli.py: a quiet run's console level at CRITICAL). A later test in the
    same worker that started `newsflow serve` passed them on, and the served run's lines were not
    printed (CI: test_prefect21's "stopped before its end" missing; reproduced by exporting the
    variable). Session fixtures are set up before this one, so what they set stays."""
    before = dict(os.environ)
    yield
    if os.environ != before:
        os.environ.clear()
        os.environ.update(before)


@pytest.fixture(autouse=True)
def _alone_on_the_server(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every flow run's start marks Crashed the Running runs whose process is gone (flows/zombies.py).
    A test marked `alone_on_the_server` asserts on a zombie before its own sweep, so no other xdist
    worker may start a flow run meanwhile: it holds the session's lock file exclusively, and every
    test that uses the session's server holds it shared."""
    alone = request.node.get_closest_marker("alone_on_the_server") is not None
    if not alone and "prefect_api" not in request.fixturenames:
        yield
        return
    home = Path(_PREFECT_HOME)
    with (home / "newsflow-tests-flow-runs.lock").open("a") as handle, (home / "newsflow-tests-gate").open("a") as gate:
        # Through a gate, one test at a time: flock grants a shared lock while an exclusive one
        # waits, so the other worker's tests, one after another, could keep an `alone` test
        # waiting for as long as they came. Past the gate, that test goes before later ones.
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        finally:
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield


@pytest.fixture(scope="session", autouse=True)
def _warehouse_template_installed() -> Iterator[None]:
    """A new warehouse a test opens for writing in this process starts as a copy of a migrated one
    (tests/warehousetemplate.py: ~0.02 cpu-s instead of ~0.25 for each of hundreds of tests);
    child processes, and tests marked `migrates_a_new_warehouse`, migrate theirs as a user's run does."""
    from tests import warehousetemplate

    undo = warehousetemplate.install()
    yield
    undo()


@pytest.fixture(autouse=True)
def _first_migration_kept(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("migrates_a_new_warehouse") is None:
        yield
        return
    from tests import warehousetemplate

    with warehousetemplate.migrating_every_new_warehouse():
        yield


@pytest.fixture(scope="session")
def extraction_stack_loaded() -> None:
    """This process's forkserver started, the extraction stack imported in it, before a test's clock.

    A process's first run starts it (newsflow.extractpool) inside the run's budget: 6 s and more at a
    load average of 10-16 (16.7 s measured at ~20), past the half of a 12 s budget that polls may
    use, so `test_pending_turns`' first run polled no feed ("the run's budget ran out: 2 due feeds
    left"), stored nothing and failed its starvation check, on any code. A test whose subject is a
    run's turns or deadlines, not a process's start-up, waits for it here; every run it makes is
    still timed against its budget whole (its forks from the server are a few ms)."""
    from newsflow.feedpool import FeedParserPool

    with FeedParserPool(1, 120.0, None) as parser:
        asyncio.run(parser.start())


@pytest.fixture(scope="session")
def prefect_harness(prefect_api: str) -> str:
    """The old name of `prefect_api`, for tests written before the shared server."""
    return prefect_api


def write_config(
    tmp_path: Path, server_url: str, feeds: dict[str, str], extract: dict[str, object] | None = None,
    **fetch: object,
) -> Path:
    """A config for loopback tests: private networks allowed for 127.0.0.0/8, no politeness delay.

    Feed URLs are `server_url` + each path (pass "" and absolute URLs for several servers)."""
    settings = {"timeout": 5.0, "per_host_delay": 0.0, "per_host_concurrency": 8,
                "allowed_networks": ["127.0.0.0/8"], **fetch}
    extract_settings = {"workers": 2, "timeout": 10.0, **(extract or {})}
    lines = ["[warehouse]", 'path = "warehouse/news.duckdb"', "", "[fetch]"]
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    lines += ["", "[extract]"] + [f"{key} = {_toml(value)}" for key, value in extract_settings.items()]
    lines += ["", "[polling]", "min_interval = 0"]
    for name, path in feeds.items():
        lines += ["", "[[feeds]]", f'name = "{name}"', f'url = "{server_url}{path}"']
    config_path = tmp_path / "newsflow.toml"
    config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config_path


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    return repr(value)


# The slowest modules, slowest first, from a full run's per-module times (docs/performance.md, "The
# test suite's time"). Under xdist (`--dist loadfile`: each module runs whole on one worker, so its
# module fixtures are built once) the controller hands out modules in collection order; starting
# the long ones first keeps a 100 s module from being the last thing one worker does while the
# other sits idle. The order only matters for balance: a module missing here runs after these.
# Except the first two: test_zombies' `alone_on_the_server` test runs first on one worker (its setup
# starts the session's server), while the other starts the world regressions, which use no server,
# so nothing holds the server then. Later in the run its setup took 48.9 s in CI: the server's
# start, or the other worker's tests on the server (an `alone` test waits for them to end).
LONG_MODULES_FIRST = (
    "flows/test_zombies.py", "world/test_world_regressions.py",
    "hostile/test_redteam7.py", "hostile/test_redteam8.py", "world/test_soak.py",
    "flows/test_run_modes.py",
    "test_search_topk.py", "flows/test_serve.py", "test_bench_smoke.py", "test_search_segments.py",
    "flows/test_server_restart.py", "hostile/test_readers.py", "hostile/test_redteam6.py",
    "hostile/test_local_faults.py", "quality/test_extract_quality.py", "hostile/test_crash_safety.py",
    "test_unstoppable.py", "hostile/test_sigterm.py", "test_search_incremental.py", "test_search_hostile.py",
    "test_search_properties.py", "hostile/test_run_budget.py", "flows/test_deployments.py", "flows/test_artifacts.py",
    "test_redteam_runs.py", "hostile/test_query_during_run.py", "hostile/test_whole_run.py",
    "hostile/test_disk_full.py", "test_query_sandbox.py", "hostile/test_pending_turns.py",
    "hostile/test_exit_anywhere.py", "hostile/test_redteam15.py", "hostile/test_redteam12.py",
    "hostile/test_redteam20.py", "flows/test_prefect20.py", "flows/test_prefect21.py",
    # 10-25 s modules of ci113's slowest tests (session 40), so none is what a worker starts last
    "test_search_acronyms.py", "test_date_classes10.py", "test_date_classes12.py", "flows/test_dask.py",
    "world/test_world_properties.py", "hostile/test_redteam29_end.py", "flows/test_serve_end.py",
    "world/test_world34.py", "world/test_world31.py", "quality/test_end_to_end_quality.py", "test_date_classes14.py",
)


# Collecting the suite imports ~370 modules and builds ~6,000 items in every xdist worker; the
# cyclic collector ran ~6,000 times over that growing heap, 4.8 of a worker's 16 cpu-s of collection
# (docs/performance.md, "CI time, session 34"). It is off until the tests start; then what collection
# made moves to the permanent generation (gc.freeze), which no later collection walks, and the tests
# run with the collector on, as the product does. The xdist controller, which collects nothing,
# turns it back on at the same hook.
gc.disable()


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> None:
    if not gc.isenabled():
        gc.collect()
        gc.freeze()
        gc.enable()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On xdist workers, the long modules first (a stable sort: tests keep their order in a module)."""
    if not hasattr(config, "workerinput"):
        return  # a serial run keeps pytest's order
    tests_dir = Path(__file__).parent
    rank = {tests_dir / name: position for position, name in enumerate(LONG_MODULES_FIRST)}
    items.sort(key=lambda item: rank.get(item.path, len(rank)))
