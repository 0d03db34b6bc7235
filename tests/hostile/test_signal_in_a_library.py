"""A stop signal whose KeyboardInterrupt a library turns into its own error still ends `newsflow run` as interrupted.

tests/hostile/test_exit_anywhere.py's hangup example (SIGHUP 9 s in, 2 spinners) failed about 1 time in 5 on
cores loaded ~10: `run crashed: PydanticSerializationError ... KeyboardInterrupt`, exit 1, where the documented
end of an interrupt is one line and 130. A stop signal raises KeyboardInterrupt in the main thread wherever it
is; pydantic calls Python serializers from its Rust core and turns whatever they raise, KeyboardInterrupt
included, into `PydanticSerializationError`, with no `__cause__`. Prefect serialises its models in the main
thread before the flow's loop starts (where a stop signal raised KeyboardInterrupt: Python's default Ctrl-C
handler), and in the loop as it records a stopped run's state (where a second one did: asyncio.run's handler
cancels the task on the first and raises on the next). Now every stop signal is noted as it lands
(`newsflow.cli_signals.a_stop_was_asked`), and whatever a run noted as stopped raises is its interruption: one
line, 130 (flows/cli.py).

The child puts the signal inside a pydantic serializer itself: `signal.raise_signal` runs the signal's
handler before it returns, so the KeyboardInterrupt is raised there, every run, with no sleep to aim it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_config
from tests.hostile.subprocesses import REPO, child_env, prefect_api_url

pytestmark = pytest.mark.usefixtures("prefect_harness")

CHILD = """
import signal, sys
from pydantic import BaseModel, field_serializer

class Landing(BaseModel):
    value: int = 0

    @field_serializer("value")
    def landing(self, value):
        signal.raise_signal(signal.{signame})  # its handler runs here, inside pydantic's serializer
        return value

import flows.cli

def before_the_flow(found=flows.cli.spare_the_collector):
    found()  # in the main thread, outside the flow's loop, where Prefect serialises its settings and parameters
    Landing().model_dump_json()

flows.cli.spare_the_collector = before_the_flow
sys.argv = ["newsflow", "run", "--config", {config!r}, "--quiet"]
from newsflow.launch import main
raise SystemExit(main())
"""


def test_a_sighup_inside_a_pydantic_serializer_is_one_line_and_130(tmp_path: Path) -> None:
    """Before: "newsflow: run crashed: PydanticSerializationError: ... KeyboardInterrupt", exit 1."""
    config = write_config(tmp_path, "http://127.0.0.1:9", {"f": "/feed.xml"})  # nothing is fetched: never reached
    code = CHILD.format(signame="SIGHUP", config=str(config))
    child = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=child_env(prefect_api_url()),
                           capture_output=True, text=True, timeout=120)
    assert child.returncode != -signal.SIGINT, f"ended by SIGINT: {child.stderr[-2000:]}"
    assert child.returncode == 130, child.stderr[-2000:]
    assert "Traceback" not in child.stderr and "crashed" not in child.stderr, child.stderr[-2000:]
    lines = child.stderr.strip().splitlines()
    # the signal lands before the runner opens the run, so no row exists to say cancelled (Prefect 55's review, F7)
    assert lines == ["newsflow: interrupted; the run was stopped before it started, so it has no row, and what it "
                     "had not stored stays pending"], child.stderr[-2000:]
