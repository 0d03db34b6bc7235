"""Local 26: the files newsflow keeps beside the warehouse as hostile input (docs/security.md, "Local 26"), a
generated property.

A drawn hostile state of one of the files a user's machine keeps beside the warehouse and the config (the run
lock, the service lock, the spool folder, a spool file, the spool's copy of the feed states, a host-pause journal
in the spool, an editor's swap file, an editor's lock link, a killed save's `.partial`), each missing, empty, cut
short, a folder, another program's file, binary junk, naming a dead pid, or huge (a sparse 3 GiB), meets a drawn
command, in process (`cli.main`; `run` is its check of the warehouse before Prefect, `checked_run_config`, and, by
hand, the whole run without its flow), on a real warehouse (the sample one). Invariants: no exception leaves
`cli.main` and no traceback is printed; a failure is one line, `newsflow: ...`, naming the file, with an exit code
README documents (1, 2, 3); the warehouse's rows are never lost or duplicated; the file a command did not mean to
replace is left as it was (a lock's holder line aside); by hand (`NEWSFLOW_LOCAL26_RUNS=1`), the next healthy run
stores what the feed shows, each story once.

CI keeps a few examples; the hunt draws every triple:
`NEWSFLOW_LOCAL26_EXAMPLES=400 uv run pytest -n0 tests/test_local26_state.py` (with `NEWSFLOW_LOCAL26_RUNS=1`,
`run` is the whole run, and a healthy run follows each example).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import cli, cli_run
from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed

EXAMPLES = int(os.environ.get("NEWSFLOW_LOCAL26_EXAMPLES", "0"))
RUNS = os.environ.get("NEWSFLOW_LOCAL26_RUNS") == "1"
PHASES = (Phase.explicit, *((Phase.generate, Phase.shrink) if EXAMPLES else ()))
OUTLINE = (b'<?xml version="1.0"?><opml version="2.0"><body><outline text="more" type="rss" '
           b'xmlUrl="https://more.example/rss"/></body></opml>')
DEAD_PID = "999999"  # above the kernel's default pid_max (32768 / 4194304 is rarer): no process has it


def _where(wh: Path, config: Path) -> dict[str, Path]:
    spool = wh.with_name(wh.name + "-spool")
    return {
        "run lock": wh.with_name(wh.name + ".run.lock"),
        "service lock": wh.with_name(wh.name + ".serve.lock"),
        "spool folder": spool,
        "spool file": spool / "000000001.0123456789abcdef.spool",
        "host-pause journal": spool / "000000002.fedcba9876543210.spool",
        "feed states copy": spool / "feed_states.json",
        "editor's swap file": config.with_name(f".{config.name}.swp"),
        "editor's lock link": config.with_name(f".#{config.name}"),
        "a killed save's partial": config.with_name(f".{config.name}.x7k2q9.partial"),
    }


FILES = ["run lock", "service lock", "spool folder", "spool file", "host-pause journal", "feed states copy",
         "editor's swap file", "editor's lock link", "a killed save's partial"]
# what a healthy one holds, cut short by the "cut short" state
HEALTHY = {
    "run lock": f"{DEAD_PID} run".encode(),
    "service lock": f"{DEAD_PID}".encode(),
    "spool file": b'{"format": 1, "kind": "newsflow.warehouse:load_articles", "run_id": "r", "args": []}',
    "host-pause journal": b'{"format": 1, "kind": "newsflow.readersafe:store_host_pauses", "args": [[{"host": "a"}]]}',
    "feed states copy": b'{"planet": {"consecutive_failures": 0, "next_poll_at": "2026-12-01T00:00:00+00:00"}}',
    "editor's swap file": b"b0VIM 9.0\x00" + b"\x00" * 1000,
    "a killed save's partial": b'[warehouse]\npath = "news.duckdb"\n',
}
STATES = ["missing", "empty", "cut short", "a folder", "another program's file", "binary junk", "a dead pid", "huge"]
COMMANDS = ["run", "status", "feeds", "feeds import", "feeds export", "query", "search", "search --reindex",
            "reextract", "stories"]


def _make(target: Path, file: str, state: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if state == "missing":
        return
    if file == "editor's lock link":  # emacs: a symbolic link to user@host.pid:boot, never a file
        target.symlink_to(f"root@host.{DEAD_PID}:1700000000" if state == "a dead pid" else "x" * 300)
        return
    if state == "a folder":
        target.mkdir(exist_ok=True)
        (target / "inside").write_text("x")
        return
    content = {
        "empty": b"",
        "cut short": HEALTHY.get(file, b"x" * 10)[: len(HEALTHY.get(file, b"x" * 10)) // 2],
        "another program's file": b"# notes for the team\nremember the milk\n",
        "binary junk": random.Random(file).randbytes(4096),
        "a dead pid": f"{DEAD_PID} run\n".encode(),
        "huge": b"",
    }[state]
    target.write_bytes(content)  # the spool folder's: a file where the folder goes
    if state == "huge":
        os.truncate(target, 3 * 1024 ** 3)  # sparse: no disk used


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newsflow warehouse (migrated) with a feed's row; each example copies it."""
    path = tmp_path_factory.mktemp("sample") / "news.duckdb"
    with Warehouse(path).writing() as con:
        con.execute("INSERT INTO feeds (feed_id, url) VALUES ('planet', 'https://planet.example/feed')")
    return path


