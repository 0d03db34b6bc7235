"""The seam between the library and its flows: `newsflow` (src/) never imports `flows` or Prefect;
the CLI reaches `run` and `serve` through the `newsflow.commands` entry points."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import flows.cli

from flows import ingest
from newsflow import runner
from newsflow.cli_run import flow_command

SRC = Path(__file__).resolve().parents[2] / "src" / "newsflow"

IMPORT_EVERY_MODULE = """
import importlib, pkgutil, sys
import newsflow
names = [m.name for m in pkgutil.walk_packages(newsflow.__path__, "newsflow.") if m.name != "newsflow.__main__"]
for name in names:
    importlib.import_module(name)
from newsflow.cli import build_parser
build_parser()
print(len(names), sorted(n for n in sys.modules if n.split(".")[0] in ("prefect", "flows")))
"""


def test_every_src_module_imports_without_prefect_and_without_flows() -> None:
    done = subprocess.run([sys.executable, "-c", IMPORT_EVERY_MODULE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    count, loaded = done.stdout.split(" ", 1)
    assert int(count) >= 30, "every module was found"
    assert loaded.strip() == "[]"


def test_no_src_module_names_flows_even_in_a_function() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.name}: {m}" for m in modules if m.split(".")[0] in ("flows", "prefect")]
    assert offenders == []


def test_run_and_serve_are_found_through_entry_points() -> None:
    assert flow_command("run") is flows.cli.cmd_run
    assert flow_command("serve") is flows.cli.cmd_serve


def test_the_flow_wraps_the_runners_two_coarse_stages() -> None:
    """One poll task and one task per batch: PrefectStages overrides exactly runner.Stages' two stages (its
    coroutines; `batches_for` and `turn` are plain hooks that shape the batches, run in the flow itself)."""
    assert issubclass(ingest.PrefectStages, runner.Stages)
    members = vars(runner.Stages)
    stages = {name for name in members if not name.startswith("_") and inspect.iscoroutinefunction(members[name])}
    assert stages == {"poll", "batch"}
    hooks = {name for name in members if not name.startswith("_") and callable(members[name])} - stages
    assert hooks == {"batches_for", "turn"}
    assert {"poll", "batch"} <= set(vars(ingest.PrefectStages))
