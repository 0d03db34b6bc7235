"""Storage compatibility: the warehouse file opens in DuckDB 1.4.0 and later, not only in 2.x.

duckdb 2.0.1 writes storage version 69 by default, which DuckDB 1.5.6 (the newest 1.x, and its
CLI) refuses. A file created with `storage_compatibility_version = 'v1.4.0'` keeps that
format for its whole life, whichever DuckDB opens it later, and opens in DuckDB >= 1.4.0.

- `ensure_compatible_storage(path)` runs before every read-write open (`Warehouse.writing`).
  A missing file is created in the compatible format (by that open, which passes
  `connect_config()`). A file in another format (a warehouse written by newsflow before this
  module existed) is copied into a new compatible file with `ATTACH ... (STORAGE_VERSION ...)`
  and `COPY FROM DATABASE`, which then replaces it.
- Crash safety: the copy goes to `<name>.compat-tmp` (removed first if a crash left one); the
  old file gets a hard link `<name>.pre-compat` as a backup; `os.replace` swaps the copy in
  atomically, so the path always names a whole warehouse, old or new. The backup is removed
  once the new file has opened; a leftover backup beside a compatible file is removed too.
- The header is read without opening the database (bytes 8-19: magic `DUCK`, then the
  storage version as a little-endian uint64). DuckDB 2.x writes 999 there for its own
  format; files readable by 1.x carry 64..68.
- Before any open, `refuse_what_is_not_a_duckdb_file` turns a folder, a FIFO or device and a
  SQLite database into one WarehouseError, and `other_format_error` a file a newer (or a much older) DuckDB wrote.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import stat
from pathlib import Path

import duckdb

from newsflow.errors import WarehouseError
from newsflow.warehouse import access, freelist, heldfiles, pathkinds

log = logging.getLogger(__name__)

STORAGE_COMPATIBILITY = "v1.4.0"
"""Written into every new warehouse; the oldest client that opens it is DuckDB 1.4.0."""
OLDEST_CLIENT = "1.4.0"
_READABLE_BY_1X = range(64, 69)
_MAGIC = b"DUCK"


def connect_config() -> dict[str, str | bool | int | float | list[str]]:
    """The config a new warehouse file is created with."""
    return {"storage_compatibility_version": STORAGE_COMPATIBILITY}


def storage_version(path: Path) -> int | None:
    """The storage version number in the file's header, or None if it is not a DuckDB file."""
    header = heldfiles.read_header(path, lambda fd: os.pread(fd, 20, 0))
    if len(header) < 20 or header[8:12] != _MAGIC:
        return None
    return int.from_bytes(header[12:20], "little")


def newer_format_error(path: Path, duckdb_message: str) -> WarehouseError | None:
    """The one line for a file a newer DuckDB wrote (DuckDB's own message is six lines and a URL)."""
    if "newer version of DuckDB" not in duckdb_message and "storage version greater" not in duckdb_message:
        return None
    version = storage_version(path) if path.is_file() else None
    readable = re.search(r"between (\d+) and (\d+)", duckdb_message)
    reads = f"; this newsflow's duckdb {duckdb.__version__} reads {readable[1]}-{readable[2]}" if readable else ""
    found = f" (storage version {version}{reads})" if version else ""
    return WarehouseError(f"cannot open {path}: it was written by a newer DuckDB{found}: upgrade newsflow, open it "
                          "with that DuckDB, or move it aside and the next run starts a new warehouse")


def other_format_error(path: Path, duckdb_message: str) -> WarehouseError | None:
    """The one line for a file a newer DuckDB wrote, or one too old for this DuckDB to read."""
    return newer_format_error(path, duckdb_message) or older_format_error(path, duckdb_message)


def older_format_error(path: Path, duckdb_message: str) -> WarehouseError | None:
    """A file DuckDB before 0.9 wrote (storage version 51 and below), which DuckDB 1.x does not read. Before, its
    line was DuckDB's, a paragraph with a URL, saying nothing of newsflow or what to do."""
    if "we can only read storage versions" not in duckdb_message:
        return None
    writer = re.search(r"created with DuckDB version (.+?)\.\s", duckdb_message)
    version = storage_version(path) if path.is_file() else None
    found = f"DuckDB {writer[1]}" if writer else "an older DuckDB"
    numbered = f" (storage version {version})" if version is not None else ""
    readable = re.search(r"between (\d+) and (\d+)", duckdb_message)
    reads = f" (it reads storage versions {readable[1]}-{readable[2]})" if readable else ""
    return WarehouseError(
        f"cannot open {path}: it was written by {found}{numbered}, which this newsflow's duckdb {duckdb.__version__} "
        f"cannot read{reads}: with that DuckDB run `EXPORT DATABASE 'dir'`, and with this one `IMPORT DATABASE "
        "'dir'` into a new file to point warehouse.path at; or move it aside and the next run starts a new warehouse")


