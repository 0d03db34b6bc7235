"""What a user does to the warehouse between and beside runs.

- `reader` (taken out of driver.py as it was): a child process opens the warehouse with duckdb, read-only or
  read-write, before the run or once the world's server has answered the n-th request, and holds it until the
  run ends.
- `moved_warehouse` (world16): between two runs the warehouse's folder (the file, its `.wal`, the spool, the
  run lock) is copied to a new folder, or moved there, and the config's `warehouse.path` names it from this run
  on. Every invariant is then checked on the new file: what the old one held is owed by the new.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from tests.world.worldevents import COPY

if TYPE_CHECKING:
    from tests.world.driver import RunRecord, WorldDriver

_READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read_only")
con.execute("SELECT count(*) FROM information_schema.tables").fetchall()
print("ready", flush=True)
sys.stdin.readline()
"""


@contextlib.contextmanager
def reader(driver: WorldDriver, record: RunRecord) -> Iterator[None]:
    """A child process holding the warehouse open (read-only or read-write) while the run goes on."""
    if record.reader is None or not driver.warehouse_path.exists():
        record.reader = None
        yield
        return
    holder: dict[str, subprocess.Popen[str]] = {}
    opener = threading.Thread(target=_open_reader, args=(driver, record, holder), daemon=True)
    driver._current = None
    if driver.world.events.reader_after_requests == 0:
        driver.world.reader_point.set()
        _open_reader(driver, record, holder)
        record.reader_held = "proc" in holder
    else:
        opener.start()
    try:
        yield
    finally:
        driver.world.reader_point.set()
        if opener.is_alive():
            opener.join()
        if "proc" in holder:
            holder["proc"].communicate(input="\n", timeout=30)


def _open_reader(driver: WorldDriver, record: RunRecord, holder: dict[str, subprocess.Popen[str]]) -> None:
    driver.world.reader_point.wait()
    mode = record.reader or "read_only"
    for _ in range(200):  # the run may hold the file for a moment: try again, as a person would
        proc = subprocess.Popen([sys.executable, "-c", _READER, str(driver.warehouse_path), mode],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        if proc.stdout.readline().strip() == "ready":
            holder["proc"] = proc
            record.reader_held = driver._current is not None and driver._current.poll() is None
            return
        proc.communicate(timeout=30)


def relocate(driver: WorldDriver, how: str | None) -> None:
    """Copy or move the warehouse's folder to `warehouse-<run>/` beside it; the driver (and the run's config,
    written next) use the new path from now on. Nothing to move before the first run made it."""
    old = driver.warehouse_path.parent
    if how is None or not old.exists():
        return
    new = driver.workdir / f"warehouse-{driver.world.run}"
    if how == COPY:
        shutil.copytree(old, new)
    else:
        old.rename(new)
    driver.warehouse_path = new / driver.warehouse_path.name
