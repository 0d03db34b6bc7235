"""`newsflow query` is really read-only: DuckDB's parser picks the one statement, DuckDB's settings forbid
every write and every extension, and nothing outside (or inside) the warehouse changes.

The bypasses a red-team pass found against the old first-keyword filter each have a case here, and a
property test mixes reads with writes, COPY, ATTACH, INSTALL, PREPARE, EXECUTE, comments and case.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsflow import cli
from newsflow.errors import QueryError, ReadOnlyQueryError
from newsflow.warehouse import Warehouse, run_read_query
from newsflow.warehouse.sandbox import querying
from tests.conftest import write_config
from tests.samplewarehouse import build_sample_warehouse

OUT = "@OUT@"  # replaced by a folder inside the watched tree, after any change of case


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A config, its warehouse, an `outside` folder a write would land in, and a CSV to join."""
    root = tmp_path_factory.mktemp("sandbox")
    write_config(root, "http://127.0.0.1:9", {"planet": "/rss.xml"})
    build_sample_warehouse(root / "warehouse" / "news.duckdb")
    (root / "outside").mkdir()
    (root / "shared").mkdir()
    (root / "shared" / "outlets.csv").write_text("sitename,country\nDaily Planet,US\nThe Gazette,UK\n")
    return root


def tree(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under `root`: size, mtime and a hash of its bytes."""
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            stat = path.stat()
            files[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns,
                                                 hashlib.sha256(path.read_bytes()).hexdigest())
    return files


def run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue(), err.getvalue()


def query(site: Path, sql: str, *extra: str) -> tuple[int, str, str]:
    return run_cli(["query", sql.replace(OUT, str(site / "outside")), "--config", str(site / "newsflow.toml"),
                    *extra])


@contextlib.contextmanager
def unchanged(site: Path) -> Iterator[None]:
    before = tree(site)
    yield
    assert tree(site) == before, "a query changed a file (or made one)"


BYPASSES = [
    f"SELECT 1; COPY (SELECT 1) TO '{OUT}/copy.csv'",
    f"SELECT 1; ATTACH '{OUT}/other.duckdb' AS other (READ_WRITE); CREATE TABLE other.t AS SELECT 1",
    f"ATTACH '{OUT}/other.duckdb' AS other (READ_WRITE)",
    f"/* a /* nested */ comment */ COPY (SELECT 1) TO '{OUT}/nested.csv'",
    f"-- SELECT\nCOPY articles TO '{OUT}/articles.parquet' (FORMAT parquet)",
    f"PREPARE p AS COPY (SELECT 1) TO '{OUT}/prepared.csv'",
    "EXECUTE p",
    "FORCE INSTALL httpfs",
    "INSTALL fts",
    "LOAD fts",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET allowed_directories = ['/']",
    "RESET ALL",
    "PRAGMA enable_profiling",
    "CALL checkpoint()",
    f"EXPORT DATABASE '{OUT}/dump'",
    "WITH x AS (SELECT 1) INSERT INTO runs (run_id) SELECT 'a'",
    "CREATE TEMP TABLE t AS SELECT 1",
    "SET VARIABLE v = 1",
    "PIVOT articles ON language USING count(*)",
    "EXPLAIN SELECT 1",
    f"EXPLAIN ANALYZE COPY (SELECT 1) TO '{OUT}/explained.csv'",
]


@pytest.mark.parametrize("sql", BYPASSES)
def test_each_known_bypass_is_refused_in_one_line_with_exit_2(site: Path, sql: str) -> None:
    with unchanged(site):
        code, out, err = query(site, sql)
    assert code == 2 and out == ""
    assert err.startswith("newsflow: ") and err.count("\n") == 1, err


@pytest.mark.parametrize(("sql", "message"), [
    ("", "give one SQL statement"),
    ("-- only a comment", "no SQL statement given"),
    ("/* only */ /* comments */", "no SQL statement given"),
    (" ; ", "no SQL statement given"),
    ("SELEC 1", "syntax error"),
    ("SELECT nope FROM articles", "nope"),
    ("SELECT 1 LIMIT -1", "cannot be negative"),
])
def test_bad_or_empty_sql_exits_2_not_3(site: Path, sql: str, message: str) -> None:
    code, _, err = query(site, sql)
    assert code == 2 and message in err and err.count("\n") == 1, err


def test_a_named_query_with_a_negative_limit_exits_2(site: Path) -> None:
    code, _, err = query(site, "top_stories", "--param", "limit=-1")
    assert code == 2 and "query top_stories with limit=-1" in err and "cannot be negative" in err
    assert err.count("\n") == 1
    code, _, err = run_cli(["stories", "--limit", "-1", "--config", str(site / "newsflow.toml")])
    assert code == 2 and err.count("\n") == 1


def test_reads_and_named_queries_keep_working(site: Path) -> None:
    for sql in ["SELECT count(*) FROM articles", "FROM feeds LIMIT 1", "SHOW TABLES", "DESCRIBE articles",
                "WITH x AS (SELECT 1 AS n) SELECT n FROM x", "SUMMARIZE feeds", "top_stories"]:
        code, out, err = query(site, sql, "--format", "csv")
        assert code == 0 and out and err == "", (sql, err)


def test_local_files_are_unreadable_unless_their_folder_is_allowed(site: Path) -> None:
    csv_path = site / "shared" / "outlets.csv"
    join = (f"SELECT o.country, count(*) AS n FROM articles a JOIN read_csv('{csv_path}') o USING (sitename) "
            "GROUP BY ALL ORDER BY ALL")
    code, _, err = query(site, join)
    assert code == 2 and "file system operations are disabled" in err
    code, _, err = query(site, "SELECT * FROM read_csv('/etc/passwd')", "--allow-read", str(site / "shared"))
    assert code == 2 and "/etc/passwd" in err, "only the allowed folder opens"
    code, _, err = query(site, f"SELECT * FROM read_text('{site / 'shared'}/../newsflow.toml')",
                         "--allow-read", str(site / "shared"))
    assert code == 2 and "disabled by configuration" in err, "no way out of it with .."
    code, out, err = query(site, join, "--allow-read", str(site / "shared"), "--format", "csv")
    assert code == 0 and out.splitlines()[0] == "country,n" and "US," in out, err
    code, _, err = query(site, "SELECT 1", "--allow-read", str(csv_path))
    assert code == 2 and "not a folder" in err


def test_copy_into_an_allowed_folder_is_still_refused(site: Path) -> None:
    with unchanged(site):
        code, _, err = query(site, f"COPY (SELECT 1) TO '{site / 'shared'}/x.csv'", "--allow-read",
                             str(site / "shared"))
    assert code == 2 and "COPY statement was refused" in err


def test_the_connection_itself_refuses_writes_even_without_the_statement_check(site: Path) -> None:
    """The second layer: DuckDB's settings, tested by running statements on the sandboxed connection."""
    store = Warehouse(site / "warehouse" / "news.duckdb")
    with unchanged(site), querying(store) as con:
        for sql in [f"COPY (SELECT 1) TO '{site / 'outside'}/c.csv'", "FORCE INSTALL httpfs", "LOAD fts",
                    f"ATTACH '{site / 'outside'}/o.duckdb' AS o (READ_WRITE)", "SET enable_external_access = true",
                    "SET lock_configuration = false", "SET autoinstall_known_extensions = true",
                    "DELETE FROM articles", "SELECT * FROM glob('/etc/*')"]:
            with pytest.raises(Exception) as refused:
                con.execute(sql)
            assert any(word in str(refused.value) for word in ("disabled", "locked", "read-only")), (sql, refused)


def test_library_errors_are_query_errors(site: Path) -> None:
    store = Warehouse(site / "warehouse" / "news.duckdb")
    with pytest.raises(ReadOnlyQueryError, match="one statement at a time; got 2"):
        run_read_query(store, "SELECT 1; SELECT 2")
    with pytest.raises(QueryError, match="syntax error"):
        run_read_query(store, "SELEC 1")


def test_a_second_statement_is_refused_in_a_real_process_and_writes_nothing(site: Path) -> None:
    target = site / "outside" / "subprocess.csv"
    result = subprocess.run(
        [sys.executable, "-m", "newsflow", "query", f"SELECT 1; COPY (SELECT 1) TO '{target}'",
         "--config", str(site / "newsflow.toml")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "one statement at a time" in result.stderr
    assert not target.exists()


# --- the property test ----------------------------------------------------------------------

READS = ["SELECT 1", "select count(*) from articles", "FROM feeds", "SHOW TABLES",
         "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1), (2)"]
WRITES = [
    f"COPY (SELECT 1) TO '{OUT}/c.csv'", f"COPY articles TO '{OUT}/a.parquet' (FORMAT parquet)",
    f"ATTACH '{OUT}/o.duckdb' AS o (READ_WRITE)", "CREATE TABLE o.t AS SELECT 1", "CREATE TABLE t (a INT)",
    "INSERT INTO feeds (feed_id) VALUES ('x')", "DELETE FROM articles", "DROP TABLE articles",
    "UPDATE articles SET title = 'x'", "INSTALL fts", "FORCE INSTALL httpfs", "LOAD fts",
    f"INSTALL '{OUT}/x.duckdb_extension'", f"PREPARE p AS COPY (SELECT 1) TO '{OUT}/p.csv'", "PREPARE q AS SELECT 1",
    "EXECUTE p", "EXECUTE q", "SET enable_external_access = true", "SET lock_configuration = false", "RESET ALL",
    "CHECKPOINT", "VACUUM", "BEGIN", "COMMIT", f"EXPORT DATABASE '{OUT}/dump'", "CALL checkpoint()",
    "DETACH news",
]
COMMENTS = ["/* c */ ", "-- c\n", f"/* COPY (SELECT 1) TO '{OUT}/in_comment.csv' */ ", "--;\n"]
SEPARATORS = ["; ", ";\n", " ;/* x */ ", ";-- y\n"]


@st.composite
def statement_sequences(draw: st.DrawFn) -> tuple[str, int, bool]:
    """SQL text, how many statements it holds, and whether any of them is not a read."""
    picked = draw(st.lists(st.tuples(st.booleans(), st.integers(0, 10**6)), min_size=1, max_size=4))
    statements = [(WRITES if write else READS)[n % len(WRITES if write else READS)] for write, n in picked]
    parts = []
    for statement in statements:
        prefix = draw(st.sampled_from(["", *COMMENTS]))
        cased = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in statement)
        parts.append(prefix + cased.replace(OUT.lower(), OUT).replace(OUT.upper(), OUT))
    sql = "".join(p + (draw(st.sampled_from(SEPARATORS)) if i < len(parts) - 1 else "") for i, p in enumerate(parts))
    sql += draw(st.sampled_from(["", ";", " -- end", ";\n/* end */"]))
    return sql, len(statements), any(write for write, _ in picked)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=statement_sequences())
@example(sequence=("--;\nbegin", 1, True))  # shrunk: a comment then a new line was taken for an unknown option
def test_generated_statement_sequences_never_change_anything(site: Path, sequence: tuple[str, int, bool]) -> None:
    sql, statements, writes = sequence
    warehouse = site / "warehouse" / "news.duckdb"
    digest = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    with unchanged(site):
        code, out, err = query(site, sql)
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == digest
    if statements > 1 or writes:
        assert code == 2 and out == "", (sql, out)
    else:
        assert code == 0, (sql, err)
    assert code in (0, 2), (sql, err)
    if code == 2:
        assert err.startswith("newsflow: ") and err.count("\n") == 1, (sql, err)
    else:
        assert err == "" and out, sql


@pytest.mark.parametrize(
    "sql", ["--note\nSELECT\n42\nAS\nanswer", "--\tnote\nSELECT\t42\tAS\tanswer", "--\nSELECT\r\n42\nAS\nanswer"])
def test_sql_that_begins_with_a_comment_and_a_new_line_is_sql_not_an_option(site: Path, sql: str) -> None:
    """argparse reads an argument with a space in it as a value; one with only tabs and new lines
    was read as an unknown option."""
    code, out, err = query(site, sql, "--format", "csv")
    assert (code, err) == (0, ""), err
    assert out.splitlines() == ["answer", "42"]
