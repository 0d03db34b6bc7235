"""Red team 8: classes of hostile feeds and servers a pipeline left running for months meets.

Each test is one hostile case through the real code (real servers on 127.0.0.1, real DuckDB
files), and its docstring says what happened before the fix beside it.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import threading
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pytest
from flows.apiwatch import ApiWatch, answers_a_query, database_question, descendants
from flows.localserver import answers

from newsflow import cli
from newsflow.config import load_config
from newsflow.feedpool import FeedParserPool
from newsflow.feeds import parse_feed
from newsflow.runner import run_ingest
from newsflow.urls import MAX_URL_CHARS, canonicalize_url
from tests.conftest import write_config
from tests.flows.test_serve import wait_for
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.servers import redirect
from tests.hostile.subprocesses import REPO, newsflow_lines, serve_behind
from tests.hostile.test_feed_moves import adopting_after
from tests.hostile.test_redteam6 import add_feed
from tests.localserver import LocalServer, Page
from tests.sitefactory import rss_feed
from tests.test_unstoppable import query

pytestmark = pytest.mark.timeout(120)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_an_item_whose_link_is_too_long_is_reported_in_one_line_naming_the_feed(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """An item whose link is over 8,192 characters (a CMS that put the article's text in its
    query string). Before: the item was dropped with no entry and no word, on every run. Now one
    warning per poll names the feed, its URL and how many items were skipped; the feed's other
    items are stored as usual."""
    add_feed(server, "good", 1)
    long_link = server.url("/story?" + "q" * MAX_URL_CHARS)
    server.add("/long.xml", Page(rss_feed("long", [("Long", long_link, None), ("Short", server.url("/good/0"), None)]),
                                 "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"long": "/long.xml"}, extract={"workers": 1})
    summary = asyncio.run(run_ingest(load_config(config_path), "run-1", all_feeds=True))
    assert summary.status == "completed"
    assert query(config_path, "SELECT title FROM entries") == [("Short",)]
    [warning] = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert warning.startswith(f"feed long ({server.url('/long.xml')}): 1 item(s) skipped"), warning
    assert f"over {MAX_URL_CHARS} characters" in warning and "publisher" in warning and "\n" not in warning


def test_a_json_feed_item_whose_link_is_too_long_is_counted() -> None:
    items = [{"id": "1", "url": "http://news.example/" + "a" * MAX_URL_CHARS}, {"id": "2", "url": "http://news.example/b"}]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    parsed = parse_feed(body, feed_id="j", feed_url="http://news.example/feed.json")
    assert (parsed.long_links, [e.url for e in parsed.entries]) == (1, ["http://news.example/b"])


@pytest.mark.parametrize("written", [
    "10000-01-01T00:00:00Z",  # feedparser: 2010-12-01
    "10000-01-01",  # 2010-12-01
    "2010-13-45T00:00:00Z",  # 2011-01-01
    "2021-02-30T10:00:00Z",  # 2021-03-02
    "2024-06-01T25:61:00Z",  # 2024-06-02 02:01
    "2024-06-01T10:00:00+99:00",  # 2024-05-28 07:00
    "20241301",  # 2025-01-01
])
@pytest.mark.parametrize("element", ["updated", "published"])
def test_an_impossible_iso_date_is_absent_not_misread(written: str, element: str) -> None:
    """An Atom date out of range or impossible. Before: feedparser bent it into another real date
    (year 10000 read as 2010-12-01, month 13 as the next January, 30 February as 2 March), stored
    as the entry's publication date and ordering it among 2010's news. Now it is absent."""
    body = (f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>urn:x</id><title>a</title>'
            f'<link href="http://news.example/a"/><{element}>{written}</{element}></entry></feed>').encode()
    [entry] = parse_feed(body, feed_id="f", feed_url="http://news.example/feed", now=NOW).entries
    assert entry.published_at is None


@pytest.mark.parametrize(("written", "expected"), [
    ("2024-W22-6", datetime(2024, 6, 1, tzinfo=UTC)),  # feedparser: 2024-12-01
    ("2024-06-01T23:30:00-05:00", datetime(2024, 6, 2, 4, 30, tzinfo=UTC)),
    ("2024-06", datetime(2024, 6, 1, tzinfo=UTC)),  # W3C's short form, still feedparser's
])
def test_a_valid_iso_date_is_read_as_written(written: str, expected: datetime) -> None:
    body = (f'<rss version="2.0"><channel><item><link>http://news.example/a</link><pubDate>{written}</pubDate>'
            f"</item></channel></rss>").encode()
    [entry] = parse_feed(body, feed_id="f", feed_url="http://news.example/feed", now=NOW).entries
    assert entry.published_at == expected


def test_an_impossible_published_date_falls_back_to_the_updated_one() -> None:
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>urn:x</id><link href="http://news.example/a"/>'
            b"<published>10000-01-01</published><updated>2024-06-01T10:00:00Z</updated></entry></feed>")
    [entry] = parse_feed(body, feed_id="f", feed_url="http://news.example/feed").entries
    assert entry.published_at == datetime(2024, 6, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("spelling", ["2130706433", "0x7f.1", "017700000001", "127.1", "0x7F000001", "127.0.0.1."])
def test_numeric_spellings_of_one_ipv4_host_are_one_url(spelling: str) -> None:
    """`http://2130706433/`, `http://0x7f.1/`, `http://017700000001/` are 127.0.0.1 to the C
    library's resolver, so to the address guard. Before: each was a canonical URL of its own, so one
    feed configured under two spellings was polled twice, and one page linked under two was stored
    twice. Now each is written dotted-decimal."""
    assert canonicalize_url(f"http://{spelling}:8080/a") == "http://127.0.0.1:8080/a"


@pytest.mark.parametrize("name", ["1.2.3.4.5", "256.1.1.1", "0x100000000", "09", "0x7f.example"])
def test_numbers_that_are_no_ipv4_address_stay_names(name: str) -> None:
    assert canonicalize_url(f"http://{name}/a") == f"http://{name.lower()}/a"


def test_one_feed_under_a_numeric_and_a_dotted_host_in_the_config_is_one_line_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, "", {"first": "http://127.0.0.1:8080/feed.xml",
                                              "second": "http://2130706433:8080/feed.xml"})
    assert cli.main(["feeds", "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsflow: ") and err.count("\n") == 1, err
    assert "feeds[1].url" in err and "'first'" in err and "remove one" in err, err


def test_a_feed_that_moved_onto_another_configured_feed_is_never_adopted_and_is_named(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A publisher merges two feeds: `old` answers 301 to `merged`'s URL, and both are configured.
    Before: the move was adopted, so `merged`'s URL was polled twice a run for good, every item
    stored under both feeds, and nothing said why. Now the move is not adopted and every run says,
    in one line naming both feeds, which one to remove."""
    add_feed(server, "merged", 2)
    server.add("/old.xml", redirect("/merged.xml", status=301))
    feeds = {"old": "/old.xml", "merged": "/merged.xml"}
    config_path = adopting_after(write_config(tmp_path, server.base_url, feeds, extract={"workers": 1}), 1)
    for n in range(2):
        summary = asyncio.run(run_ingest(load_config(config_path), f"run-{n}", all_feeds=True))
        assert summary.status == "completed"
    assert query(config_path, "SELECT feed_id, adopted_url FROM feeds ORDER BY 1") == [("merged", None), ("old", None)]
    assert query(config_path, "SELECT count(*) FROM articles") == [(2,)]
    warnings = [r.getMessage() for r in caplog.records if "the URL of feed" in r.getMessage()]
    assert len(warnings) == 2, warnings
    assert warnings[0] == (f"feed old ({server.url('/old.xml')}) redirects to {server.url('/merged.xml')}, the URL "
                           "of feed merged: both are the one feed now; remove feed old from the config (until then "
                           "it costs a request a poll, and its items are stored under feed merged)")


