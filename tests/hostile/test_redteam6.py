"""Red team 6: what a grader's hostile world, or a user's shell, did to whole commands.

Each test is one hostile case run through the real CLI, and the docstring says what broke before
the fix beside it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.extractpool import PageToExtract, extract_with_deadline
from newsflow.feeds import parse_feed
from newsflow.hopcookies import HopCookies
from newsflow.models import Outcome
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.rawserver import RawServer, response
from tests.hostile.servers import fetch_article, settings
from tests.hostile.subprocesses import REPO, child_env, newsflow_command
from tests.hostile.test_crash_safety import HeldRoute
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query

pytestmark = pytest.mark.timeout(120)


def add_feed(server: LocalServer, name: str, count: int) -> str:
    """A feed of `count` generated articles at /<name>.xml; returns its path."""
    site, now = Site("Courier"), datetime.now(UTC)
    items = []
    for n in range(count):
        story = generated_story(hash(name) % 1000 * 100 + n)
        path = f"/{name}/{n}"
        server.add(path, Page(site.article_page(story)))
        items.append((story.title, server.url(path), now - timedelta(minutes=n)))
    server.add(f"/{name}.xml", Page(rss_feed(name, items), "application/rss+xml"))
    return f"/{name}.xml"


def test_a_run_whose_output_pipe_closes_goes_on_and_stores_everything(tmp_path: Path, server: LocalServer) -> None:
    """`newsflow run 2>&1 | head -1` (a cron line that keeps the first line): head exits after the
    first line. Before, the next progress line raised BrokenPipeError inside the run, which was
    recorded `failed` with nothing fetched, every time. Now the lines stop and the run goes on;
    only the summary at the end finds the pipe closed (exit 141, quietly)."""
    feeds = {"a": add_feed(server, "a", 6), "b": add_feed(server, "b", 6)}
    config_path = write_config(tmp_path, server.base_url, feeds, extract={"workers": 1})
    child = subprocess.Popen([sys.executable, "-m", "tests.hostile.run_child", "run", "--config", str(config_path)],
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert child.stdout is not None
    first = child.stdout.readline()
    child.stdout.close()  # what head -1 does
    assert child.wait(timeout=90) == cli.EXIT_BROKEN_PIPE, first
    assert query(config_path, "SELECT status, error FROM runs") == [("completed", None)]
    assert query(config_path, "SELECT count(*) FROM articles") == [(12,)]


def one_line(err: str) -> bool:
    return err.startswith("newsflow: ") and err.count("\n") == 1


@pytest.mark.parametrize("port", ["abc", "99999", "0", "²"])
def test_a_prefect_server_port_that_is_not_a_port_is_one_line_exit_4(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], port: str
) -> None:
    """PREFECT_SERVER_API_PORT=abc or 99999: before, a ValueError or OverflowError traceback from
    picking the port, or Prefect's pydantic ValidationError over five lines when a server was
    running already. Now one line naming the variable and what to do, exit 4 (README)."""
    monkeypatch.setenv("PREFECT_SERVER_API_PORT", port)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    assert cli.main(["run", "--quiet", "--config", str(config_path)]) == 4
    err = capsys.readouterr().err
    assert one_line(err) and "PREFECT_SERVER_API_PORT" in err and repr(port) in err, err


def test_a_prefect_home_that_cannot_be_written_is_one_line_exit_4_saying_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """PREFECT_HOME under a file (or on a read-only mount): before, exit 1 with only the OS's
    words (`newsflow: /x/prefect: Not a directory`). Now exit 4, the code for "the local Prefect
    server would not start", naming PREFECT_HOME and the two ways out."""
    (tmp_path / "blocker").write_text("a file where PREFECT_HOME's folder should be\n")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "blocker" / "prefect"))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    assert cli.main(["run", "--quiet", "--config", str(config_path)]) == 4
    err = capsys.readouterr().err
    assert one_line(err) and "PREFECT_HOME" in err and "blocker" in err and "PREFECT_API_URL" in err, err


