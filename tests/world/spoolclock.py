"""A `clock` event moves the spool's timestamps as it moves the warehouse's (left by hunt 46).

The driver shows a run a clock moved by `-seconds` by adding `seconds` to every timestamp the warehouse stored
(`invariants.shift_timestamps`). Loads spooled beside a reader, or by a run killed before it replayed them, are
part of what the run will read: their polls' `last_polled_at`/`next_poll_at`, a pause journal's `until_at`, each
load's `spooled_at`. Left at the real clock's, a replay after a clock change carried stamps minutes old into a
warehouse the world had made look days old (hunt 46's KEPT world). Each load is decoded with newsflow's own spool
codec, every `datetime` in it moved, and the file written again in place (a rename: never half a file).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from newsflow import readersafe
from newsflow.spool import SUFFIX, SpoolFileError, dump_load, parse_load, spool_dir_for


def moved(value: Any, by: timedelta, names: frozenset[str] | None = None) -> Any:
    """`value` with every datetime in it (in tuples, lists, dicts and dataclasses, at any depth) moved `by`; with
    `names`, a dataclass's datetimes only in the fields so named."""
    if isinstance(value, datetime):
        return value + by
    if isinstance(value, tuple | list):
        return type(value)(moved(item, by, names) for item in value)
    if isinstance(value, dict):
        return {key: moved(item, by, names) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: moved(getattr(value, f.name), by, names) for f in dataclasses.fields(value)
                   if f.init and (names is None or f.name in names or not isinstance(getattr(value, f.name), datetime))}
        return dataclasses.replace(value, **changed)
    return value


def shift_spool(warehouse_path: Path, seconds: int) -> int:
    """Add `seconds` to every timestamp of every load waiting in the warehouse's spool; the files shifted."""
    folder, by, shifted = spool_dir_for(warehouse_path), timedelta(seconds=seconds), 0
    if not seconds or not folder.is_dir():
        return 0
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        with contextlib.suppress(OSError, SpoolFileError):  # a torn file: the run names it, as without a clock
            load = parse_load(path.read_bytes())
            load = dataclasses.replace(load, args=moved(load.args, by), spooled_at=load.spooled_at + by)
            staged = path.with_name(f".{path.name}.clock")
            staged.write_bytes(dump_load(load))
            os.replace(staged, path)
            shifted += 1
    return shifted


def shift_saved_states(warehouse_path: Path, seconds: int, names: frozenset[str] | None = None) -> bool:
    """Move the copy of the feed states each run saves beside the warehouse (`readersafe.STATES_FILE`) as the
    warehouse's own states were moved (`names`: only those fields). Since Local 28 the next run compares the two, and
    a copy left at the real clock held later polls than a warehouse the driver had moved back: every run after the
    first said the warehouse had lost writes (read-through of session 46). True when a copy was moved."""
    path = spool_dir_for(warehouse_path) / readersafe.STATES_FILE
    if not seconds or not path.is_file():
        return False
    copy = readersafe.load_saved_copy(path)
    if not copy.states:
        return False
    readersafe.save_states(path, moved(copy.states, timedelta(seconds=seconds), names), {}, copy.of)
    return True
