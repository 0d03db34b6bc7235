"""warehouse/README.md documents every table, view, column and macro of a freshly migrated warehouse, and no other.

Each column must be a row of its section's table (`| `column` | TYPE | meaning |`, or
`| `table` | `column` | TYPE | meaning |` where one section covers several tables) with a meaning and,
where a type is given, DuckDB's type: a column named only in prose, one documented under a wrong
type, or a documented column that no longer exists fails.
"""

from __future__ import annotations

import re
from pathlib import Path

from newsflow import queries
from newsflow.errors import classify_outcome
from newsflow.models import FailureClass, FetchKind, Outcome
from newsflow.warehouse import Warehouse, run_read_query, sql_root

README = Path(__file__).resolve().parents[1] / "warehouse" / "README.md"
NAME = r"`([a-z_0-9]+)`"
TYPE_ALIASES = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}


def migrated_warehouse(tmp_path: Path) -> Warehouse:
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing():
        pass
    return store


def test_every_table_view_and_column_is_documented_with_its_type(tmp_path: Path) -> None:
    store = migrated_warehouse(tmp_path)
    columns = run_read_query(
        store,
        "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'main' "
        "ORDER BY table_name, ordinal_position",
    ).rows
    documented = documented_columns(README.read_text(encoding="utf-8"))
    actual = {(table, column): data_type for table, column, data_type in columns}
    missing = [f"{table}.{column}" for table, column in actual if (table, column) not in documented]
    assert not missing, f"undocumented in warehouse/README.md (no row in its section's table): {missing}"
    gone = [f"{table}.{column}" for table, column in documented if (table, column) not in actual]
    assert not gone, f"warehouse/README.md documents columns a migrated warehouse lacks: {gone}"
    for key, (doc_type, meaning) in documented.items():
        assert meaning, f"{key[0]}.{key[1]} has no meaning in warehouse/README.md"
        if doc_type:  # "" for a view column documented "as in <table>"
            stated = doc_type.split(",")[0].strip()
            assert TYPE_ALIASES.get(stated, stated) == actual[key], f"{key[0]}.{key[1]}: doc says {doc_type}"


def test_the_documented_macros_exist(tmp_path: Path) -> None:
    store = migrated_warehouse(tmp_path)
    text = README.read_text(encoding="utf-8")
    macros_section = text.split("### Table macros", 1)[1]
    documented = set(re.findall(r"^\| `([a-z_]+)\(", macros_section, flags=re.MULTILINE))
    documented |= set(re.findall(r"`(search_[a-z_]+)\(\)`", macros_section))
    assert {"search_articles", "search_ranked", "search_fold"} <= documented
    present = {row[0] for row in run_read_query(
        store, "SELECT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro')").rows}
    assert documented <= present, f"documented macros missing: {sorted(documented - present)}"


def test_the_parser_would_catch_a_column_named_only_in_prose() -> None:
    """The check above would fail: a column mentioned in backticks in prose is not a documented row."""
    text = "## `t`\nIt has `a` and `b`.\n\n| column | type | meaning |\n|---|---|---|\n| `a` | INTEGER | the a |\n"
    assert documented_columns(text) == {("t", "a"): ("INTEGER", "the a")}


def documented_columns(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(table, column) -> (type, meaning) from the table rows of each section, keyed by its heading's names."""
    documented: dict[tuple[str, str], tuple[str, str]] = {}
    for block in re.split(r"^#{2,3} ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        tables = re.findall(NAME, heading)
        for line in body.splitlines():
            if not line.startswith("| `"):
                continue
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(tables) > 1 and len(cells) == 4:
                table, names, doc_type, meaning = cells[0].strip("`"), [cells[1].strip("`")], cells[2], cells[3]
            elif len(tables) == 1 and len(cells) == 3:
                table, names, doc_type, meaning = tables[0], re.findall(NAME, cells[0]), cells[1], cells[2]
            else:
                continue
            documented.update({(table, name): (doc_type, meaning) for name in names})
    return documented


def test_every_timestamp_is_timestamptz(tmp_path: Path) -> None:
    """README's "Timestamps: every timestamp is `TIMESTAMPTZ`, stored in UTC"."""
    store = migrated_warehouse(tmp_path)
    naive = run_read_query(
        store,
        "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "AND data_type LIKE 'TIMESTAMP%' AND data_type <> 'TIMESTAMP WITH TIME ZONE'",
    ).rows
    assert naive == []


def test_the_named_queries_the_dictionary_describes_take_and_return_what_it_says() -> None:
    text = README.read_text(encoding="utf-8")
    directory = sql_root() / "queries"
    parked = queries.load_query(directory, "parked")
    assert [(p.name, p.default) for p in parked.params] == [("days", 30)]
    assert "(parameter `days`, default 30)" in text
    promised = "`feed_id`, `url`, `parked_at`, `fetch_attempts`,\n  `last_outcome`, `last_error`"
    assert promised in text and parked.columns == tuple(re.findall(NAME, promised))
    for name in ("run_parked", "run_deferred"):
        assert [(p.name, p.default) for p in queries.load_query(directory, name).params] == [("run_id", "latest")]
    assert "(parameter `run_id`, default `latest`)" in text


def test_the_outcomes_table_lists_every_outcome_with_its_failure_class() -> None:
    """`fetch_events.outcome` takes exactly the values of `Outcome`, each of the class `classify_outcome` gives."""
    section = README.read_text(encoding="utf-8").split("### Outcomes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([a-z_]+)` \|\s*([a-z ]*?)\s*\|", section, flags=re.MULTILINE)
    documented = {outcome: failure_class.strip() for outcome, failure_class in rows}
    assert sorted(documented) == sorted(str(o) for o in Outcome), "the Outcomes table and models.Outcome differ"
    for outcome in Outcome:
        stated = documented[str(outcome)]
        if stated == "by status":
            assert [classify_outcome(outcome, code) for code in (410, 503, 429, 404)] == [
                FailureClass.HARD, FailureClass.TEMPORARY, FailureClass.TEMPORARY, FailureClass.SOFT]
        else:
            assert str(classify_outcome(outcome) or "") == stated, f"{outcome}: README says {stated!r}"


def test_fetch_events_kind_and_failure_class_list_every_value() -> None:
    text = README.read_text(encoding="utf-8")
    assert f"| `kind` | VARCHAR | {' or '.join(', '.join(f'`{k}`' for k in FetchKind).rsplit(', ', 1))} |" in text
    classes = " or ".join(", ".join(f"`{c}`" for c in FailureClass).rsplit(", ", 1))
    assert f"| `failure_class` | VARCHAR | {classes}; NULL on success |" in text
