"""What a DuckDB error met while writing the warehouse means for the user (moved out of `warehouse/__init__.py`).

A write DuckDB could not make (a full disk, a file size limit, a spill folder it cannot use, a file found damaged
as it was read for the write) is one line naming the file and what to do, said of the load or of the migration it
stopped; any other DuckDB error stays a bug of the load that raised it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from newsflow.errors import NOTHING_OF_THE_LOAD, WarehouseError
from newsflow.runlock import room_question, room_remedy
from newsflow.warehouse.openhints import damaged_file_message, open_hint

_SPILL_FOLDER_UNUSABLE = ("File exists", "Not a directory", "Permission denied")  # EEXIST, ENOTDIR, EACCES
_WRITE_FAILURES = ("Could not write", "No space left", "File too large", "Could not truncate", "Could not fsync",
                   "has been invalidated")


def write_failure(path: Path, exc: duckdb.Error, migrating: bool = False) -> WarehouseError | None:
    """A WarehouseError when DuckDB could not write the file (a full disk, a file size limit);
    None for any other error, which stays a bug of the load that raised it. While migrating (an
    upgrade's first write) no load has begun: the line says the upgrade stopped, not a load."""
    text = str(exc)
    if not isinstance(exc, duckdb.IOException | duckdb.FatalException) and not any(
        sign in text for sign in _WRITE_FAILURES
    ):
        return None
    first = " ".join(text.split())[:300]
    spill = f"{path}.tmp"  # DuckDB's temp_directory: where a write that outgrows memory_limit spills
    # a file or FIFO in its place, or a folder it cannot write; not a full disk, or no inodes left (review of
    # Local 27: `mkdir` failing with ENOSPC quotes the folder too, and nothing is there to move)
    # The shared tail, so that a spill at the run's row is said of the row (readersafe.said_of_the_row)
    if f'"{spill}"' in text and any(sign in text for sign in _SPILL_FOLDER_UNUSABLE):
        return WarehouseError(
            f"cannot write {path}: {first}. DuckDB puts what a write cannot hold in memory in the folder "
            f"{spill}, and cannot use what is there (a file or a FIFO in its place, or a folder it cannot "
            f"write?): move it aside, and DuckDB makes the folder when it needs it. {NOTHING_OF_THE_LOAD}")
    if damaged_file_message(text):  # a read failed, not a write: no disk is full
        return WarehouseError(f"cannot open {path}: {first}{open_hint(text, read_only=False)}")
    if migrating:
        return WarehouseError(f"cannot write {path}: {first}. {room_question(text, path)} Its migration to "
                              "this newsflow's schema stopped (each migration is stored whole or not at all) and "
                              f"nothing else was written: {room_remedy(text, path)}, and the next run finishes it")
    return WarehouseError(f"cannot write {path}: {first}. {room_question(text, path)} {NOTHING_OF_THE_LOAD}")
