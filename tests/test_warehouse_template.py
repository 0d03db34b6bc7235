"""The tests' template for new warehouses (tests/warehousetemplate.py) gives what a first migration gives."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from newsflow.warehouse import Warehouse, schema
from tests import warehousetemplate

CATALOG = """
    SELECT 'table', table_name, column_name, data_type FROM information_schema.columns
    UNION ALL SELECT 'view', view_name, '', sql FROM duckdb_views() WHERE NOT internal
    UNION ALL SELECT 'macro', function_name, coalesce(macro_definition, ''), function_type FROM duckdb_functions()
        WHERE NOT internal AND function_type IN ('macro', 'table_macro')
    UNION ALL SELECT 'index', index_name, table_name, coalesce(sql, '') FROM duckdb_indexes()
    UNION ALL SELECT 'sequence', sequence_name, '', '' FROM duckdb_sequences()
    ORDER BY ALL"""


def contents(path: Path) -> tuple[object, ...]:
    with duckdb.connect(str(path), read_only=True) as con:
        return (con.execute(CATALOG).fetchall(),
                con.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall(),
                con.execute("SELECT * FROM schema_views").fetchall(),
                con.execute("PRAGMA storage_info('schema_migrations')").fetchall() != [])


def opened_for_writing(path: Path) -> Path:
    with Warehouse(path).writing() as con:
        con.execute("SELECT 1")
    return path


def test_a_new_warehouse_in_a_test_is_a_copy_holding_what_its_migration_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(warehousetemplate.ENV_OFF, raising=False)  # the template's own test, whatever the run says
    before = warehousetemplate.copies_made()
    copied = opened_for_writing(tmp_path / "copied" / "news.duckdb")
    assert warehousetemplate.copies_made() == before + 1
    with warehousetemplate.migrating_every_new_warehouse():
        migrated = opened_for_writing(tmp_path / "migrated" / "news.duckdb")
    assert warehousetemplate.copies_made() == before + 1
    assert contents(copied) == contents(migrated)
    assert len(contents(copied)[1]) == len(list((schema.sql_root() / "migrations").glob("[0-9]*.sql")))
    assert sorted(p.name for p in copied.parent.iterdir()) == sorted(p.name for p in migrated.parent.iterdir())
    placed = tmp_path / "placed.duckdb"  # the copy is migrated already: what the open then migrates is nothing
    assert warehousetemplate.place_template(placed)
    assert contents(placed)[1] == contents(migrated)[1]


@pytest.mark.migrates_a_new_warehouse
def test_a_test_marked_so_migrates_its_new_warehouse(tmp_path: Path) -> None:
    before = warehousetemplate.copies_made()
    opened_for_writing(tmp_path / "news.duckdb")
    assert warehousetemplate.copies_made() == before


def test_a_run_told_to_migrates_every_new_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(warehousetemplate.ENV_OFF, "1")
    before = warehousetemplate.copies_made()
    opened_for_writing(tmp_path / "news.duckdb")
    assert warehousetemplate.copies_made() == before


def test_no_copy_where_a_test_replaced_the_migration_or_a_warehouse_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = opened_for_writing(tmp_path / "kept.duckdb")
    with Warehouse(kept).writing() as con:
        con.execute("CREATE TABLE mine (x INTEGER)")
        con.execute("INSERT INTO mine VALUES (7)")
    before = warehousetemplate.copies_made()
    opened_for_writing(kept)
    with duckdb.connect(str(kept), read_only=True) as con:
        assert con.execute("SELECT x FROM mine").fetchall() == [(7,)]
    root = schema.sql_root()
    monkeypatch.setattr(schema, "sql_root", lambda: root)
    opened_for_writing(tmp_path / "replaced.duckdb")
    assert warehousetemplate.copies_made() == before
    assert not list(tmp_path.glob(".*template*"))


def test_threads_opening_one_new_warehouse_at_once_get_one_whole_warehouse(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    barrier = threading.Barrier(4)

    def place() -> bool:
        barrier.wait()
        return warehousetemplate.place_template(path)

    warehousetemplate.place_template(tmp_path / "warm.duckdb")  # the template made before the race
    with ThreadPoolExecutor(4) as pool:
        placed = list(pool.map(lambda _: place(), range(4)))
    assert placed.count(True) == 1, placed
    assert contents(opened_for_writing(path))[1] == contents(tmp_path / "warm.duckdb")[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.duckdb", "warm.duckdb"]
