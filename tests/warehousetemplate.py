"""A new warehouse opened for writing in a test's own process starts as a copy of one this process migrated.

Migrating a new file costs ~0.2-0.3 cpu-s (38 migrations and the views' 44 macros, one transaction:
`warehouse.schema.migrate`), a copy ~0.02. Hundreds of tests open a new warehouse in process only to run
something else on it (`cli.main(["run", ...])` checks the warehouse before it loads Prefect,
`runner.run_ingest`'s first batch, a fixture's store), and each paid the migration. The copy is made by
the real first open (`Warehouse.writing`, migrations and views) in this process, of the SQL files as they
are now, so it holds exactly what that open writes, in the format it writes (compat.py); `writing` then
migrates the copy as it migrates any existing file (nothing pending, the views' digest the same).

What a copy does not exercise is the first migration itself, inside a test. So the copy is not used:
- in child processes (`newsflow run` children, world runs, served runs: they never import this), where
  every such test still makes its warehouse the product's way;
- by a test marked `migrates_a_new_warehouse` (its subject is that first migration: under a full disk,
  a signal, a lock), nor when `NEWSFLOW_TESTS_MIGRATE_EVERY_WAREHOUSE=1` (the old way, for a reviewer);
- when a test has replaced any function of the migration (`sql_root`, `migrate`, `create_views`, ...):
  then its own functions make the file;
- when the file exists (an empty file, someone else's, an older warehouse), its folder cannot be made,
  the copy cannot be written (a full disk, a read-only folder), or the template cannot be made (it is made
  in the first test that needs one, under that test's faults: a file size limit): then the open goes on as
  it would have, and says what it says, naming the test's file.
docs/performance.md, "CI time, session 38".
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import newsflow.warehouse as warehouse
from newsflow.warehouse import Warehouse, compat, schema

ENV_OFF = "NEWSFLOW_TESTS_MIGRATE_EVERY_WAREHOUSE"
MARKER = "migrates_a_new_warehouse"

_REAL_CONNECT = Warehouse._connect
# What a template's making runs through: a test that replaced one of them makes its own file.
_MACHINERY: tuple[tuple[Any, str], ...] = (
    (warehouse, "migrate"), (schema, "migrate"), (schema, "sql_root"), (schema, "create_views"),
    (schema, "_one_transaction"), (schema, "views_digest"), (compat, "connect_config"),
    (compat, "refuse_a_foreign_database"), (compat, "refuse_a_newer_schema"), (Warehouse, "writing"),
)
_REAL_MACHINERY = tuple(getattr(owner, name) for owner, name in _MACHINERY)
_templates: dict[tuple[object, ...], Path] = {}
_state = {"off": False, "copies": 0}
# One thread makes a template at a time; the making's own open (a missing file too) is let through by path,
# not by the process-wide "off" that a second thread would have saved and restored as on (review).
_making_lock = threading.Lock()
_making: set[Path] = set()


def machinery_is_real() -> bool:
    return all(getattr(owner, name) is real for (owner, name), real in zip(_MACHINERY, _REAL_MACHINERY, strict=True))


def _sql_key() -> tuple[object, ...]:
    root = schema.sql_root()
    return (str(root), *((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*.sql"))))


def _template() -> Path:
    """This process's migrated empty warehouse for the SQL files as they are now, made the product's way."""
    key = _sql_key()
    with _making_lock:
        if key not in _templates:
            folder = tempfile.mkdtemp(prefix="newsflow-template-warehouse-")
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            made = Path(folder) / "empty.duckdb"
            _making.add(made)
            try:
                with Warehouse(made).writing():
                    pass
            finally:
                _making.discard(made)
            _templates[key] = made
    return _templates[key]


@contextlib.contextmanager
def _real_opens() -> Iterator[None]:
    saved, _state["off"] = _state["off"], True
    try:
        yield
    finally:
        _state["off"] = saved


def place_template(path: Path) -> bool:
    """Put a copy of the template at `path` if nothing is there; False (and nothing left) if it cannot."""
    if (_state["off"] or path in _making or os.environ.get(ENV_OFF) == "1" or os.path.lexists(path)
            or not machinery_is_real()):
        return False
    try:
        template = _template()
    except Exception:  # made inside the first test that needs it, so under that test's faults
        # (a file size limit, a full /tmp): its own open then makes its file and says what it says, naming it
        return False
    # a name of this thread's own: a run's threads may open the same new file at once
    scratch = path.with_name(f".{path.name}.template-{os.getpid()}-{threading.get_ident()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, scratch)
        os.link(scratch, path)  # never over a file another process or thread made meanwhile
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            scratch.unlink()
    _state["copies"] += 1
    return True


def _connect_from_template(self: Warehouse, *, read_only: bool, patience: float,
                           config: dict[str, Any] | None = None) -> Any:
    if not read_only:
        place_template(self.path)
    return _REAL_CONNECT(self, read_only=read_only, patience=patience, config=config)


def install() -> Callable[[], None]:
    """Route every writer's open of a missing file through the template; returns the undo."""
    Warehouse._connect = _connect_from_template  # type: ignore[method-assign]

    def undo() -> None:
        Warehouse._connect = _REAL_CONNECT  # type: ignore[method-assign]

    return undo


@contextlib.contextmanager
def migrating_every_new_warehouse() -> Iterator[None]:
    """For a test marked `migrates_a_new_warehouse`: every new file is made and migrated as a user's is."""
    with _real_opens():
        yield


def copies_made() -> int:
    return _state["copies"]
