"""Red team 7: what a demanding user running newsflow unattended for months would meet.

Each test is one hostile case through the real code (real servers on 127.0.0.1, real DuckDB
files), and its docstring says what happened before the fix beside it.
"""

from __future__ import annotations

import asyncio
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.errors import FeedParseError
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, Outcome
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile import hung_api_child
from tests.hostile.apiproxy import ApiProxy
from tests.hostile.servers import fetch_feed, settings, static_resolver
from tests.hostile.subprocesses import REPO, child_env
from tests.hostile.test_crash_safety import HeldRoute
from tests.hostile.test_redteam6 import add_feed
from tests.hostile.tlsserver import CERTIFIED_NAME, TlsServer
from tests.localserver import LocalServer, Page
from tests.sitefactory import rss_feed
from tests.test_unstoppable import query

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("expired", [False, True])
def test_a_feed_whose_tls_certificate_is_refused_says_so_in_one_line_and_fails_alone(
    tmp_path: Path, server: LocalServer, expired: bool
) -> None:
    """An https feed whose certificate is self-signed or expired, beside a healthy feed. Before:
    `cannot connect: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: … (_ssl.c:1006)`,
    which reads like a network failure and says nothing of what to do. Now one line naming the
    URL, the certificate's fault (OpenSSL names the first it finds: an expired self-signed
    certificate is "self-signed") and the ways out; the healthy feed is stored as usual."""
    tls = TlsServer(tmp_path, expired=expired)
    try:
        add_feed(tls, "secure", 2)
        feeds = {"good": server.url(add_feed(server, "good", 3)), "secure": tls.url("/secure.xml")}
        config_path = write_config(tmp_path, "", feeds, extract={"workers": 1})
        summary = asyncio.run(run_ingest(load_config(config_path), "run-1", all_feeds=True))
    finally:
        tls.close()
    assert summary.status == "completed"
    assert query(config_path, "SELECT count(*) FROM articles") == [(3,)]
    [(outcome, error)] = query(config_path, "SELECT outcome, error FROM fetch_events WHERE feed_id = 'secure'")
    assert outcome == "connect_error"
    assert isinstance(error, str) and "\n" not in error and "_ssl.c" not in error, error
    assert tls.url("/secure.xml") in error and "TLS certificate refused (self-signed certificate)" in error, error
    assert "http:// URL" in error and "clock" in error, error


@pytest.mark.parametrize(("head", "advice"), [
    ('<link rel="alternate" type="application/rss+xml" href="/feeds/all.xml">',
     "the page links to the feed https://news.example/feeds/all.xml: put that URL in the config"),
    ("<title>News</title>", "run `newsflow feeds discover https://news.example/news` to find the site's feeds"),
    ('<base href="http://["><link rel="alternate" type="application/atom+xml" href="a.xml">',
     "run `newsflow feeds discover https://news.example/news` to find the site's feeds"),
])
def test_a_feed_url_that_answers_with_a_page_says_which_feed_to_use(head: str, advice: str) -> None:
    """The config names a site's home page, not its feed (the commonest mistake with a new
    feed). Before: `an HTML page, not a feed`, on every poll, with nothing to act on. Now the
    error names the feed the page advertises, or the command that finds one."""
    page = f"<!doctype html><html><head>{head}</head><body><p>Today's news</p></body></html>".encode()
    with pytest.raises(FeedParseError) as raised:
        parse_feed(page, feed_id="home", feed_url="https://news.example/news", headers={"content-type": "text/html"})
    message = str(raised.value)
    assert message == f"feed home (https://news.example/news): an HTML page, not a feed; {advice}", message