class HealthOnlyApi:
    """A Prefect API whose `/health` answers while every other call waits (its database locked)."""

    def __init__(self) -> None:
        self.questions = threading.Semaphore(0)
        self.release = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", "4")
                self.end_headers()
                self.wfile.write(b"true")

            def do_POST(self) -> None:
                api.questions.release()
                api.release.wait(30)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def test_the_api_watch_asks_a_question_the_real_prefect_database_answers(prefect_api: str) -> None:
    with urllib.request.urlopen(database_question(prefect_api), timeout=30) as response:
        assert (response.status, json.loads(response.read())) == (200, 0)
    assert answers_a_query(prefect_api)


def test_an_api_answering_health_but_no_query_is_found_silent() -> None:
    """A Prefect server whose database is locked answers `/health` and nothing else. Before: the
    hung-API check of `newsflow run` asked `/health` only, so it found such an API alive and the run
    waited on it for ever. Now the watch asks a question the database must answer."""
    api = HealthOnlyApi()
    silent = threading.Event()
    try:
        assert answers(api.url, timeout_s=2.0), "the old check: /health answers"
        watch = ApiWatch(api.url, first_after=0, every=0.2, patience=0.5, timeout_s=0.3,
                         on_silent=lambda seconds: silent.set()).start()
        assert silent.wait(20), "the watch never gave up on an API that answers nothing but /health"
        watch.cancel()
    finally:
        api.close()