def refuse_a_log_without_its_warehouse(path: Path) -> None:
    """No warehouse file, but its `.wal`: a crash left writes in the log, and the warehouse was moved (or copied
    elsewhere and deleted) without it. A new warehouse made here discarded the log, and the moved warehouse opens
    without those writes: both silently. One line saying where the log goes, before anything opens the path."""
    wal = Path(f"{path}.wal")
    try:
        found = wal.stat()
    except OSError:
        return
    if stat.S_ISREG(found.st_mode) and found.st_size > 0:
        raise WarehouseError(
            f"no warehouse at {path}, but its write-ahead log {wal} is there ({found.st_size:,} bytes a run wrote "
            "and a crash left unmerged): if you moved the warehouse, move this file beside it, named as it is plus "
            "`.wal`, before anything opens the warehouse, or those writes are lost; if you deleted the warehouse to "
            "start over, delete this file too")


def refuse_what_is_not_a_duckdb_file(path: Path) -> None:
    """A folder, a FIFO (DuckDB's open waited on it for ever) or a SQLite file (DuckDB went to the
    network for its sqlite extension) is not a warehouse: one line, before DuckDB sees it."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        pathkinds.refuse_a_dangling_link(path)
        refuse_a_log_without_its_warehouse(path)
        return
    except OSError as exc:  # a symlink loop, a name too long, a folder it cannot search (named: Local 30)
        raise access.refuse_a_folder_it_cannot_search(path, exc) from exc
    if not stat.S_ISREG(mode):
        pathkinds.refuse_what_is_no_file(path)
    access.refuse_a_file_it_cannot_read(path)
    refuse_an_empty_file_beside_its_log(path)
    if is_sqlite(path):
        raise WarehouseError(f"cannot open {path}: it is a SQLite database, not a DuckDB file; set "
                             "warehouse.path to another file (the next run starts a new warehouse there)")


def refuse_an_empty_file_beside_its_log(path: Path) -> None:
    """A 0-byte warehouse with a non-empty `.wal` beside it: a copy or restore that failed before the file's first
    byte (the log copied whole), or a file emptied (`> news.duckdb`). DuckDB writes a file's header before any log,
    so no run of newsflow leaves this; the log holds only changes to the file that is gone. DuckDB's "not a valid
    DuckDB database file" said to move the file aside, after which the log's line said to move the log beside a
    warehouse that is not there: one line saying what it is and what to do, the two files untouched."""
    try:
        size, log_size = path.stat().st_size, Path(f"{path}.wal").stat().st_size
    except OSError:
        return
    if size == 0 and log_size > 0:
        raise WarehouseError(
            f"cannot open {path}: the file is empty (0 bytes) but its write-ahead log {path}.wal holds {log_size:,} "
            "bytes: a copy or restore that failed before the warehouse's first byte, or a file emptied? The log is "
            "changes to a warehouse, useless without it: copy the warehouse here again (with its .wal), or point "
            "warehouse.path at it; to start a new warehouse here instead, move both files aside")


def is_empty_file(path: Path) -> bool:
    """A regular file of 0 bytes with no write-ahead log beside it: a first open killed (or a full disk)
    between creating the file and writing its header, or a `touch`. It holds nothing."""
    try:
        return path.is_file() and path.stat().st_size == 0 and not Path(f"{path}.wal").exists()
    except OSError:
        return False


# What leaves a 0-byte warehouse: not only a first run stopped as it made the file (which the line named alone),
# but `touch`, and a copy or restore that failed (a full disk, a Ctrl-C) before its first byte.
EMPTY_FILE_CAUSES = "0 bytes: left by `touch`, a copy that failed, or a first run stopped as it made it"


def start_over_an_empty_file(path: Path) -> None:
    """Remove an empty warehouse file (`is_empty_file`) so a writer makes the warehouse anew.

    DuckDB refuses a 0-byte file ("not a valid DuckDB database file"), so every run failed, exit 3,
    saying to restore a backup of a file that never held a byte. Removed only while no process holds
    DuckDB's lock on it (a writer creating it this instant holds it)."""
    if not is_empty_file(path) or heldfiles.is_held(path):  # a close here would drop a connection's lock
        return
    try:
        with open(path, "rb+") as handle:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # DuckDB's own lock is an fcntl lock too
            if os.fstat(handle.fileno()).st_size == 0:
                path.unlink()
                log.warning("%s was an empty file (%s): a new warehouse is made in it; if you meant to copy a "
                            "warehouse there, stop this run and copy it again", path, EMPTY_FILE_CAUSES)
    except OSError:  # held, or gone: DuckDB's open says what it is
        return