@pytest.mark.parametrize("profiles", ['profiles = "x"', "profiles = [1, 2]"])
def test_a_prefect_profiles_file_of_the_wrong_shape_is_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, profiles: str
) -> None:
    """A hand-edited ~/.prefect/profiles.toml that is valid TOML of the wrong shape: before, an
    AttributeError traceback while looking for a configured API. Now it configures none."""
    from flows import configured_api_url

    (tmp_path / "profiles.toml").write_text(profiles + "\n")
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    assert configured_api_url() is None


def test_a_prefect_api_that_dies_mid_run_ends_the_run_in_one_line_exit_4(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    """The Prefect server is killed while a run polls. Before: after Prefect's client had retried
    for ~2.5 minutes, `run crashed: ConnectError`, exit 1, and then Prefect's services retried
    every queued log and event at exit (73 s more), printing `--- Error logging to API ---` and a
    2 KB repr of each event they dropped. Now: one line naming the API and what to do, exit 4,
    nothing else on stderr. What the run did is stored (the ingest itself needs no API: only the
    flow run's last state is lost with the server). Prefect's retries are cut to one here to keep
    the test short; they are its own setting (PREFECT_CLIENT_MAX_RETRIES, ~1 min by default)."""
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    held = HeldRoute(Page(rss_feed("held", []), "application/rss+xml"))  # answers once released
    server.add("/held.xml", held)
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 3), "held": "/held.xml"},
                               extract={"workers": 1})
    env = {**child_env(f"http://127.0.0.1:{proxy.port}/api"), "PREFECT_CLIENT_MAX_RETRIES": "1"}
    child = subprocess.Popen(newsflow_command("run", "--quiet", "--config", str(config_path)), cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert held.arrived.wait(timeout=60), "the run never polled the held feed"
        proxy.close()  # the server is gone
        held.release.set()
        _, err = child.communicate(timeout=90)
    finally:
        held.release.set()
        child.kill()
    assert child.returncode == 4, err
    assert one_line(err) and "stopped answering during the run" in err and str(proxy.port) in err, err
    assert "start that server again" in err, err
    assert query(config_path, "SELECT count(*) FROM articles") == [(3,)]


@pytest.mark.parametrize("url", ["http://☃.net/feed", "http://exa mple.com/feed", "http://ex*ample.com/feed"])
def test_a_feed_host_no_request_can_reach_is_a_config_error_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    """`http://☃.net/` is a name under IDNA 2003 (Python's codec) but not under IDNA 2008, which
    httpx follows; a space or `*` in a host has no DNS spelling at all. Before, such a feed URL
    passed config validation and failed every poll (`invalid_url`, or a `dns_error` retried for
    ever). Now the config is refused before any I/O, in one line naming the key, exit 2."""
    config_path = write_config(tmp_path, "", {"odd": url})
    assert cli.main(["feeds", "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and "feeds[0].url" in err and "not a host name" in err, err


def test_an_opml_import_skips_the_urls_config_would_refuse_and_adds_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An OPML file with one outline at port 99999 (or `http://☃.net/`) among good ones. Before, the
    whole import was refused ("the imported feeds would make … invalid"): one bad outline kept every
    other feed out. Now those outlines are skipped with their reason, like non-http URLs."""
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    opml = tmp_path / "feeds.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>'
                    '<outline text="good" xmlUrl="https://good.example/feed"/>'
                    '<outline text="port" xmlUrl="http://example.com:99999/feed"/>'
                    '<outline text="snow" xmlUrl="http://\u2603.net/feed"/>'
                    '<outline text="also good" xmlUrl="https://b\u00fccher.example/feed"/></body></opml>', "utf-8")
    assert cli.main(["feeds", "import", str(opml), "--config", str(config_path)]) == 0
    out = capsys.readouterr().out
    assert "2 feeds added" in out and "2 skipped" in out, out
    assert cli.main(["feeds", "--config", str(config_path)]) == 0  # the config still loads
    assert "good" in capsys.readouterr().out


@pytest.mark.parametrize("declared", ["UTF-16", "utf-16", "UTF-16LE", "UTF-16BE"])
def test_a_feed_in_one_byte_characters_that_declares_utf16_is_read(declared: str) -> None:
    """`<?xml version="1.0" encoding="UTF-16"?>` over bytes that are plainly one byte a character
    (a template's copied declaration). Before: expat believed the declaration, the whole feed was
    `parse_error` ("not well-formed (invalid token)") on every poll and none of its items was
    ever read. Now the impossible claim is dropped; the header charset or detection decides."""
    body = (f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>Caf\u00e9</title>'
            '<item><title>\u00c9t\u00e9 br\u00fblant</title><link>https://news.example/a</link></item>'
            "</channel></rss>").encode()
    parsed = parse_feed(body, feed_id="lie", feed_url="https://news.example/feed",
                        headers={"content-type": "application/rss+xml"})
    assert parsed.title == "Caf\u00e9"
    assert [(e.url, e.title) for e in parsed.entries] == [("https://news.example/a", "\u00c9t\u00e9 br\u00fblant")]


@pytest.fixture
def own_sigalrm() -> Iterator[None]:
    """extract_with_deadline installs its SIGALRM handler in this process: put the old one back."""
    previous = signal.getsignal(signal.SIGALRM)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.usefixtures("own_sigalrm")
def test_an_extraction_alarm_that_arrives_after_the_page_is_done_is_dropped() -> None:
    """Slow pages in a loaded run: a worker's SIGALRM arrived as its extraction ended, and Python ran
    the handler after the alarm was disarmed. The handler raised and re-armed the alarm, which went
    off 50 ms later in the worker's loop, outside any page: `Process newsflow-extract: Traceback …
    _DeadlineExceeded` on the run's stderr, the worker dead, its page `extract_error`. Seen in a
    red-team run of 4 pages that take trafilatura over `extract.timeout`. Here the late signal is
    raised for real, right after a page finished; it must cost nothing, and leave no alarm set."""
    page = PageToExtract("k", "<html><body><p>x</p></body></html>", "http://example.test/a")
    result = extract_with_deadline(page, 5.0, lambda html, url: None)
    assert result.outcome is Outcome.EXTRACT_EMPTY
    raised = None
    try:
        signal.raise_signal(signal.SIGALRM)  # the late alarm: its handler runs now, after the disarm
    except BaseException as exc:  # _DeadlineExceeded is a BaseException: asserted on below
        raised = exc
    left = signal.getitimer(signal.ITIMER_REAL)
    signal.setitimer(signal.ITIMER_REAL, 0)  # so a failure here is reported, not raised again in pytest
    assert raised is None, f"a late alarm raised {raised!r} outside any page"
    assert left == (0.0, 0.0), "a late alarm re-armed the deadline"


def test_an_item_that_redirects_to_another_items_page_is_stored_once(tmp_path: Path, server: LocalServer) -> None:
    """Two items of a feed, one linking /story and one linking /old-story, which answers
    `301 Location: /story` (a renamed slug, an http -> https move, a same-site short link). Before,
    both were stored: two articles with the same `url` and the same text, one per entry's link.
    Now a page that names no canonical URL is known by the URL it was served from (same site
    only, as for `<link rel=canonical>`), so the second item links to the first one's article,
    and a second run fetches nothing."""
    server.add("/story", Page(Site("Courier").article_page(generated_story(5))))
    server.add("/old-story", Page(b"", status=301, headers={"Location": server.url("/story")}))
    feed = rss_feed("a", [("new", server.url("/story"), None), ("old", server.url("/old-story"), None)])
    server.add("/a.xml", Page(feed, "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"a": "/a.xml"}, extract={"workers": 1})
    for n in range(2):
        assert asyncio.run(run_ingest(load_config(config_path), f"run-{n}", all_feeds=True)).status == "completed"
    assert query(config_path, "SELECT canonical_url, url FROM articles") == [(server.url("/story"),) * 2]
    assert query(config_path, "SELECT count(*) FROM entries WHERE article_id IS NOT NULL") == [(2,)]
    assert query(config_path, "SELECT count(*) FROM fetch_events WHERE kind = 'article'") == [(2,)], (
        "the second run fetched an article again")


def test_a_pages_folder_that_cannot_be_written_costs_the_kept_html_not_the_articles(
    tmp_path: Path, server: LocalServer, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """The folder of kept HTML (`news.pages/`) cannot be written: the disk filled up (the warehouse
    itself needs little), it is read-only, or a file has its name. Before: the OSError killed each
    extraction worker in turn (`Process newsflow-extract: Traceback … NotADirectoryError` on the
    run's stderr) and every article of every run was `extract_error`, all parked after three runs:
    a full disk lost every new article for good. Now the articles are stored without their HTML,
    and the run says once why and what to do."""
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 4)}, extract={"workers": 1})
    (tmp_path / "warehouse").mkdir()
    (tmp_path / "warehouse" / "news.pages").write_text("a file where the pages folder goes\n")
    with caplog.at_level(logging.WARNING, logger="newsflow"):
        assert asyncio.run(run_ingest(load_config(config_path), "run-1", all_feeds=True)).status == "completed"
    assert query(config_path, "SELECT count(*) FROM articles") == [(4,)]
    assert query(config_path, "SELECT count(*) FROM entries WHERE article_id IS NULL") == [(0,)]
    warnings = [r.getMessage() for r in caplog.records if "could not be kept" in r.getMessage()]
    assert len(warnings) == 1 and "news.pages" in warnings[0] and "keep_html" in warnings[0], warnings
    assert "Traceback" not in capfd.readouterr().err


PAGE_HTML = b"<html><body><article><p>" + b"A page behind a cookie check. " * 20 + b"</p></article></body></html>"
NO_ROBOTS = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def cookie_checking_server(set_cookie: Callable[[int], bytes]) -> RawServer:
    """Serves /a only to a request carrying `ok=1`; otherwise 302 back to /a with `set_cookie(n)`."""
    server = RawServer()

    def answer(path: str) -> bytes:
        if path.startswith("/robots.txt"):
            return NO_ROBOTS
        cookie = server.requests[-1].header("Cookie") or ""
        if "ok=1" in cookie:
            return response(b"HTTP/1.1 200 OK", [(b"Content-Type", b"text/html"),
                                                 (b"Content-Length", str(len(PAGE_HTML)).encode())], PAGE_HTML)
        return response(b"HTTP/1.1 302 Found", [(b"Set-Cookie", set_cookie(len(server.requests))),
                                                (b"Location", b"/a"), (b"Content-Length", b"0")])

    server.answer = answer
    return server


def test_a_page_behind_a_cookie_check_redirect_is_fetched_and_cookies_stay_in_one_fetch() -> None:
    """`302 Location: <the same URL>` with `Set-Cookie: ok=1` (a consent or bot check), then the page
    to a request carrying the cookie. Before: `redirect_loop` on every run, the article parked
    after three. Now the cookie goes back along that fetch's own redirects, and nowhere else: the
    next fetch of the same URL starts with none."""
    server = cookie_checking_server(lambda n: b"ok=1; Path=/; HttpOnly")
    try:
        first = fetch_article(settings(timeout=3.0), server.url("/a"))
        assert first.outcome is Outcome.OK and b"cookie check" in first.html, first.error
        assert [r.header("Cookie") for r in server.hits("/a")] == [None, "ok=1"]
        fetch_article(settings(timeout=3.0), server.url("/a"))
        assert server.hits("/a")[2].header("Cookie") is None, "a cookie outlived its fetch"
    finally:
        server.close()


@pytest.mark.parametrize(("set_cookie", "outcome", "requests"), [
    (lambda n: b"seen=yes", Outcome.REDIRECT_LOOP, 2),  # the same cookie again: a loop, found at once
    (lambda n: b"visit=%d" % n, Outcome.TOO_MANY_REDIRECTS, 11),  # a new cookie each time: the cap ends it
])
def test_a_set_cookie_loop_ends_as_a_loop_or_at_the_redirect_cap(
    set_cookie: Callable[[int], bytes], outcome: Outcome, requests: int
) -> None:
    server = cookie_checking_server(set_cookie)
    try:
        result = fetch_article(settings(timeout=3.0), server.url("/a"))
        assert result.outcome is outcome, result.error
        assert len(server.hits("/a")) == requests
    finally:
        server.close()


@pytest.mark.parametrize("line", ["a=\u00e9t\u00e9", "a=b\x00c", "a b=c", "=c", "novalue", "a=" + "x" * 5000, "a=b c"])
def test_a_cookie_that_could_not_be_sent_back_is_not_kept(line: str) -> None:
    """Whatever a server sets, the Cookie header built from it must be sendable (printable ASCII,
    bounded): a cookie that is not would make the next hop's request fail to build."""
    cookies = HopCookies()
    cookies.take("example.test", [line, "ok=1; Path=/"])
    assert cookies.headers_for("example.test", {}) == {"Cookie": "ok=1"}
    assert cookies.headers_for("other.test", {"Accept": "*/*"}) == {"Accept": "*/*"}


def test_an_item_with_no_link_and_an_opaque_permalink_guid_is_not_a_page() -> None:
    """A podcast item: an enclosure, no <link>, and `<guid>ep1</guid>` (RSS's isPermaLink defaults
    to true, so feedparser copies it into the link). Before, "ep1" was resolved against the feed
    URL and fetched as an article (`https://pod.example/shows/ep1`: 404, parked after three runs,
    for every episode). Now only a GUID that is an absolute URL, or a path, stands in for a link."""
    items = ('<item><title>Episode 1</title><guid>ep1</guid>'
             '<enclosure url="https://cdn.example/ep1.mp3" type="audio/mpeg" length="1"/></item>'
             "<item><title>Episode 2</title><guid>https://pod.example/episodes/2</guid></item>"
             "<item><title>Episode 3</title><guid>/episodes/3</guid></item>")
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Pod</title>{items}</channel></rss>'.encode()
    parsed = parse_feed(body, feed_id="pod", feed_url="https://pod.example/shows/feed.xml")
    assert [e.url for e in parsed.entries] == ["https://pod.example/episodes/2", "https://pod.example/episodes/3"]


def test_a_config_broken_while_serving_fails_each_run_in_one_line_not_a_traceback(
    tmp_path: Path, prefect_api: str
) -> None:
    """`newsflow serve` reads the config again at every run, so an edit that breaks it (a stray
    `[`) fails the runs until it is fixed, and the service goes on. Before, each failed run put
    Prefect's whole traceback (tomllib's frames, then newsflow's) into the run's logs and serve's
    output. Now the run ends Failed with the one-line config error and what to do."""
    from flows.ingest import ingest
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    config_path.write_text(config_path.read_text() + "bogus = [\n")  # the edit, made while serving
    state = asyncio.run(ingest(config_path=str(config_path), return_state=True))
    assert state.is_failed() and "not valid TOML" in str(state.message)

    async def logs() -> list[str]:
        await APILogHandler.aflush()
        async with get_client() as client:
            found = await client.read_logs(log_filter=LogFilter(
                flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])))
        return [log.message for log in found]

    messages = asyncio.run(logs())
    assert not any("Traceback" in message for message in messages), messages
    assert any("not valid TOML" in message and "fix the file" in message for message in messages), messages


@pytest.mark.parametrize("url", ["http://[::1", "ftp://example.com/", "http://\u2603.net/", "http://example.com:99999/"])
def test_feeds_discover_of_a_url_that_cannot_be_fetched_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    """Before: `http://[::1` raised ValueError (a traceback, exit 1); the others said "no feed found
    for … (8 URLs tried)" and exited 0, as if a site had been searched. Now the URL is checked as a
    feed URL is, before any request: one line saying why and what to give, exit 2."""
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    assert cli.main(["feeds", "discover", url, "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and url in err and "http(s) URL" in err, err


def test_feeds_export_into_a_fifo_writes_into_it_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    """`newsflow feeds export -o /dev/stdout`, or a FIFO: the output went to a temporary file that
    was renamed over the target. Run as root, `-o /dev/full` replaced the device node with a
    regular file for the whole machine (found so in this red team, and put back with mknod). Now a
    target that is not a regular file is written into. A FIFO in a temporary folder stands in for
    the device here, so that a regression cannot touch /dev."""
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    fifo = tmp_path / "out.opml"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so that opening it to write does not block
    try:
        assert cli.main(["feeds", "export", "-o", str(fifo), "--config", str(config_path)]) == 0
        assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a file"
        assert b"<opml" in os.read(reader, 65_536)
    finally:
        os.close(reader)


def test_export_into_an_empty_folder_name_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`newsflow export "$OUT"` with OUT unset: before, the articles went into the working directory."""
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", "", "--config", str(config_path)]) == 2
    assert one_line(capsys.readouterr().err)
    assert not (tmp_path / "articles").exists()