@pytest.mark.parametrize("spelling", [
    "HTTP://News.Example.COM/feed.xml", "http://news.example.com:80/feed.xml", "http://news.example.com./feed.xml",
    "http://news.example.com/%66eed.xml", "http://news.example.com/feed.xml?utm_source=rss",
])
def test_one_feed_under_two_spellings_in_the_config_is_one_line_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    """Two [[feeds]] entries for one feed: host case, the default port, a trailing dot,
    percent-encoding, a tracking parameter. Before: both were polled every run (two requests to
    one server) and each item stored as two entries, one per name. Now the config is refused in
    one line naming both entries and what to do, exit 2, as a duplicate name is."""
    config_path = write_config(tmp_path, "", {"first": "http://news.example.com/feed.xml", "second": spelling})
    assert cli.main(["feeds", "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsflow: ") and err.count("\n") == 1, err
    assert "feeds[1].url" in err and "feeds[0]" in err and "'first'" in err and "remove one" in err, err


def test_an_opml_import_skips_a_feed_configured_under_another_spelling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same OPML exported by two readers, one upper-casing hosts and adding :443. Before: the
    feed was added again under a new name (exact-string comparison), polled and stored twice."""
    config_path = write_config(tmp_path, "", {"first": "https://news.example.com/feed.xml"})
    opml = tmp_path / "subs.opml"
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body>'
                    '<outline text="Again" xmlUrl="https://NEWS.example.com:443/feed.xml"/>'
                    '<outline text="New" xmlUrl="https://other.example/rss"/>'
                    '<outline text="New twice" xmlUrl="HTTPS://other.example./rss"/></body></opml>')
    assert cli.main(["feeds", "import", str(opml), "--config", str(config_path)]) == 0
    out = capsys.readouterr().out
    assert "1 feeds added" in out and "2 skipped" in out, out
    assert [f.url for f in load_config(config_path).feeds] == ["https://news.example.com/feed.xml",
                                                                "https://other.example/rss"]


def test_every_https_feed_refusing_its_certificate_at_once_is_an_outage_that_penalises_no_feed(
    tmp_path: Path
) -> None:
    """What a machine whose clock is far off sees: every certificate refused at once. The README
    promises that this is the machine's outage, not the feeds' failure (polling.OUTAGE_MIN_FEEDS)."""
    tls = TlsServer(tmp_path)
    try:
        feeds = {name: tls.url(add_feed(tls, name, 1)) for name in ("a", "b", "c")}
        config_path = write_config(tmp_path, "", feeds, extract={"workers": 1})
        asyncio.run(run_ingest(load_config(config_path), "run-1", all_feeds=True))
    finally:
        tls.close()
    assert query(config_path, "SELECT network_outage FROM runs") == [(True,)]
    assert query(config_path, "SELECT max(consecutive_failures) FROM feeds") == [(0,)]


@pytest.mark.parametrize("api_url", ["http://127.0.0.1:9/api\n", "http://127.0.0.1:9/api\r", "http://127.0.0.1:9/a\tpi"])
def test_a_prefect_api_url_with_a_line_end_is_one_line_exit_4_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], api_url: str
) -> None:
    """PREFECT_API_URL read from an env file with its line end (a CR when saved on Windows).
    Before: an `http.client.InvalidURL` traceback from the health check ("URL can't contain
    control characters"), exit 1. Now one line naming the variable and what to do, exit 4."""
    monkeypatch.setenv("PREFECT_API_URL", api_url)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"a": "/a.xml"})
    assert cli.main(["run", "--quiet", "--config", str(config_path)]) == 4
    err = capsys.readouterr().err
    assert err.startswith("newsflow: PREFECT_API_URL ") and err.count("\n") == 1, err
    assert repr(api_url) in err and "control character" in err and "remove it" in err, err


def test_an_https_url_on_a_plain_http_port_says_the_server_does_not_speak_tls(server: LocalServer) -> None:
    """`https://host:8080/feed` where 8080 speaks plain HTTP (a common slip when copying a URL).
    Before: `cannot connect: [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)`.
    Now one line saying what it means and what to do."""
    url = server.add("/feed.xml", Page(b"<rss/>", "application/rss+xml")).replace("http://", "https://")
    result = fetch_feed(settings(timeout=3.0), url)
    assert result.outcome is Outcome.CONNECT_ERROR
    assert result.error == (f"GET {url}: TLS handshake failed (wrong version number): the server does not speak TLS "
                            "on this port (a plain http:// server?) or refuses every TLS version newsflow offers; "
                            "use its http:// URL if it has one"), result.error


@pytest.mark.parametrize("closing", [">&-", ">&- 2>&-", "<&- >&- 2>&-"], ids=["stdout", "stdout-stderr", "all-three"])
def test_a_run_started_with_its_output_closed_stores_everything_and_exits_0(
    tmp_path: Path, server: LocalServer, closing: str
) -> None:
    """`newsflow run >&-` (a cron line or a daemon that closes its output, not /dev/null). Before:
    `sys.stdout` was None, `AttributeError: 'NoneType' object has no attribute 'isatty'`, exit 1,
    nothing fetched, on every run. Now the closed streams are /dev/null and the run works."""
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 3)}, extract={"workers": 1})
    command = f'exec "$0" -m tests.hostile.run_child run --config "$1" {closing}'  # the shell closes them
    child = subprocess.run(["sh", "-c", command, sys.executable, str(config_path)], cwd=REPO, timeout=90,
                           check=False)
    assert child.returncode == 0
    assert query(config_path, "SELECT status FROM runs") == [("completed",)]
    assert query(config_path, "SELECT count(*) FROM articles") == [(3,)]


