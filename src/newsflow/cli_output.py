"""How the CLI prints a query result: an aligned table for a terminal, CSV or JSON for scripts."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from datetime import date, datetime

from newsflow.warehouse import QueryResult


def fail(message: str, code: int) -> int:
    print(f"newsflow: {' '.join(message.split())}", file=sys.stderr)
    return code


def format_result(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(result.columns, row, strict=True)) for row in result.rows],
                          default=_json_default, ensure_ascii=False, indent=2)
    if fmt == "csv":
        return _to_csv(result)
    return _to_table(result)


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.columns)
    writer.writerows([[_cell(v) for v in row] for row in result.rows])
    return buffer.getvalue().rstrip("\n")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""Control characters: in a table printed to a terminal, stored text must not move the cursor."""


def _cell(value: object, limit: int | None = None) -> str:
    if value is None:
        return ""
    text = value.isoformat(sep=" ", timespec="seconds") if isinstance(value, datetime) else str(value)
    text = _CONTROL.sub("\ufffd", " ".join(text.split())) if limit else text  # a title's ESC [2J stays text
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _to_table(result: QueryResult, width: int = 60) -> str:
    if not result.columns:
        return "(no result)"
    cells = [[_cell(v, width) for v in row] for row in result.rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)
