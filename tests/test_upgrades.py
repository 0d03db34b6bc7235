"""A warehouse left at any earlier schema level opens with today's code, loses no row, and ends up
with the schema a new warehouse has.

Each case builds a warehouse as the newsflow of one point in history left it: the migrations as
they were then (their text from git, `git show`, since some changed after they were first applied),
a few rows in every table, then opens it with today's `Warehouse.writing()`. The levels are every
distinct set of migration texts in the history of warehouse/migrations/, and today's files up to
each migration when the clone has no history (a shallow clone, whose one commit would give one level,
or no git at all).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from newsflow import queries, search, warehouse
from newsflow.warehouse import Warehouse, compat, sql_root

REPO = Path(__file__).resolve().parents[1]
MIGRATIONS = "warehouse/migrations"
ROWS = 3
# Columns (and tables) the schemas compare on, in their order (`SELECT *` reads the same), with their
# defaults, keys and indexes; views are checked by selecting from them.
SCHEMA = ("SELECT table_name, column_index, column_name, data_type, is_nullable, column_default FROM duckdb_columns() "
          "WHERE NOT internal AND table_name NOT IN (SELECT view_name FROM duckdb_views()) "
          "UNION ALL SELECT table_name, NULL, constraint_type, list_sort(constraint_column_names)::VARCHAR, NULL, NULL "
          "FROM duckdb_constraints() "
          "UNION ALL SELECT table_name, NULL, index_name, sql, NULL, NULL FROM duckdb_indexes()")
# A level's migrations: each file's name and its content's git blob name.
Level = tuple[tuple[str, str], ...]


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True,
                          timeout=30).stdout


def _blob(text: bytes) -> str:
    """git's name for a file's content, so today's files and history's compare by content."""
    return hashlib.sha1(b"blob %d\0" % len(text) + text, usedforsecurity=False).hexdigest()


TODAY = {_blob(p.read_bytes()): p for p in sorted((sql_root() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))}


def _todays_levels() -> dict[Level, str]:
    files = [(path.name, blob) for blob, path in TODAY.items()]
    return {tuple(files[:n]): f"today-{files[n - 1][0][:4]}" for n in range(1, len(files) + 1)}


def _historical_levels() -> dict[Level, str]:
    """Each distinct set of migration files (name, blob) a commit of the history held, oldest first."""
    levels: dict[Level, str] = {}
    try:
        if _git("rev-parse", "--is-shallow-repository").strip() != "false":  # CI's depth-1 checkout: one level
            return {}
        commits = _git("log", "--reverse", "--format=%h", "--", MIGRATIONS).split()
        for commit in commits:
            listing = [line.split() for line in _git("ls-tree", commit, f"{MIGRATIONS}/").splitlines()]
            level = tuple(sorted((path.rsplit("/", 1)[1], blob) for _, _, blob, path in listing
                                 if path.endswith(".sql")))
            levels.setdefault(level, commit)
    except (OSError, subprocess.SubprocessError):  # no git, or not a clone: today's files only
        return {}
    return levels


# The history's levels when git has it; a shallow clone builds today's files up to each migration.
LEVELS = _historical_levels() or _todays_levels()


def _text(blob: str) -> str:
    if blob in TODAY:
        return TODAY[blob].read_text(encoding="utf-8")
    return _git("cat-file", "-p", blob)


# A level's migrated file before its rows, kept while a level not yet built starts with its migrations
# (the history's levels mostly add one file to the one before): a level then copies the longest such file
# and runs its own migrations beyond it, 90 migrations for the 65 levels instead of 1,439 (ci42b).
_MIGRATED: dict[Level, Path] = {}
_BUILT: set[Level] = set()


def _starts_with(level: Level, prefix: Level) -> bool:
    return level[:len(prefix)] == prefix


def build_at(path: Path, level: Level, keep: Path | None = None) -> None:
    """The warehouse as that level's migrate() left it: each migration applied and recorded.

    With `keep` (a folder), a level whose migrations an earlier-built one began with starts from a copy of
    that one's migrated file, and this level's file is kept there while a level not yet built starts with
    its migrations: the same statements on the same state, in two transactions rather than one."""
    _BUILT.add(level)
    start = max((p for p in _MIGRATED if _starts_with(level, p)), key=len, default=())
    if start:
        shutil.copyfile(_MIGRATED[start], path)
    con = duckdb.connect(str(path), config=compat.connect_config())
    con.execute("BEGIN")  # one commit, one sync, for the whole build: the test's time is in them
    if not start:
        con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                    "applied_at TIMESTAMPTZ NOT NULL)")
        con.execute("CREATE TABLE schema_views (sha256 VARCHAR NOT NULL)")
    for name, blob in level[len(start):]:
        con.execute(_text(blob))
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [int(name[:4]), name.removesuffix(".sql")])
    if keep is not None and any(_starts_with(later, level) for later in LEVELS if later not in _BUILT):
        con.execute("COMMIT")
        con.execute("CHECKPOINT")  # the whole state in the file, none in its write-ahead log
        # named by its level, not by how many are kept: a count reused after a deletion overwrote a kept file
        _MIGRATED[level] = keep / f"{hashlib.sha1(repr(level).encode(), usedforsecurity=False).hexdigest()}.duckdb"
        shutil.copyfile(path, _MIGRATED[level])
        con.execute("BEGIN")
    for table in _tables(con):
        _fill(con, table)
    con.execute("COMMIT")
    con.close()
    for done in [p for p in _MIGRATED if not any(_starts_with(later, p) for later in LEVELS if later not in _BUILT)]:
        _MIGRATED.pop(done).unlink()  # no level left to build starts with it


_NOW = datetime.now(UTC).replace(microsecond=0)
# A value per column type; the same column name gets the same values in every table, so that
# article_id, story_id and doc_id join across tables as a run's rows do.
_VALUES: dict[str, Callable[[str, int], Any]] = {
    "VARCHAR": lambda column, i: f"{column}-{i}",
    "VARCHAR[]": lambda column, i: [f"{column}-{i}"],
    "BLOB": lambda column, i: zlib.compress(f"<html><p>page {i}, café</p></html>".encode()),
    "BOOLEAN": lambda column, i: False,
    "DOUBLE": lambda column, i: 0.5 + i,
    "INTERVAL": lambda column, i: timedelta(minutes=5 + i),
    "TIMESTAMP WITH TIME ZONE": lambda column, i: _NOW - timedelta(hours=i + 1),
    "DATE": lambda column, i: (_NOW - timedelta(days=i)).date(),
}
_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_KEPT_FILE = "{i:02d}/{i:024d}.html.gz"  # newsflow.pages' file names: a folder, a digest


def _value(column: str, data_type: str, i: int) -> Any:
    if data_type in _INTEGERS:
        return i + 1
    if column == "file":
        return _KEPT_FILE.format(i=i)
    return _VALUES[data_type](column, i)


def _fill(con: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
                          "ORDER BY column_index", [table]).fetchall()
    marks = ", ".join("?" for _ in columns)
    for i in range(ROWS):
        con.execute(f"INSERT INTO {table} VALUES ({marks})", [_value(c, t, i) for c, t in columns])


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT internal "
                                      "AND table_name NOT LIKE 'schema_%' ORDER BY table_name").fetchall()]


def _recorded(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [r[0] for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in _tables(con)}


@pytest.fixture(scope="module")
def migrated_levels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder of build_at's kept migrated files, emptied after the module: a run of some levels only
    (`-k`, or xdist's `--dist load` spreading them over workers) leaves files kept for levels it never
    builds, 4-7 MB each, and pytest keeps the last three runs' temporary folders."""
    folder = tmp_path_factory.mktemp("migrated")
    yield folder
    for kept in list(_MIGRATED):
        _MIGRATED.pop(kept).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def new_schema(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, ...]]:
    with Warehouse(tmp_path_factory.mktemp("new") / "news.duckdb").writing() as con:
        return set(con.execute(SCHEMA).fetchall())