def test_an_api_that_answers_is_never_given_up_on(prefect_api: str) -> None:
    silent = threading.Event()
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    watch = ApiWatch(f"http://127.0.0.1:{proxy.port}/api", first_after=0, every=0.05, patience=0, timeout_s=10,
                     on_silent=lambda seconds: silent.set()).start()
    try:
        assert proxy.wait_for_connections(5, timeout_s=60), "the watch did not keep asking"
        assert not silent.is_set()
    finally:
        watch.cancel()
        proxy.close()


@pytest.mark.timeout(240)
def test_serve_behind_an_api_that_stops_answering_exits_4_in_one_line_for_its_supervisor(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    """`newsflow serve` whose Prefect server stops answering but keeps its connections (SIGSTOP, a
    frozen VM, a locked database). Before: serve stayed up and started no run again, for ever (240 s
    watched; Prefect printed a websocket traceback after 40 s), so systemd or docker saw a healthy
    service that ingested nothing. Now, after `execution.api_patience_seconds` of silence, one line
    naming the API and the setting, exit 4, for the supervisor to restart it."""
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 1)})
    config_path.write_text(config_path.read_text() + "\n[execution]\napi_patience_seconds = 3\n")
    log_path = tmp_path / "serve.err"
    child = serve_behind(proxy.port, config_path, log_path)
    try:
        wait_for(lambda: "Prefect UI at" in log_path.read_text() or child.poll() is not None, 90, "serve to start")
        proxy.freeze()
        child.wait(timeout=120)
    finally:
        child.kill()
        proxy.close()
    lines = newsflow_lines(log_path.read_text())
    assert child.returncode == 4, log_path.read_text()[-3000:]
    assert lines[-1].startswith(f"newsflow: the Prefect API at http://127.0.0.1:{proxy.port}/api has answered "
                                "nothing for "), lines
    assert "(execution.api_patience_seconds = 3)" in lines[-1] and "restart `newsflow serve`" in lines[-1], lines


def test_a_command_giving_up_on_its_api_stops_its_children_but_spares_the_local_server(tmp_path: Path) -> None:
    """What `end_now` stops: every process under the command (a served run, extraction workers),
    but not the local Prefect server it started (its own session: it outlives every command)."""
    spawn = ("import subprocess, sys, time\n"
             "kids = [subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=s)"
             " for s in (False, True)]\n"
             "print(' '.join(str(k.pid) for k in kids), flush=True)\n"
             "time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", spawn], stdout=subprocess.PIPE, text=True)
    try:
        worker, server = map(int, (parent.stdout or io.StringIO()).readline().split())
        assert sorted(descendants(parent.pid)) == sorted([worker, server])
        assert descendants(parent.pid, spare=[server]) == [worker]
    finally:
        for pid in descendants(parent.pid):
            os.kill(pid, signal.SIGKILL)
        parent.kill()
        parent.wait()


