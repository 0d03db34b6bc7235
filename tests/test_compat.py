"""The warehouse opens in DuckDB clients back to 1.4.0; older-format files are carried across."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from newsflow import search
from newsflow.warehouse import Warehouse, compat, migrate
from tests.samplewarehouse import build_sample_warehouse

CLIENT_CHECK = (
    "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True); "
    "print(duckdb.__version__, con.execute('SELECT count(*) FROM articles').fetchone()[0], "
    "con.execute('SELECT count(*) FROM stories').fetchone()[0], "
    "*[con.execute(\"SELECT count(*) FROM search_articles('wire')\").fetchone()[0] for _ in sys.argv[2:]])"
)
SEARCH_MACROS_FROM = "1.5.0"
"""DuckDB 1.4 cannot read a table macro with a CTE that 2.x wrote ("Table with name ... does not
exist"); 1.5.0 can. Tables and views open from 1.4.0."""


def old_client(version: str, path: Path, *, with_search: bool = False) -> subprocess.CompletedProcess[str]:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH, so no other DuckDB client can be installed")
    done = subprocess.run([uv, "run", "--isolated", "--no-project", "--with", f"duckdb=={version}", "python", "-c",
                           CLIENT_CHECK, str(path), *(["search"] if with_search else [])],
                          capture_output=True, text=True, timeout=240)
    if done.returncode != 0 and ("Failed to fetch" in done.stderr or "dns error" in done.stderr.lower()):
        pytest.skip(f"the package registry is unreachable, so duckdb=={version} cannot be installed")
    return done


@pytest.mark.migrates_a_new_warehouse  # the new file's format is its subject: made here, not copied
def test_new_warehouse_is_written_in_the_compatible_storage_format(tmp_path: Path) -> None:
    store = build_sample_warehouse(tmp_path / "news.duckdb")
    assert compat.storage_version(store.path) in range(64, 69)


@pytest.mark.slow
@pytest.mark.migrates_a_new_warehouse
def test_oldest_supported_client_opens_a_warehouse_newsflow_wrote(tmp_path: Path) -> None:
    store = build_sample_warehouse(tmp_path / "news.duckdb")
    done = old_client(compat.OLDEST_CLIENT, store.path)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == [compat.OLDEST_CLIENT, "10", "7"]  # articles; stories, a view


@pytest.mark.slow
@pytest.mark.parametrize("version", [SEARCH_MACROS_FROM, "1.5.6"])
def test_search_macro_runs_in_clients_from_1_5(tmp_path: Path, version: str) -> None:
    store = build_sample_warehouse(tmp_path / "news.duckdb")
    with store.writing() as con:
        search.update_index(con)
    done = old_client(version, store.path, with_search=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.split() == [version, "10", "7", "3"]  # and the wire story's 3 copies


def old_format_warehouse(path: Path) -> None:
    """A warehouse as newsflow wrote it before compat.py: duckdb 2.x's own storage format."""
    con = duckdb.connect(str(path))
    migrate(con)
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('old-run', now(), 'completed')")
    con.close()


def test_old_format_warehouse_is_converted_on_the_next_write_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    old_format_warehouse(path)
    assert not compat.is_compatible(path)
    with Warehouse(path).writing() as con:
        assert con.execute("SELECT run_id FROM runs").fetchall() == [("old-run",)]
        assert con.execute("SELECT count(*) FROM stories").fetchone() == (0,)  # views came across
    assert compat.is_compatible(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.duckdb"]  # no backup or copy left


def test_conversion_after_a_crash_mid_copy_starts_again_and_drops_leftovers(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    old_format_warehouse(path)
    (tmp_path / "news.duckdb.compat-tmp").write_bytes(b"half a copy")
    compat.ensure_compatible_storage(path)
    assert compat.is_compatible(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.duckdb"]


def test_backup_left_by_a_crash_after_the_swap_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    build_sample_warehouse(path)
    shutil.copy(path, tmp_path / "news.duckdb.pre-compat")
    compat.ensure_compatible_storage(path)
    assert not (tmp_path / "news.duckdb.pre-compat").exists()


@pytest.mark.slow
def test_converted_warehouse_opens_in_the_oldest_client(tmp_path: Path) -> None:
    path = tmp_path / "news.duckdb"
    old_format_warehouse(path)
    assert old_client(compat.OLDEST_CLIENT, path).returncode != 0  # the reason for all this
    compat.ensure_compatible_storage(path)
    done = old_client(compat.OLDEST_CLIENT, path)
    assert done.returncode == 0, done.stderr[-500:]