def is_sqlite(path: Path) -> bool:
    """Whether the file starts as a SQLite database does (DuckDB would load its sqlite extension)."""
    try:
        return heldfiles.read_header(path, lambda fd: os.pread(fd, 16, 0)) == b"SQLite format 3\x00"
    except OSError:
        return False


def is_compatible(path: Path) -> bool:
    version = storage_version(path)
    return version is None or version in _READABLE_BY_1X


def ensure_compatible_storage(path: Path, *, create: bool = True) -> None:
    """Create `path` in the compatible format, or carry an older-format file across (see above).

    `create=False` leaves a missing file to the caller, who opens it with `connect_config()`
    (`Warehouse.writing`: one open instead of two)."""
    backup = path.with_name(path.name + ".pre-compat")
    if not path.exists():
        if create:
            _create(path)
    elif not is_compatible(path):
        _convert(path, backup)
    if backup.exists():
        backup.unlink()


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        duckdb.connect(str(path), config=connect_config()).close()
    except duckdb.IOException as exc:  # someone else created it meanwhile and holds it: theirs stands
        log.debug("could not create %s in the compatible format: %s", path, exc)


def _convert(path: Path, backup: Path) -> None:
    temporary = path.with_name(path.name + ".compat-tmp")
    for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        # the config every writer opens with (Warehouse.writing): DuckDB refuses a second connection
        # in one process to the same file with another config; an existing file keeps its format
        con = duckdb.connect(str(path), config=connect_config())
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():  # another process has it open; the next write retries
            log.info("%s is in use; its storage format is converted on a later write", path)
            return
        raise other_format_error(path, str(exc)) or WarehouseError(f"cannot open {path}: {exc}") from exc
    except duckdb.Error as exc:  # a damaged header (its checksum), a newer DuckDB's file: before, a traceback
        raise WarehouseError(f"cannot open {path}: {exc}; the file is damaged, or was written by a newer DuckDB: "
                             "restore it from a backup, or move it aside and the next run starts a new "
                             "warehouse") from exc
    try:
        refuse_a_foreign_database(con)  # before the rewrite: someone else's database is not converted either
        log.warning("rewriting %s in DuckDB storage format %s so DuckDB >= %s clients can open it (one-off)",
                    path, STORAGE_COMPATIBILITY, OLDEST_CLIENT)
        con.execute(f"ATTACH '{_quoted(temporary)}' AS compat_copy (STORAGE_VERSION '{STORAGE_COMPATIBILITY}')")
        con.execute(f"COPY FROM DATABASE \"{_database_name(con)}\" TO compat_copy")
        con.execute("DETACH compat_copy")
    finally:
        con.close()
    if backup.exists():
        backup.unlink()
    os.link(path, backup)
    os.replace(temporary, path)
    duckdb.connect(str(path), read_only=True).close()  # the new file opens: the backup can go


def _database_name(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT current_database()").fetchone()
    assert row is not None
    return str(row[0]).replace('"', '""')


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The file's own tables, sorted: asked once by a reader for both checks below (each open pays for it)."""
    return [row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary "
        "ORDER BY table_name").fetchall()]


def refuse_a_foreign_database(con: duckdb.DuckDBPyConnection, tables: list[str] | None = None) -> None:
    """Tables but no `schema_migrations`; a `schema_migrations` that is another tool's (golang-migrate, Rails and
    dbmate name theirs so, without newsflow's `name`: its SQL then met a missing column, a traceback); or views
    and no table (a first run killed as it migrated leaves no view: its migrations commit as one transaction):
    someone else's database, refused untouched (review of Local 25: the run migrated into a views-only one)."""
    tables = table_names(con) if tables is None else tables
    if tables and "schema_migrations" not in tables:
        _refuse_as_foreign(con, f"it has tables such as {', '.join(tables[:3])}, and no schema_migrations")
    if "schema_migrations" in tables and not _is_newsflows_ledger(con):
        _refuse_as_foreign(con, "its schema_migrations is another tool's, with no name column")
    if not tables and con.execute(_VIEWS_OF_ITS_OWN).fetchall():
        _refuse_as_foreign(con, "it has views and no table")


_VIEWS_OF_ITS_OWN = ("SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal "
                     "AND NOT temporary LIMIT 1")


def _is_newsflows_ledger(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
                        "AND table_name = 'schema_migrations'").fetchall()
    return {"version", "name"} <= {name for (name,) in found}


