"""How the CLI prints a query result: an aligned table for a terminal, CSV or JSON for scripts, in any locale
(`escape_what_the_output_cannot_encode`)."""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import io
import json
import math
import re
import sys
import unicodedata
from argparse import ArgumentTypeError
from datetime import date, datetime, timedelta

from newsflow.warehouse import QueryResult

# A file that is full, or a disk that fails it (a cron line's log on a full partition): what is written there is lost
FULL_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO})


def fail(message: str, code: int) -> int:
    try:
        print(f"newsflow: {' '.join(message.split())}", file=sys.stderr)
    except OSError as exc:  # stderr on a full disk: the line is lost, but the code still says what went wrong
        if exc.errno not in FULL_OUTPUT_ERRORS:  # (it was 1, a crash, for a config error or a locked warehouse)
            raise
    return code


def format_result(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        rows = [{column: _finite(_seconds(value)) for column, value in zip(result.columns, row, strict=True)}
                for row in result.rows]
        return json.dumps(rows, default=_json_default, ensure_ascii=False, indent=2, allow_nan=False)
    if fmt == "csv":
        return _to_csv(QueryResult(result.columns, [tuple(_seconds(v) for v in row) for row in result.rows]))
    if fmt == SPREADSHEET:
        clocks = [tuple(_wall_clock(_seconds(v)) for v in row) for row in result.rows]
        return (BOM if _stdout_in_utf8() else "") + _to_csv(QueryResult(result.columns, clocks))
    return _to_table(result)


SPREADSHEET = "spreadsheet"
"""`--format spreadsheet`: CSV for Excel and LibreOffice Calc opened by double-click (docs/queries.md, "Analyst 50")."""
FORMATS = ["table", "csv", SPREADSHEET, "json"]
"""Every --format of `newsflow query` and `newsflow search`."""
BOM = "\ufeff"
"""UTF-8's byte-order mark: Excel on Windows reads a CSV without it in the ANSI code page (`HÃ  Ná»™i`)."""


def export_format(text: str) -> str:
    """An export's format; `spreadsheet` (`search`'s and `query`'s) is refused saying where it is: an export is a set
    of files for other tools, a spreadsheet is read from stdout ("Analyst 51")."""
    if text == SPREADSHEET:
        raise ArgumentTypeError(
            "export writes parquet, csv or jsonl files for other tools; for a spreadsheet, send a query's rows to one: "
            "newsflow query \"SELECT * EXCLUDE (text) FROM articles\" --format spreadsheet > articles.csv")
    return text


def _stdout_in_utf8() -> bool:
    """Whether stdout writes UTF-8, switched to it for the spreadsheet where it wrote another encoding: the file is for
    Excel, which reads it as UTF-8 by the mark, not for the terminal. Left in cp1252 (Windows' stdout redirected to a
    file) or PYTHONIOENCODING=latin-1, `Hà Nội` was `Hà N\\u1ed9i` in the cells (review of "Analyst 50"). False where
    the stream cannot be switched: then no mark, which would claim UTF-8 falsely."""
    stream = sys.stdout
    while not isinstance(stream, io.TextIOWrapper) and hasattr(stream, "stream"):  # cli's StdoutThatMustNotFill
        stream = stream.stream
    if not _utf8(stream) and isinstance(stream, io.TextIOWrapper):
        with contextlib.suppress(ValueError, OSError):  # a stream closed already
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    return _utf8(stream)


def _utf8(stream: object) -> bool:
    """Whether `stream` writes plain UTF-8, by the codec's canonical name, as `feeds export` asks (`utf-8-sig` is
    not: it would write a second mark)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def _wall_clock(value: object) -> object:
    """A time with an offset as its local time alone (`2026-12-04 10:00:00`, in the zone it was given in: `--tz`'s
    for a search), which Excel and Calc read as a date and time; `2026-12-04 10:00:00+00:00` is text to both."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _seconds(value: object) -> object:
    """A duration (an INTERVAL, `query stories`' `spread`) as its seconds, a number, for CSV and JSON: Python's
    `1 day, 0:00:00` was text a spreadsheet or jq cannot compute with (review of "Analyst 49"). Tables keep it."""
    if not isinstance(value, timedelta):
        return value
    seconds = value.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


def _finite(value: object) -> object:
    """NaN and infinities as null: JSON has no such numbers, and jq or JSON.parse refuse `NaN`."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    return value


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[_spreadsheet_safe(v, _cell(v)) for v in row] for row in result.rows])
    return buffer.getvalue().rstrip("\n")


_FORMULA_START = re.compile(r"[=+\-@\t\r]")


def _spreadsheet_safe(value: object, text: str) -> str:
    """A text value a spreadsheet would run as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a
    CR, and is not a number), with a leading `'`, as `newsflow export` writes it (warehouse/export.py):
    a stored title `=HYPERLINK(...)` in `--format csv > out.csv` opened in Excel runs. Numbers stay."""
    if not isinstance(value, str) or not _FORMULA_START.match(text):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters: in a table printed to a terminal, stored text must not move the cursor, nor
reverse the rest of the line (a title's RIGHT-TO-LEFT OVERRIDE would display the columns after it
backwards). Right-to-left text itself needs no control character, and is kept."""


def _cell(value: object, limit: int | None = None) -> str:
    if value is None:
        return ""
    text = value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)
    if limit is None:
        return text
    text = _CONTROL.sub("\ufffd", " ".join(text.split()))  # a title's ESC [2J stays text
    return text if display_width(text) <= limit else _cut_to_width(text, limit - 1) + "…"


def display_width(text: str) -> int:
    """Terminal columns: CJK ideographs, kana and wide emoji take two; combining marks, joiners and
    an emoji joined to the one before it (👨‍👩‍👧 is one glyph) take none."""
    if text.isascii():
        return len(text)
    return sum(_char_widths(text))


def _char_widths(text: str) -> list[int]:
    widths = []
    for i, char in enumerate(text):
        if (i and text[i - 1] == _ZWJ) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            widths.append(0)
        else:
            widths.append(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1)
    return widths


_ZWJ = "\u200d"


def _cut_to_width(text: str, width: int) -> str:
    used = 0
    for end, char_width in enumerate(_char_widths(text)):
        used += char_width
        if used > width:
            return text[:end]
    return text


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _to_table(result: QueryResult, width: int = 60) -> str:
    if not result.columns:
        return "(no result)"
    cells = [[_cell(v, width) for v in row] for row in result.rows]
    widths = [max([display_width(c)] + [display_width(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


def escape_what_the_output_cannot_encode() -> None:
    """A locale that is not UTF-8 (`LC_ALL=C` with `PYTHONCOERCECLOCALE=0`, `PYTHONIOENCODING=ascii`, a
    Latin-1 server): stdout and stderr write a character they cannot encode as `\\uXXXX`, which JSON
    reads back as the character, rather than stop the command with a UnicodeEncodeError traceback
    (exit 1) at the first stored title in Chinese. UTF-8 output is left as it is."""
    codecs.register_error(_JSON_ESCAPES, _as_json_escapes)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):  # a stream closed already
                stream.reconfigure(errors=_JSON_ESCAPES)


_JSON_ESCAPES = "newsflow-json-escapes"


def _as_json_escapes(error: UnicodeError) -> tuple[str, int]:
    """`\\uXXXX` for each UTF-16 unit of what could not be encoded (Python's `backslashreplace` writes
    `\\xe9`, which JSON does not read)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    units = error.object[error.start:error.end].encode("utf-16-be")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)), error.end