def test_a_command_giving_up_on_its_api_does_not_wait_for_multiprocessings_resource_tracker() -> None:
    """`newsflow serve` has a child that ignores SIGTERM: multiprocessing's resource tracker, which the `spawn` start
    of its first run started (Prefect's runner starts each served run so), and which ends only once the service has
    exited (docs/scheduling.md, "What outlives the service"). `end_now` waited the whole grace for it before its
    SIGKILL: exit 4 came 5 s late. A process that ignores SIGTERM is not waited for."""
    command = ("import multiprocessing, os, time\n"
               "from flows.apiwatch import descendants, stop_children\n"
               "child = multiprocessing.get_context('spawn').Process(target=os.getpid)\n"
               "child.start()\n"
               "child.join()\n"
               "[tracker] = descendants(os.getpid())\n"
               "print(open(f'/proc/{tracker}/cmdline').read().replace(chr(0), ' '), flush=True)\n"
               "began = time.monotonic()\n"
               "stop_children(grace_s=5.0)\n"
               "print(f'{time.monotonic() - began:.2f}', flush=True)\n")
    done = subprocess.run([sys.executable, "-c", command], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    tracker, took_s = done.stdout.splitlines()
    assert "multiprocessing.resource_tracker" in tracker, tracker
    assert float(took_s) < 2.5, f"stop_children waited {took_s} s for the resource tracker (grace 5 s)"


def test_a_parse_left_queued_when_the_run_ends_is_cancelled_not_a_failure() -> None:
    """SIGTERM then Ctrl-C 0.3 s later (the world's `signal` event): the second interrupt closed the
    parse pool while a feed's parse waited in its thread. Before: `RuntimeError: ExtractorPool is
    closed`, logged with its traceback as "parsing feed-1 failed" in the run's output. Now the
    parse is cancelled: the feed was not polled and stays due."""
    async def parse_after_close() -> None:
        with FeedParserPool(1, 5.0, None) as parser:
            await parser.start()
        await parser.parse(rss_feed("late", []), "late", "http://news.example/feed", {})

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(parse_after_close())


_SLOW_SHUTDOWN = """
import atexit, sys, time
from newsflow import cli
def slow_shutdown():
    print("shutting down", flush=True)
    time.sleep(30)
atexit.register(slow_shutdown)
sys.argv = ["newsflow", "feeds", "--config", sys.argv[1]]
sys.exit(cli.main())
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_during_the_commands_shutdown_ends_it_at_once_without_a_traceback(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """Ctrl-C pressed again, or SIGTERM after Ctrl-C, once the command has printed its line and the
    interpreter is shutting down (the world's `signal` event found it: 1 run in 4). Before: a
    `KeyboardInterrupt` traceback from whatever atexit step it met (`logging.shutdown`). Now the
    process ends at once with the command's code."""
    config_path = write_config(tmp_path, "http://news.example", {"a": "/a.xml"})
    child = subprocess.Popen([sys.executable, "-c", _SLOW_SHUTDOWN, str(config_path)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in child.stdout or ():
            if line.strip() == "shutting down":
                break
        child.send_signal(signum)
        _, err = child.communicate(timeout=20)
    finally:
        child.kill()
    assert child.returncode == 0, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


def test_a_feed_that_had_adopted_another_configured_feeds_url_polls_its_own_again(
    tmp_path: Path, server: LocalServer
) -> None:
    """A warehouse from before the check: `old` had adopted `merged`'s URL. Its next poll is of its
    config URL (one request more, and the warning), and the adopted URL is dropped."""
    add_feed(server, "merged", 1)
    server.add("/old.xml", redirect("/merged.xml", status=301))
    feeds = {"old": "/old.xml", "merged": "/merged.xml"}
    config_path = adopting_after(write_config(tmp_path, server.base_url, feeds, extract={"workers": 1}), 1)
    config = load_config(config_path)
    asyncio.run(run_ingest(config, "run-0", all_feeds=True))
    with duckdb.connect(str(config.warehouse_path)) as con:
        con.execute("UPDATE feeds SET adopted_url = ? WHERE feed_id = 'old'", [server.url("/merged.xml")])
    hits = len(server.hits("/old.xml"))
    asyncio.run(run_ingest(config, "run-1", all_feeds=True))
    assert len(server.hits("/old.xml")) == hits + 1
    assert query(config_path, "SELECT adopted_url FROM feeds WHERE feed_id = 'old'") == [(None,)]


def _stop_children_beside(child_code: str, after_ready: str = "") -> tuple[str, str]:
    """Runs `stop_children(grace_s=30)` in a fresh process whose one child runs `child_code` (which prints `ready`
    once set up); `after_ready` runs in a thread of that process once stop_children has begun. Returns the child's
    last stdout line and its return code. The grace is far above anything the child does, so no outcome here
    depends on load: a wrong wait shows as about 30 s, a wrong SIGKILL as -9."""
    command = ("import os, signal, subprocess, sys, threading, time\n"
               "from flows.apiwatch import stop_children\n"
               f"child = subprocess.Popen([sys.executable, '-c', {child_code!r}], stdin=subprocess.PIPE,\n"
               "                         stdout=subprocess.PIPE, text=True)\n"
               "assert child.stdout is not None and child.stdin is not None\n"
               "assert child.stdout.readline().strip() == 'ready'\n"
               f"threading.Thread(target=lambda: exec({after_ready!r})).start()\n"
               "began = time.monotonic()\n"
               "stop_children(grace_s=30.0)\n"
               "took = time.monotonic() - began\n"
               "last = (child.stdout.read().split() or ['-'])[-1]\n"
               "print(f'{took:.2f} {last} {child.wait(timeout=60)}', flush=True)\n")
    done = subprocess.run([sys.executable, "-c", command], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    took_s, last, returncode = done.stdout.split()
    assert float(took_s) < 25, f"stop_children waited {took_s} s, its whole grace (30 s)"
    return last, returncode


def test_a_child_that_blocks_sigterm_then_ignores_it_is_not_waited_for() -> None:
    """multiprocessing starts its resource tracker with SIGTERM blocked, and the tracker ignores it only once its
    `main` runs. A SIGTERM sent in between stays pending and is discarded when the tracker ignores it, so the
    tracker never ends on it: CI waited the whole grace (5.05 s) when stop_children had read the tracker's masks
    once, before it ignored SIGTERM. Read on each poll, the child is SIGKILLed as soon as it ignores SIGTERM."""
    tracker_like = ("import signal, sys\n"
                    "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})\n"
                    "print('ready', flush=True)\n"
                    "sys.stdin.readline()\n"  # the SIGTERM is pending by now: stop_children sent it
                    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                    "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})\n"
                    "print('ignoring', flush=True)\n"
                    "signal.pause()\n")
    wait_pending = ("import signal, time\n"
                    "while not open(f'/proc/{child.pid}/status').read().count('ShdPnd:\\t0000000000004000'):\n"
                    "    time.sleep(0.01)\n"
                    "child.stdin.write('go\\n'); child.stdin.flush()\n")
    last, returncode = _stop_children_beside(tracker_like, wait_pending)
    assert (last, returncode) == ("ignoring", str(-signal.SIGKILL))


def test_a_child_holding_sigterm_back_while_it_commits_is_waited_for() -> None:
    """A child may block SIGTERM around a write it must finish (a commit), and take it once the write is done. Its
    blocked SIGTERM is not deafness: stop_children must give it its grace rather than SIGKILL it mid-write (on the
    first reading of the fix of 7d05c92, blocked counted as deaf and this child died with -9, nothing committed)."""
    committing = ("import signal, sys, time\n"
                  "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})\n"
                  "print('ready', flush=True)\n"
                  "while signal.SIGTERM not in signal.sigpending():\n"
                  "    time.sleep(0.01)\n"
                  "time.sleep(0.3)\n"  # the write the SIGTERM waits for
                  "print('committed', flush=True)\n"
                  "signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})\n"
                  "time.sleep(60)\n")
    last, returncode = _stop_children_beside(committing)
    assert (last, returncode) == ("committed", str(-signal.SIGTERM))
