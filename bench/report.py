"""Result tables: printed as text, saved as JSON in bench/out/."""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).parent / "out"


@dataclass
class Row:
    name: str
    value: float | None
    unit: str
    ratio: float | None = None  # value / baseline, when the row has a baseline
    target: str = ""  # e.g. "<= 1.25x floor"; "" when the row is context only
    passed: bool | None = None
    note: str = ""


@dataclass
class Table:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None  # why the whole benchmark did not run

    def add(self, name: str, value: float | None, unit: str, **kwargs: Any) -> Row:
        row = Row(name, value, unit, **kwargs)
        self.rows.append(row)
        return row

    def check(self, name: str, value: float, unit: str, limit: float, target: str, **kwargs: Any) -> Row:
        """A row with a target: passes when `value <= limit` (ratios and absolutes alike)."""
        return self.add(name, value, unit, target=target, passed=value <= limit, **kwargs)


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline > 0 else float("inf")


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def render(table: Table) -> str:
    lines = [f"== {table.title} =="]
    if table.skipped:
        return "\n".join([*lines, f"   skipped: {table.skipped}", ""])
    header = ("measure", "value", "unit", "ratio", "target", "ok")
    cells = [header] + [
        (r.name, _fmt(r.value), r.unit, "-" if r.ratio is None else f"{r.ratio:.2f}x", r.target,
         "" if r.passed is None else ("PASS" if r.passed else "FAIL"))
        for r in table.rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    for i, cell in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if j in (0, 2, 4) else c.rjust(w)
                               for j, (c, w) in enumerate(zip(cell, widths, strict=True))).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += [f"   note: {n}" for n in table.notes] + [f"   {r.name}: {r.note}" for r in table.rows if r.note]
    return "\n".join(lines) + "\n"


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    mem_kb = next((int(line.split()[1]) for line in _read_lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kb / 2**20, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average": os.getloadavg()}


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def save(tables: list[Table], options: dict[str, Any], out_dir: Path = OUT_DIR) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = out_dir / f"bench-{stamp}.json"
    document = {"at": stamp, "machine": machine(), "options": options, "tables": [asdict(t) for t in tables]}
    path.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    (out_dir / "latest.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path
