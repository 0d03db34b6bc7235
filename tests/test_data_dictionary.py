"""warehouse/README.md documents every table, view and column of a freshly migrated warehouse."""

from __future__ import annotations

import re
from pathlib import Path

from newsflow.warehouse import Warehouse, run_read_query

README = Path(__file__).resolve().parents[1] / "warehouse" / "README.md"


def test_every_table_view_and_column_is_documented(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing():
        pass
    columns = run_read_query(
        store,
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "ORDER BY table_name, ordinal_position",
    ).rows
    sections = documented_sections(README.read_text(encoding="utf-8"))
    missing = [f"{table}.{column}" for table, column in columns if column not in sections.get(table, set())]
    assert not missing, f"undocumented in warehouse/README.md: {missing}"


def documented_sections(text: str) -> dict[str, set[str]]:
    """Names in backticks in each section, keyed by the tables its heading names."""
    sections: dict[str, set[str]] = {}
    for block in re.split(r"^#{2,3} ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        for table in re.findall(r"`([a-z_0-9]+)`", heading):
            sections.setdefault(table, set()).update(re.findall(r"`([a-z_0-9]+)`", body))
    return sections