def _refuse_as_foreign(con: duckdb.DuckDBPyConnection, why: str) -> None:
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    where = path[0][0] if path else "the warehouse"
    raise WarehouseError(f"{where} is a DuckDB database but not a newsflow warehouse ({why}); left untouched: set "
                         "warehouse.path to another file, or move this one aside and the next run starts a new "
                         "warehouse")


_BLOCKS_START = freelist.BLOCKS_START


def refuse_a_file_cut_short(con: duckdb.DuckDBPyConnection, path: Path,
                            screen: freelist.FreeList | None = None) -> None:
    """A warehouse that holds fewer whole blocks than it has blocks in use, or that ends before its last block in use
    (a copy, download or restore that stopped, a disk that filled as it was copied): DuckDB opens it and fails only
    a read past the cut, so readers that read what survives printed part of the warehouse as if whole, and `feeds` a
    warning worded for a run (Local 25). The header's block count is not the test: DuckDB trims free blocks off the
    file's end after writing it, so a whole file may be shorter than it says; its last block in use is, from DuckDB's
    free list as `screen` read it before the open (`freelist`: Local 28), confirmed by DuckDB's own metadata. Asked
    on the open connection (DuckDB's lock held), so a writer's checkpoint is never seen half done."""
    row = con.execute("SELECT block_size, total_blocks, used_blocks, free_blocks FROM pragma_database_size() "
                      "WHERE database_name = current_database()").fetchone()
    try:
        size = path.stat().st_size
    except OSError:
        return
    if row is None or not row[0]:
        return
    block_size, total, used, free = (int(value) for value in row)
    whole_blocks = max(0, size - _BLOCKS_START) // block_size
    if used > whole_blocks:
        shortfall = f"too few for the {used:,} blocks of {block_size // 1024} KiB it has in use"
    elif screen is not None and used and screen.agrees(block_size, total, free) \
            and screen.last_in_use() >= whole_blocks and _uses_a_block_past(con, whole_blocks):
        shortfall = f"ending before its block {screen.last_in_use():,} of {block_size // 1024} KiB, which it has in use"
    else:
        return
    raise WarehouseError(
        f"cannot open {path}: the file is cut short ({size:,} bytes, {shortfall}: a copy, download or restore that "
        "stopped before its end?); the file is damaged: restore it from a backup or copy it again whole, or move it "
        "aside and the next run starts a new warehouse; left untouched")


def _uses_a_block_past(con: duckdb.DuckDBPyConnection, whole_blocks: int) -> bool:
    """DuckDB's own word that a block past the file's end is in use: its catalog's, or a table's (asked only when the
    free list says so: these read every table's metadata, which grows with the warehouse). A read that fails there
    (the metadata itself past the cut) says it too."""
    try:
        asked: list[tuple[str, list[str]]] = [("SELECT max(block_id) FROM pragma_metadata_info()", [])]
        asked += [("SELECT max(block_id) FROM pragma_storage_info(?)", [name]) for name in table_names(con)]
        for query, name in asked:
            found = con.execute(query, name).fetchone()
            if found is not None and found[0] is not None and found[0] >= whole_blocks:
                return True
    except duckdb.IOException:
        return True
    return False


def refuse_a_newer_schema(con: duckdb.DuckDBPyConnection, known: set[int]) -> None:
    """A warehouse a newer newsflow migrated (a version in `schema_migrations` this one has no file for)
    is refused, untouched: writing it with this schema's loads, and its views replaced by this version's,
    would break it for the newer one that owns it."""
    unknown = con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    unknown = [(version, name) for version, name in unknown if version not in known]
    if unknown:
        path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
        where = path[0][0] if path else "the warehouse"
        raise WarehouseError(
            f"{where} was migrated by a newer newsflow (migration {unknown[-1][1]!r}, which this one does not have); "
            "left untouched: upgrade newsflow (uv sync on the newer version), or point warehouse.path at another "
            "file; `newsflow query` still reads it")


def is_unmade_warehouse(con: duckdb.DuckDBPyConnection, names: list[str] | None = None) -> bool:
    """No table yet, or only the migrations' own bookkeeping with no migration recorded: a file made by
    a first run killed before its migrations committed (on a new file they commit as one transaction,
    after `schema_migrations` and `schema_views` are created), which the next run migrates."""
    tables = set(table_names(con) if names is None else names)
    if not tables <= {"schema_migrations", "schema_views"}:
        return False
    if "schema_migrations" not in tables:
        return True
    row = con.execute("SELECT count(*) FROM schema_migrations").fetchone()
    return row is not None and row[0] == 0
