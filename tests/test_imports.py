"""The layout rule of docs (common brief, style.md): each third-party library is imported by one
module of src/newsflow only, so a library's quirks and upgrades touch one place."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "newsflow"
HOME_PACKAGES = {"duckdb": "warehouse"}
"""A library whose home is a package: every module of it may import the library."""
KNOWN_EXCEPTIONS = {"rich": {"cli_run.py", "progress.py"}}
"""Left as found (session 12): both print to the terminal; not yet given one home."""


def third_party_importers() -> dict[str, set[str]]:
    importers: defaultdict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top not in {"newsflow", "__future__"}:
                    importers[top].add(path.relative_to(SRC).as_posix())
    return importers


def test_each_third_party_library_has_one_importing_module() -> None:
    importers = third_party_importers()
    assert "numpy" in importers and "duckdb" in importers  # the scan sees imports at all
    for library, modules in importers.items():
        if library in HOME_PACKAGES:
            assert all(m.startswith(HOME_PACKAGES[library] + "/") for m in modules), (library, modules)
        elif library in KNOWN_EXCEPTIONS:
            assert modules <= KNOWN_EXCEPTIONS[library], (library, modules)
        else:
            assert len(modules) == 1, f"{library} is imported by {sorted(modules)}: give it one home module"


def test_numpy_lives_in_vectors() -> None:
    assert third_party_importers()["numpy"] == {"vectors.py"}


def test_a_runs_main_process_never_imports_trafilatura_or_the_page_date_stages() -> None:
    """Only the extraction workers extract; the process that runs the pipeline and starts the pool
    with its default extractor paid trafilatura's import (0.2-0.6 s of CPU) for nothing (perf14).
    Nor does it date pages: a feed's stamps are read by `newsflow.timestamps`; importing
    `newsflow.dates` for them compiled every page-date pattern at each run's start (session 40)."""
    import subprocess

    check = (
        "import sys, newsflow.cli, newsflow.runner\n"
        "from newsflow.extractpool import ExtractorPool\n"
        "ExtractorPool(1, 5.0).close()\n"
        "print(sorted({'trafilatura', 'htmldate', 'justext', 'lxml', 'newsflow.extract', 'newsflow.dates',\n"
        "              'newsflow.pagetimes', 'newsflow.headline_date'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_cli_loads_the_search_stack_for_search_only() -> None:
    """`newsflow.cli` imported `newsflow.search` (numpy, the analysers: ~0.2 cpu-s) for every command, a
    child of CI's or a scheduled `feeds` as much as a search (session 37); `search` imports it as it runs."""
    import subprocess

    check = (
        "import sys\n"
        "from newsflow.cli import main\n"
        "before = sorted({'numpy', 'newsflow.search', 'newsflow.search_query'} & set(sys.modules))\n"
        "main(['search', 'syria', '--config', '/nonexistent/newsflow.toml'])\n"
        "print(before, 'newsflow.search' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[] True", done.stdout
