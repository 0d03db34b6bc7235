"""Local 29: the warehouse's own locks and spool (docs/security.md, "Local 29")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsflow.warehouse import Warehouse, compat, freelist

# A second process's read-only open: DuckDB refuses it while a writer of another process holds the file.
_PROBE = ("import duckdb, sys\n"
          "try:\n"
          "    duckdb.connect(sys.argv[1], read_only=True).close()\n"
          "    print('opened')\n"
          "except duckdb.IOException:\n"
          "    print('refused')\n")


def _second_process_opens(path: Path) -> str:
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=60,
                          check=True)
    return done.stdout.strip()


def test_a_second_connection_of_this_process_keeps_the_first_ones_lock(tmp_path: Path) -> None:
    """Two batches' writes overlapping: the second `writing()` read the header (is_sqlite, storage_version, the
    free list) with an open and a close, and the close dropped DuckDB's fcntl lock of the first."""
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing():
        pass
    with store.writing():
        with store.writing():
            pass
        assert compat.is_sqlite(store.path) is False
        assert compat.storage_version(store.path) is not None
        assert freelist.read_free_list(store.path) is not None
        assert _second_process_opens(store.path) == "refused"
    assert _second_process_opens(store.path) == "opened"