@pytest.fixture(scope="module")
def feed_url() -> Iterator[str]:
    server = LocalServer()
    site, items = Site("Courier"), list[tuple[str, str, datetime | None]]()
    for story in (generated_story(k) for k in range(2)):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, server.url(f"/a/{story.slug}"), story.published))
    server.add("/feed.xml", Page(rss_feed("courier", items), "application/rss+xml"))
    yield server.url("/feed.xml")
    server.close()


def _direct_run(args: argparse.Namespace) -> int:
    """`newsflow run` without the Prefect flow around `run_ingest` (as tests.world.child's)."""
    config = load_config(args.config)
    cli_run.check_warehouse_writable(config)
    summary = asyncio.run(run_ingest(config, str(uuid.uuid4()), args.feed, all_feeds=args.all))
    cli_run.print_summary(summary.as_result(), cli_run.output_mode(args))
    return 0


@pytest.fixture(scope="module")
def no_prefect() -> Iterator[None]:
    """`run` is its check of the warehouse (`checked_run_config`), or, by hand, the whole run without its flow."""
    real = cli_run.flow_command
    cli_run.flow_command = lambda name: (
        _direct_run if RUNS else (lambda args: 0)) if name == "run" else real(name)
    yield
    cli_run.flow_command = real


def _argv(command: str, tmp: Path, config: Path) -> list[str]:
    return {
        "run": ["run", "--quiet"], "status": ["status"], "feeds": ["feeds"],
        "feeds import": ["feeds", "import", str(tmp / "more.opml")], "feeds export": ["feeds", "export"],
        "query": ["query", "SELECT count(*) FROM articles"], "search": ["search", "storm"],
        "search --reindex": ["search", "storm", "--reindex"], "reextract": ["reextract"], "stories": ["stories"],
    }[command] + ["--config", str(config)]


def _rows(wh: Path) -> dict[str, int]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()]
        return {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0] for table in tables}
    finally:
        con.close()


def _digest(path: Path) -> str | None:
    if path.is_symlink():
        return "link:" + os.readlink(path)
    if path.is_dir():
        return "folder:" + ",".join(sorted(p.name for p in path.iterdir()))
    if not path.exists():
        return None
    if path.stat().st_size > 1 << 20:
        return f"huge:{path.stat().st_size}"
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check(sample: Path, feed: str, file: str, state: str, command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        wh = tmp / "news.duckdb"
        shutil.copy(sample, wh)
        config = tmp / "newsflow.toml"
        config.write_text(f'[warehouse]\npath = "{wh}"\n\n[fetch]\nallowed_networks = ["127.0.0.0/8"]\n'
                          f'per_host_delay = 0.0\n\n[extract]\nworkers = 1\n\n[[feeds]]\nname = "courier"\n'
                          f'url = "{feed}"\n')
        (tmp / "more.opml").write_bytes(OUTLINE)
        target = _where(wh, config)[file]
        _make(target, file, state)
        before, rows_before = _digest(target), _rows(wh)
        capsys.readouterr()
        code = cli.main(_argv(command, tmp, config))  # no exception may leave it
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        failure = [line for line in err.splitlines() if not line.startswith("newsflow: warning")]
        if code != 0:
            assert code in (1, 2, 3), (code, err)
            assert len(failure) == 1 and failure[0].startswith("newsflow: "), (code, err)
            assert str(target) in failure[0] or str(target.parent) in failure[0] or str(wh) in failure[0], err
        rows_after = _rows(wh)
        for table, count in rows_before.items():
            assert rows_after.get(table, 0) >= count, (table, count, rows_after.get(table))
        if not (RUNS and command == "run") and command != "search --reindex":
            for table in ("articles", "feeds", "entries"):
                assert rows_after[table] == rows_before[table], (table, "duplicated")
        meant = {"run lock": {"run", "reextract", "search --reindex"}}.get(file, set())
        if command not in meant and file not in ("spool file", "host-pause journal", "feed states copy",
                                                  "spool folder", "a killed save's partial"):
            assert _digest(target) == before, "a file newsflow does not own was changed"
        if file == "a killed save's partial" and command == "feeds" and target.is_file():
            assert f"newsflow: warning: {target} was left by a `feeds import` stopped" in err, "kept, so named"
        if RUNS:  # the hostile file gone (the user's mend), the next healthy run stores what the feed shows
            _clear(target)
            assert cli.main(["run", "--all", "--quiet", "--config", str(config)]) == 0, capsys.readouterr().err
            con = duckdb.connect(str(wh), read_only=True)
            stored = con.execute("SELECT count(*), count(DISTINCT url) FROM articles WHERE feed_id = 'courier'")
            assert stored.fetchall() == [(2, 2)]
            con.close()


def _clear(target: Path) -> None:
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir() and target.name.endswith(".spool"):
        pass  # the spool folder itself: newsflow's own
    elif target.is_dir():
        shutil.rmtree(target)


@pytest.mark.usefixtures("no_prefect")
@settings(max_examples=max(EXAMPLES, 1), phases=PHASES, deadline=None, derandomize=not EXAMPLES,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(file=st.sampled_from(FILES), state=st.sampled_from(STATES), command=st.sampled_from(COMMANDS))
# kept examples (controls: every triple held on main and here, see docs/security.md "Local 26")
@example(file="run lock", state="a folder", command="search --reindex")  # one line, exit 3, naming it
@example(file="spool folder", state="huge", command="feeds")  # a 3 GiB file where the folder goes: read as empty
@example(file="a killed save's partial", state="binary junk", command="feeds")  # named, kept, the list printed
def test_a_hostile_file_beside_the_warehouse_is_one_line_or_nothing_and_loses_no_row(
    sample: Path, feed_url: str, file: str, state: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _check(sample, feed_url, file, state, command, capsys)
