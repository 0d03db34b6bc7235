"""Prefect 59 (docs/scheduling.md, "Prefect 59"): what a Prefect user meets, mended where it was worst."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from flows import deployments, runstop
from newsflow.config import load_config
from newsflow.errors import ConfigError


def _stopped_as_a_served_runs_process_is(stderr: str, armed: bool, said: bool, in_a_bug: bool) -> None:
    """A multiprocessing child, as Prefect's runner starts a served run, with Prefect's own SIGTERM handler in place:
    a SIGTERM raises the stop's `TerminationSignal` out of the process's target, as `handle_engine_signals` lets a
    stop it could not record go (Prefect 58's Left). Its multiprocessing temp dir, made before arming (the stdlib's
    own exit finalizer removes it), is named in `stderr`.tempdir."""
    from prefect.utilities.engine import _prefect_sigterm_handler

    with open(stderr, "w", encoding="utf-8") as written:
        os.dup2(written.fileno(), 2)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115  (the process's stderr to its end)
    multiprocessing.current_process()._config.pop("tempdir", None)  # type: ignore[attr-defined]  (the parent's)
    Path(f"{stderr}.tempdir").write_text(multiprocessing.util.get_temp_dir(), encoding="utf-8")
    runstop._raw_stop_exit_armed = False  # this process's own, whatever the test process did
    (runstop._stop_said.set if said else runstop._stop_said.clear)()
    if armed:
        runstop.end_a_raw_stop_quietly()
    signal.signal(signal.SIGTERM, _prefect_sigterm_handler)
    if in_a_bug:
        try:
            {}["a bug"]
        except KeyError:
            os.kill(os.getpid(), signal.SIGTERM)  # the stop lands while the bug is handled: chained to it
    os.kill(os.getpid(), signal.SIGTERM)  # raised here, in this thread, as the handler returns


def _ended(tmp_path: Path, armed: bool, said: bool, in_a_bug: bool = False) -> tuple[int | None, str]:
    stderr = tmp_path / f"stderr-{armed}-{said}-{in_a_bug}.txt"
    # fork, not spawn: the same `_bootstrap` and exit finalizers as the runner's SpawnProcess, without importing
    # Prefect again in a new interpreter (~1.1 cpu-s)
    child = multiprocessing.get_context("fork").Process(target=_stopped_as_a_served_runs_process_is,
                                                         args=(str(stderr), armed, said, in_a_bug))
    child.start()
    child.join(30)
    if child.exitcode is None:
        child.kill()
    temp_dir = Path(f"{stderr}.tempdir").read_text(encoding="utf-8")
    assert not Path(temp_dir).exists(), "the stdlib's exit finalizer (its temp dir's removal) did not run"
    return child.exitcode, stderr.read_text(encoding="utf-8")


@pytest.mark.parametrize("said", [True, False], ids=["its stopped line said", "before the flow said it"])
def test_a_served_runs_stop_prefect_lets_leave_its_process_is_no_traceback(tmp_path: Path, said: bool) -> None:
    code, output = _ended(tmp_path, armed=True, said=said)
    assert code == runstop.RAW_STOP_EXIT_CODE == 1  # multiprocessing's own code for it: the runner reads the same
    assert "Traceback" not in output and "SpawnProcess" not in output and "Process " not in output
    lines = output.splitlines()
    assert lines == ([] if said else [runstop.RAW_STOP_LINE.format(run_id="(unknown)")])


def test_unarmed_the_same_stop_prints_multiprocessings_traceback(tmp_path: Path) -> None:
    """What the fix removes, in the same process shape (and what `newsflow run`'s process, never armed, keeps)."""
    code, output = _ended(tmp_path, armed=False, said=True)
    assert code == 1
    assert output.startswith("Process ") and "Traceback" in output and "TerminationSignal" in output


def test_a_stop_chained_to_a_bug_keeps_the_bugs_traceback(tmp_path: Path) -> None:
    """Only a bare stop is quieted: one that landed while a bug's exception was handled leaves both visible."""
    code, output = _ended(tmp_path, armed=True, said=True, in_a_bug=True)
    assert code == 1
    assert "KeyError: 'a bug'" in output and "TerminationSignal" in output and output.startswith("Process ")


def test_arming_is_for_a_multiprocessing_child_only() -> None:
    """`newsflow run`'s own process is no multiprocessing child: nothing is registered there."""
    assert multiprocessing.parent_process() is None
    runstop.end_a_raw_stop_quietly()
    assert runstop._raw_stop_exit_armed is False


def test_prefects_api_log_error_ends_its_line_so_the_next_is_not_glued_to_it() -> None:
    """Prefect's log worker writes its header, then the error's text with no newline (prefect/logging/handlers.py):
    the next line written to the stream (the run's own, or its service's exit line) was glued to it."""
    from flows.apiwatch import API_LOG_ERROR_HEADER, LineEndWatch

    stream = io.StringIO()
    watched = LineEndWatch(stream)
    error = "Server error '500 Internal Server Error' for url 'http://127.0.0.1:1/api/logs/'"
    for text in (API_LOG_ERROR_HEADER, error, "02:52:46.571 | WARNING | Flow run 'x' - run stopped\n", "half", "ed\n"):
        watched.write(text)
    assert stream.getvalue().splitlines() == [API_LOG_ERROR_HEADER.strip(), error,
                                              "02:52:46.571 | WARNING | Flow run 'x' - run stopped", "halfed"]
    assert watched.at_line_start


def test_the_api_log_error_line_is_its_threads_next_write_only() -> None:
    """Another thread's print between the header and the error text is not that text; an empty error text (an
    httpx timeout's) ends nothing, so the next write is not split; `write` returns the caller's length."""
    from flows.apiwatch import API_LOG_ERROR_HEADER, LineEndWatch

    stream = io.StringIO()
    watched = LineEndWatch(stream)
    watched.write(API_LOG_ERROR_HEADER)
    printer = threading.Thread(target=lambda: [watched.write(text) for text in ("12:00 | WARNING | run stopped", "\n")])
    printer.start()
    printer.join()
    assert watched.write("Status/500") == len("Status/500")
    watched.write("newsflow: exit line\n")
    watched.write(API_LOG_ERROR_HEADER)
    assert watched.write("") == 0
    for text in ("newsflow: a", " ", "b", "\n"):
        assert watched.write(text) == len(text)
    assert stream.getvalue().splitlines() == [API_LOG_ERROR_HEADER.strip(), "12:00 | WARNING | run stopped",
                                              "Status/500", "newsflow: exit line", API_LOG_ERROR_HEADER.strip(),
                                              "newsflow: a b"]


def _missing_config(tmp_path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path / "none.toml")
    return raised.value


def _run_context(deployment_id: str | None, tags: tuple[str, ...] = ()) -> SimpleNamespace:
    return SimpleNamespace(flow_run=SimpleNamespace(deployment_id=deployment_id, tags=list(tags)))


def test_a_workers_run_given_a_missing_config_path_is_told_of_its_parameter(tmp_path: Path) -> None:
    said, message = deployments.config_error_of_the_run(_missing_config(tmp_path), False, _run_context("d"))
    assert said == f"{message}; this run did nothing"
    assert message.startswith(f"config error at config_path: {tmp_path / 'none.toml'} does not exist; set the "
                              "run's config_path parameter to a config file's path (a relative path is read from "
                              f"the worker's working folder, {Path.cwd()})")
    assert "--config" not in said and "fix the file" not in said


@pytest.mark.parametrize(("served", "deployment_id"), [(True, "d"), (False, None)], ids=["served", "no deployment"])
def test_a_served_runs_config_error_keeps_its_words(tmp_path: Path, served: bool, deployment_id: str | None) -> None:
    error = _missing_config(tmp_path)
    said, message = deployments.config_error_of_the_run(error, served=served, context=_run_context(deployment_id))
    assert (said, message) == (f"{error}; this run did nothing: fix the file, the next run reads it again", str(error))


def test_a_workers_run_with_a_broken_config_file_is_told_to_fix_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "newsflow.toml"
    broken.write_text("[fetch\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(broken)
    said, _ = deployments.config_error_of_the_run(raised.value, served=False, context=_run_context("d"))
    assert said.endswith("this run did nothing: fix the file, the next run reads it again")


def test_a_served_run_with_no_service_watch_keeps_its_words(tmp_path: Path) -> None:
    """No pidfd (macOS, an old kernel): `served` is False, but its deployment's `SERVED_FROM` tag says it is served."""
    error = _missing_config(tmp_path)
    context = _run_context("d", tags=("auto-scheduled", f"{deployments.SERVED_FROM}host"))
    said, _ = deployments.config_error_of_the_run(error, served=False, context=context)
    assert said == f"{error}; this run did nothing: fix the file, the next run reads it again"


def test_a_workers_run_given_a_symlink_loop_is_told_of_its_parameter(tmp_path: Path) -> None:
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    with pytest.raises(ConfigError) as raised:
        load_config(loop)
    said, _ = deployments.config_error_of_the_run(raised.value, served=False, context=_run_context("d"))
    assert "cannot be followed" in said and "--config" not in said
    assert "set the run's config_path parameter to the path of the config file itself" in said