@pytest.mark.parametrize("level", list(LEVELS), ids=list(LEVELS.values()))
def test_a_warehouse_at_an_earlier_level_upgrades_whole(
    tmp_path: Path, level: Level, new_schema: set[tuple[str, ...]], migrated_levels: Path
) -> None:
    path = tmp_path / "old.duckdb"
    build_at(path, level, migrated_levels)
    with duckdb.connect(str(path), read_only=True) as con:
        # exactly this level's migrations (a kept copy missing some would leave them to today's open)
        assert _recorded(con) == [int(name[:4]) for name, _ in level]
        before = _counts(con)
        pages_in_the_file = "html_zlib" in {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'pages'").fetchall()}
    with Warehouse(path).writing() as con:
        assert set(con.execute(SCHEMA).fetchall()) == new_schema
        after = _counts(con)
        _check_todays_writes(con)
    # 0005 first kept pages inside the file; 0007 turned that HTML into a `file` that names none, and
    # 0077 drops those rows (no kept page can be read through them). Nothing else goes.
    lost = {t: (n, after.get(t, 0)) for t, n in before.items() if after.get(t, 0) < n}
    assert lost == ({"pages": (ROWS, 0)} if pages_in_the_file else {})
    _check_reads(Warehouse(path))


def test_kept_levels_build_each_level_from_its_own_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """build_at's kept files on a history whose lines interleave (merged branches, an edited migration):
    each level ends with its own migrations' tables and records, not another kept level's."""
    files = {key: (f"000{n}_{key}.sql", f"blob-{key}") for key, n in zip("abcdef", [1, 1, 2, 2, 1, 2], strict=True)}
    order = ["a", "b", "ac", "e", "bd", "ef"]  # a kept, b kept, a done, e kept, then b's and e's next levels
    levels = [tuple(files[key] for key in keys) for keys in order]
    monkeypatch.setattr(f"{__name__}.LEVELS", dict.fromkeys(levels, "synthetic"))
    monkeypatch.setattr(f"{__name__}._MIGRATED", {})
    monkeypatch.setattr(f"{__name__}._BUILT", set())
    monkeypatch.setattr(f"{__name__}._text", lambda blob: f"CREATE TABLE t_{blob[-1]} (x INTEGER)")
    for i, (keys, level) in enumerate(zip(order, levels, strict=True)):
        build_at(tmp_path / f"{i}.duckdb", level, tmp_path)
        with duckdb.connect(str(tmp_path / f"{i}.duckdb"), read_only=True) as con:
            assert (sorted(_tables(con)), _recorded(con)) == ([f"t_{k}" for k in sorted(keys)],
                                                              [int(name[:4]) for name, _ in level]), keys


def _check_todays_writes(con: duckdb.DuckDBPyConnection) -> None:
    """What a run writes after its articles: the search index and the story lines."""
    search.update_index(con)
    unindexed = "SELECT count(*) FROM articles WHERE article_id NOT IN (SELECT article_id FROM search_docs)"
    assert con.execute(unindexed).fetchall() == [(0,)]
    warehouse.insert_story_lines(con, [("site-0", 7, "article_id-0", "story_id-0")])
    since = _NOW - timedelta(days=30)
    counted, _ = warehouse.lookup_story_lines(con, [("site-0", 7)], since, [], 3)
    assert counted, "the line just stored is found"


def _check_reads(store: Warehouse) -> None:
    """Every view and every named query runs on the upgraded file."""
    with store.reading() as con:
        views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
        for view in views:
            con.execute(f"SELECT * FROM {view}").fetchall()
        con.execute("SELECT count(*) FROM search_articles('text')").fetchall()
        for query in queries.list_queries(sql_root() / "queries"):  # as `newsflow query` runs them, less its sandbox
            con.execute(query.sql, queries.bind_params(query, [])).fetchall()