def test_https_through_the_guarded_backend_verifies_the_certificate_against_the_name_not_the_address(
    tmp_path: Path
) -> None:
    """docs/security.md listed "HTTPS through the guarded backend has no offline test". A name the
    fetcher's resolver answers with 127.0.0.1: the connection goes to the checked address, and TLS
    verifies the certificate against the name (SNI included), as the address policy promises."""
    tls = TlsServer(tmp_path)
    try:
        tls.add("/feed.xml", Page(b"<rss/>", "application/rss+xml"))
        fetch_settings = settings(timeout=3.0, allowed_networks=("127.0.0.1/32",))
        trusting = ssl.create_default_context(cafile=str(tls.cert_path))

        async def fetch(url: str) -> FetchResult:
            transport = guarded_transport(fetch_settings, static_resolver("127.0.0.1"), ssl_context=trusting)
            async with Fetcher(fetch_settings, transport=transport) as fetcher:
                return await fetcher.fetch_feed(url)

        trusted = asyncio.run(fetch(f"https://{CERTIFIED_NAME}:{tls.port}/feed.xml"))
        other_name = asyncio.run(fetch(f"https://other.example:{tls.port}/feed.xml"))
    finally:
        tls.close()
    assert trusted.outcome is Outcome.OK and trusted.body == b"<rss/>", trusted.error
    assert other_name.outcome is Outcome.CONNECT_ERROR, other_name.error
    assert ("TLS certificate refused (Hostname mismatch, certificate is not valid for 'other.example');"
            in str(other_name.error)), other_name.error


BUDGET_S = 12.0  # its poll share, 6 s, reaches the held feed: the child's forkserver started before the run


@pytest.mark.timeout(300)
def test_a_prefect_api_that_stops_answering_mid_run_ends_the_run_past_its_budget_in_one_line_exit_4(
    tmp_path: Path, server: LocalServer, prefect_api: str
) -> None:
    """The Prefect server stops answering but keeps its connections (SIGSTOP, a frozen VM, a locked
    database), while a run with a 12 s budget polls. Before: Prefect's client waited on each call and
    retried it; the run was still waiting 6 minutes later, so a scheduled timer's next run found it
    holding the warehouse. Now the run ends once its budget, `extract.timeout` and
    `HUNG_API_GRACE_S` have passed with the API silent: one line naming it, exit 4. The child is
    `newsflow` with a 5 s grace instead of 30, a 2 s question instead of 10 and its forkserver
    started before the run (tests/hostile/hung_api_child.py): the same watch, the same line, less
    of CI waiting it out."""
    proxy = ApiProxy(int(urlsplit(prefect_api).port or 0))
    held = HeldRoute(Page(rss_feed("held", []), "application/rss+xml"))  # answers once released
    server.add("/held.xml", held)
    config_path = write_config(tmp_path, server.base_url, {"a": add_feed(server, "a", 2), "held": "/held.xml"},
                               extract={"workers": 1, "timeout": 2.0})
    config_path.write_text(config_path.read_text() + f"\n[execution]\nrun_budget_seconds = {BUDGET_S:g}\n")
    child = subprocess.Popen([sys.executable, "-m", "tests.hostile.hung_api_child", "run", "--quiet", "--config",
                              str(config_path)], cwd=REPO,
                             env=child_env(f"http://127.0.0.1:{proxy.port}/api"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        if not held.arrived.wait(timeout=90):
            child.kill()
            pytest.fail(f"the run never polled the held feed: {child.communicate()}")
        proxy.freeze()
        frozen_at = time.monotonic()
        held.release.set()
        _, err = child.communicate(timeout=120)
        waited = time.monotonic() - frozen_at
    finally:
        held.release.set()
        child.kill()
        proxy.close()
    assert child.returncode == 4, err
    assert err.startswith("newsflow: the Prefect API at ") and err.count("\n") == 1, err
    assert "stopped answering during the run" in err and str(proxy.port) in err, err
    assert f"budget is {BUDGET_S:g} s" in err, err
    bound = BUDGET_S + 2 + hung_api_child.GRACE_S + hung_api_child.QUERY_TIMEOUT_S + 20  # 20 s: a loaded machine
    assert waited < bound, f"ended {waited:.0f} s after the API froze"
