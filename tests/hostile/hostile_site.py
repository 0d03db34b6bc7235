"""One hostile news site on loopback, with every misbehaviour of tests/hostile/ at once.

Three servers, so that the address policy and the per-host Retry-After pause can be exercised
together without spoiling the rest of the run:

- `origin` (127.0.0.2) serves the feeds and articles, good and bad, and a robots.txt;
- `throttled` (127.0.0.3) answers its feed with 429 and a one-hour Retry-After, which pauses
  that host, and only that host, for the rest of the run;
- `forbidden` (127.0.0.1) is where the redirects to `localhost` point. The run allows only
  127.0.0.2/32 and 127.0.0.3/32, so it must never see a request.

`expected_feeds` and `expected_articles` say which outcome each URL must end with in
`fetch_events`, and `feed_status` the `feeds.last_status` class each feed must end with.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from http.server import ThreadingHTTPServer

from tests.hostile.servers import (
    LoopbackServer,
    drip_body,
    encoded_body,
    endless_body,
    gzip_bomb,
    redirect,
)
from tests.localserver import Handler, Page, send_bytes
from tests.sitefactory import Site, atom_feed, generated_story, rss_feed

ALLOWED_NETWORKS = ("127.0.0.2/32", "127.0.0.3/32")
RSS = "application/rss+xml"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
BOMB_DECODED = 100_000_000  # 100 MB of zeros in about 100 KB of gzip
DRIP_SECONDS = 0.05
GOOD_STORIES = (1, 2, 3, 4, 5)
GOOD_FEEDS = ("good-rss", "good-atom", "hostile-links")  # the last one is a good feed of bad links
# Links no fetcher should follow; the feed parser drops them (feeds.py: http(s) links only).
NON_HTTP_LINKS = (
    "file:///etc/passwd",
    "javascript:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "ftp://127.0.0.2:{port}/pub/file",
)
PUBLISHED = datetime(2026, 11, 20, tzinfo=UTC)


class _WideBacklogHTTPServer(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5. A run opens more connections than that at
    # once, the kernel drops the extra SYNs, and the client retries after 1 s: a "timeout"
    # that would be the test server's fault, not the page's.
    request_queue_size = 128

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up on a drip or an endless body are the point, not news


class BusyServer(LoopbackServer):
    """A LoopbackServer that accepts many connections at once, as a real site does."""

    def __init__(self, host: str) -> None:  # not super().__init__: it binds with the small backlog
        self.routes = {}
        self.requests = []
        self._lock = threading.Lock()
        self.host = host
        self._httpd = _WideBacklogHTTPServer((host, 0), self._request_handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": self.POLL_SECONDS}, daemon=True
        )
        self._thread.start()


@dataclass
class HostileSite:
    origin: LoopbackServer
    throttled: LoopbackServer
    forbidden: LoopbackServer
    feeds: dict[str, str] = field(default_factory=dict)  # feed name -> URL
    expected_feeds: dict[str, str] = field(default_factory=dict)  # feed name -> fetch_events outcome
    feed_status: dict[str, str] = field(default_factory=dict)  # feed name -> feeds.last_status
    expected_articles: dict[str, str] = field(default_factory=dict)  # article URL -> fetch_events outcome
    good_articles: list[str] = field(default_factory=list)
    http_links_in_hostile_feed: int = 0

    @property
    def hostile_urls(self) -> int:
        """Feeds and article links that misbehave (the entity feeds count: their bodies are hostile)."""
        feeds = [name for name in self.feeds if name not in GOOD_FEEDS]
        return len(feeds) + len(self.expected_articles)

    def feed(self, name: str, path: str, route: Page | Handler, outcome: str, status: str) -> None:
        self.feeds[name] = self.origin.add(path, route)
        self.expected_feeds[name] = outcome
        self.feed_status[name] = status

    def article(self, path: str, route: Page | Handler, outcome: str) -> str:
        url = self.origin.add(path, route)
        self.expected_articles[url] = outcome
        return url


@contextmanager
def hostile_site() -> Iterator[HostileSite]:
    with ExitStack() as stack:
        servers = [BusyServer(host) for host in ("127.0.0.2", "127.0.0.3", "127.0.0.1")]
        for server in servers:
            stack.callback(server.close)
        site = HostileSite(origin=servers[0], throttled=servers[1], forbidden=servers[2])
        site.origin.add("/robots.txt", Page(ROBOTS, "text/plain"))
        add_good_feeds(site)
        add_hostile_feeds(site)
        add_entity_feeds(site)
        add_hostile_articles(site)
        yield site


def add_good_feeds(site: HostileSite) -> None:
    outlet = Site("Loopback Herald")
    items: list[tuple[str, str, datetime]] = []
    for story in (generated_story(n) for n in GOOD_STORIES):
        url = site.origin.add(f"/news/{story.slug}", Page(outlet.article_page(story)))
        site.good_articles.append(url)
        items.append((story.title, url, story.published))
    rss_items: list[tuple[str, str, datetime | None]] = list(items[:3])
    site.feed("good-rss", "/good/rss.xml", Page(rss_feed("Herald", rss_items), RSS), "ok", "ok")
    site.feed("good-atom", "/good/atom.xml", Page(atom_feed("Herald", items[2:]), "application/atom+xml"), "ok", "ok")


def add_hostile_feeds(site: HostileSite) -> None:
    forbidden = f"http://localhost:{site.forbidden.port}/admin"
    site.forbidden.add("/admin", Page(b"<html><p>internal admin page</p></html>"))
    site.feed("drip", "/feeds/drip", drip_body(DRIP_SECONDS), "timeout", "temporary")
    site.feed("bomb", "/feeds/bomb", encoded_body(gzip_bomb(BOMB_DECODED), "gzip", RSS), "too_large", "soft")
    site.feed("endless", "/feeds/endless", endless_body(RSS), "too_large", "soft")
    site.feed("loop", "/feeds/loop-a", redirect("/feeds/loop-b"), "redirect_loop", "soft")
    site.origin.add("/feeds/loop-b", redirect("/feeds/loop-a"))
    site.feed("eleven-redirects", "/feeds/hop/0", redirect_chain(site.origin, "/feeds/hop", 11), "too_many_redirects",
              "soft")
    site.feed("to-localhost", "/feeds/to-localhost", redirect(forbidden), "blocked", "hard")
    site.feed("unavailable", "/feeds/503", Page(b"busy", "text/plain", status=503, validators=False),
              "http_error", "temporary")
    site.feed("html-page", "/feeds/page.html", Page(b"<!DOCTYPE html><html><body><p>hi</p></body></html>"),
              "parse_error", "soft")
    site.feed("empty", "/feeds/empty", Page(b"", RSS), "parse_error", "soft")
    site.feed("garbage", "/feeds/garbage", Page(b"\x00\x01 this is not a feed \xff" * 40, RSS), "parse_error", "soft")
    site.feed("missing", "/feeds/missing", Page(b"not found", "text/plain", status=404, validators=False),
              "http_error", "soft")
    site.feed("gone", "/feeds/gone", Page(b"gone", "text/plain", status=410, validators=False), "http_error", "hard")
    site.feeds["rate-limited"] = site.throttled.add("/feed", lambda handler: send_bytes(
        handler, 429, b"slow down", "text/plain", {"Retry-After": "3600"}))
    site.expected_feeds["rate-limited"] = "rate_limited"
    site.feed_status["rate-limited"] = "temporary"


def add_entity_feeds(site: HostileSite) -> None:
    """Entity attacks: parsed with the DOCTYPE removed, so the entities stay literal text."""
    link = site.good_articles[0]
    lols = "".join(['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)])
    secret = site.origin.url("/secret")
    attacks = {
        "billion-laughs": (f"<!DOCTYPE rss [{lols}]>", "&lol9;"),
        "external-entity": (f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{secret}">\n]>', "&xxe;"),
        "large-entity": (f'<!DOCTYPE rss [\n<!ENTITY big "{"A" * 30_000}">\n]>', "&big;" * 2_000 + "<br>"),
    }
    site.origin.add("/secret", Page(b"SECRET-FROM-SERVER", "text/plain"))
    for name, (doctype, payload) in attacks.items():
        body = (f'<?xml version="1.0"?>\n{doctype}\n<rss version="2.0"><channel><title>{payload}</title>'
                f"<item><title>x {payload}</title><link>{escape(link)}</link></item></channel></rss>")
        site.feed(name, f"/feeds/{name}", Page(body.encode(), RSS), "ok", "ok")


def add_hostile_articles(site: HostileSite) -> None:
    forbidden = f"http://localhost:{site.forbidden.port}/admin"
    urls = [
        site.article("/art/drip", drip_body(DRIP_SECONDS), "timeout"),
        site.article("/art/bomb", encoded_body(gzip_bomb(BOMB_DECODED), "gzip"), "too_large"),
        site.article("/art/endless", endless_body(), "too_large"),
        site.article("/art/loop-a", redirect("/art/loop-b"), "redirect_loop"),
        site.article("/art/hop/0", redirect_chain(site.origin, "/art/hop", 11), "too_many_redirects"),
        site.article("/art/to-localhost", redirect(forbidden), "blocked"),
        site.article("/art/paper.pdf", Page(b"%PDF-1.7\n" + b"\x00" * 200_000, "application/pdf"), "not_html"),
        site.article("/art/unavailable", Page(b"busy", "text/plain", status=503, validators=False), "http_error"),
        site.article("/art/missing", Page(b"nope", "text/plain", status=404, validators=False), "http_error"),
        site.article("/art/slow-to-extract", Page(slow_to_extract_page()), "extract_timeout"),
        site.article("/art/empty", Page(b"<html><body><nav><a href='/'>Home</a></nav><p>404</p></body></html>"),
                     "extract_empty"),
        site.article("/private/leaked", Page(Site("Herald").article_page(generated_story(90))), "robots_disallowed"),
    ]
    site.origin.add("/art/loop-b", redirect("/art/loop-a"))
    throttled = site.throttled.add("/art/story", Page(Site("Throttled").article_page(generated_story(91))))
    site.expected_articles[throttled] = "rate_limited"
    links = [*urls, throttled] + [link.format(port=site.origin.port) for link in NON_HTTP_LINKS]
    site.http_links_in_hostile_feed = len(urls) + 1
    items: list[tuple[str, str, datetime | None]] = [(f"Item {i}", link, PUBLISHED) for i, link in enumerate(links)]
    site.feed("hostile-links", "/hostile/rss.xml", Page(rss_feed("Hostile", items), RSS), "ok", "ok")


def redirect_chain(server: LoopbackServer, prefix: str, length: int) -> Handler:
    """prefix/0 -> prefix/1 -> ... -> prefix/<length> (a page); returns the route for prefix/0."""
    for index in range(1, length):
        server.add(f"{prefix}/{index}", redirect(f"{prefix}/{index + 1}"))
    server.add(f"{prefix}/{length}", Page(b"<html><p>end of the chain</p></html>"))
    return redirect(f"{prefix}/1")


def slow_to_extract_page(rows: int = 1200) -> bytes:
    """About 900 KB (under the run's 1 MB cap) of nested table cells that trafilatura takes about
    5.6 s to extract on an idle machine of this class: far past the tests' limits (1.5-3 s). Each row opens
    with a script of a sentence, which trafilatura drops: without it the page is one run of tags with
    only one-letter texts between them, whose middle red team 27's cut drops before the parse
    (`pagebounds.without_tag_runs`), and the page took 0.25 s (ci54: the run-budget, whole-run and
    exit-anywhere tests then had no slow page)."""
    cells = "<td><p>x</p></td>" * 40
    marker = "<td><script>var row = 'keeps the run of cells whole';</script></td>"
    table = "".join(f"<tr>{marker}{cells}</tr>" for _ in range(rows))
    return f"<html><head><title>Tables</title></head><body><table>{table}</table></body></html>".encode()
