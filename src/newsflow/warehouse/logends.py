"""The warehouse's write-ahead log as DuckDB will meet it: a file that is no log, or one cut short (Local 27).

DuckDB's replay keeps the whole commits a `.wal` holds and drops a cut one without a word (Local 26), so a log cut
short (a copy or restore that stopped, a disk that filled, the machine stopped as it wrote) lost loads that no
command named. Each commit DuckDB writes ends with a flush entry: its size (5), its checksum and its payload, 21
bytes that are the same in every log (read off DuckDB 2.0.1's, the lock's; `tests/test_local27.py`'s whole log
fails if a DuckDB ever ends its commits otherwise). A log that ends otherwise was cut part way through a write (or
its writer was killed as it wrote a commit that never returned). Asked by a writer once it holds the file (no other
process can be appending), before its first write: the log is untouched until the writer's checkpoint removes it.
A cut that falls exactly at the end of a commit leaves a log that ends whole: what it dropped cannot be told from
writes never made.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from newsflow.errors import WarehouseError

log = logging.getLogger(__name__)

# WAL_FLUSH: size 5 (u64), DuckDB's checksum of the payload (u64), payload: field 100 = WAL_FLUSH (100), object end
WHOLE_COMMIT_END = bytes.fromhex("0500000000000000" "e7fe7d722fed3d5e" "640064ffff")


def log_path(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def ends_part_way(path: Path) -> bool:
    """Whether `path`'s `.wal` is a regular file, not empty, that does not end with a whole commit."""
    try:
        handle = os.open(log_path(path), os.O_RDONLY | os.O_NONBLOCK)  # a FIFO there must not wait for a writer
    except OSError:
        return False
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size == 0:
            return False
        tail = os.pread(handle, len(WHOLE_COMMIT_END), max(0, status.st_size - len(WHOLE_COMMIT_END)))
        return tail != WHOLE_COMMIT_END
    except OSError:
        return False
    finally:
        os.close(handle)


def say_if_cut_short(path: Path) -> None:
    """One warning line when the log a writer is about to replay ended part way through a write. The line carries
    its own `newsflow: warning:` (review of Local 27): a command's first writer logs it before any handler is
    attached (a run's check, before Prefect; `reextract`; `search --reindex`), so Python prints the bare message,
    in every output mode. Its commonest cause first: newsflow itself killed as it stored (the review's plain
    SIGKILL of a writer left such a log in 3 of 12 trials). What was cut may be only a run's row (hunt 49's full disk
    at the row, its batches committed before it): the line says both cases, as it cannot tell them apart."""
    if ends_part_way(path):
        log.warning(
            "newsflow: warning: %s ended part way through a write (most often newsflow, or the machine, stopped as "
            "it stored; else a copy or restore that stopped, or a disk that filled): DuckDB kept the commits before "
            "the cut and dropped the rest. If a run was storing articles, they are pending again, and a run fetches "
            "and stores them once while their feeds still list them; if it was ending its own row, that row stays "
            "`running` and the next run marks it abandoned; what a `reextract` or `search --reindex` was writing "
            "there is done again when it is run again", log_path(path))


def refuse_a_log_that_is_no_file(path: Path) -> None:
    """`path`'s `.wal` a FIFO, a socket or a device, or a link to one (`news.duckdb.wal -> /dev/null`): DuckDB
    opens the log to replay it, so a FIFO made every command, readers too, wait for a writer for ever; a device
    is no log DuckDB wrote, and what it would write there is gone. One line, before DuckDB sees it, both files
    untouched. A folder there gets DuckDB's own line (`Is a directory`, with what to do: `openhints`)."""
    try:
        mode = os.stat(log_path(path)).st_mode
    except OSError:  # none there (or a link to nothing, where DuckDB writes its log as it would beside the file)
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    raise WarehouseError(
        f"cannot open {path}: its write-ahead log {log_path(path)} is not a regular file (a FIFO, a socket or a "
        "device), which DuckDB would wait on for ever or take for a log; no DuckDB wrote it: move it aside, and the "
        "warehouse opens as of its last checkpoint; left untouched")
