"""The pages and feeds a benchmark serves, and the loopback server processes that serve them.

Pages are real ones from ../shared/corpora when it is there, else synthetic ones from
tests/sitefactory.py. Each page is served under several distinct URLs, spread over feeds and
over several loopback hosts (127.0.0.1, 127.0.0.2, ...), one server process per host.
"""

from __future__ import annotations

import gzip
import http.client
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from tests.sitefactory import Site, generated_story, rss_feed

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA = REPO_ROOT.parent / "shared" / "corpora"
CORPUS_GLOBS = (
    "trafilatura-eval-news/html/*.gz",
    "readability-testpages-news/*/source.html.gz",
    "fundus-news/**/*.html.gz",
    "newspaper4k-metadata/html/*.gz",
)
RSS = "application/rss+xml"
ROBOTS = b"User-agent: *\nAllow: /\n"
Route = tuple[bytes, str, bool]


@dataclass(frozen=True)
class SourcePage:
    name: str
    html: bytes


def corpora_available() -> bool:
    return CORPORA.is_dir()


def corpus_pages(limit: int | None = None) -> list[SourcePage]:
    """The real news pages of ../shared/corpora, decompressed, in a stable order."""
    paths = sorted(p for pattern in CORPUS_GLOBS for p in CORPORA.glob(pattern))
    pages = [SourcePage(_slug(p), gzip.decompress(p.read_bytes())) for p in paths[:limit]]
    return [p for p in pages if p.html.strip()]


def _slug(path: Path) -> str:
    name = path.name.removesuffix(".gz").removesuffix(".html").removesuffix(".htm")
    if name == "source":
        name = path.parent.name
    return "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "-" for c in name)[:60]


def synthetic_pages(count: int, first_seed: int = 1) -> list[SourcePage]:
    """Distinct generated articles in a site template (about 4 KB each)."""
    site = Site("Bench Gazette")
    return [SourcePage(f"story-{s}", site.article_page(generated_story(s)))
            for s in range(first_seed, first_seed + count)]


@dataclass
class SitePlan:
    """What to serve: routes per host, the feeds (name -> host, path) and every article URL path."""

    hosts: list[str]
    routes: dict[str, dict[str, Route]] = field(default_factory=dict)
    feeds: dict[str, tuple[str, str]] = field(default_factory=dict)
    articles: list[tuple[str, str, int]] = field(default_factory=list)  # (host, path, page index)


def plan_site(
    pages: Sequence[SourcePage], urls: int, feeds: int, hosts: int = 2, *, prefix: str = "site",
    feed_validators: bool = True,
) -> SitePlan:
    """`urls` article URLs cycling over `pages`, `feeds` feeds listing them, on `hosts` loopback hosts."""
    plan = SitePlan([f"127.0.0.{h + 1}" for h in range(hosts)])
    plan.routes = {host: {"/robots.txt": (ROBOTS, "text/plain", False)} for host in plan.hosts}
    items: dict[int, list[tuple[str, str, datetime | None]]] = {f: [] for f in range(feeds)}
    for n in range(urls):
        index, feed = n % len(pages), n % feeds
        host = plan.hosts[feed % hosts]
        path = f"/{prefix}{feed}/{n}/{pages[index].name}.html"
        plan.routes[host][path] = (pages[index].html, "text/html", False)
        plan.articles.append((host, path, index))
        items[feed].append((f"{pages[index].name} {n}", f"{n}/{pages[index].name}.html", None))  # relative link
    for feed, feed_items in items.items():
        host, path = plan.hosts[feed % hosts], f"/{prefix}{feed}/feed.xml"
        plan.routes[host][path] = (rss_feed(f"{prefix} {feed}", feed_items), RSS, feed_validators)
        plan.feeds[f"{prefix}{feed}"] = (host, path)
    return plan


class Fleet:
    """One server process per host of a plan; URLs are known once the processes have started."""

    def __init__(self, plan: SitePlan) -> None:
        self.plan = plan
        self.ports: dict[str, int] = {}
        self._processes: list[subprocess.Popen[bytes]] = []
        self._folder = tempfile.TemporaryDirectory(prefix="newsflow-bench-site-")

    def start(self) -> Fleet:
        for host, routes in self.plan.routes.items():
            path = Path(self._folder.name) / f"{host}.pickle"
            path.write_bytes(pickle.dumps(routes, protocol=pickle.HIGHEST_PROTOCOL))
            process = subprocess.Popen([sys.executable, "-m", "bench.server", str(path), host],
                                       cwd=REPO_ROOT, stdout=subprocess.PIPE)
            self._processes.append(process)
            assert process.stdout is not None
            line = process.stdout.readline().decode().split()
            if len(line) != 2 or line[0] != "port":
                self.stop()
                raise RuntimeError(f"bench server for {host} did not start (said {line!r})")
            self.ports[host] = int(line[1])
        return self

    def stop(self) -> None:
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            process.wait(timeout=10)
        self._processes = []
        self._folder.cleanup()

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.ports[host]}{path}"

    def feed_urls(self) -> dict[str, str]:
        return {name: self.url(host, path) for name, (host, path) in self.plan.feeds.items()}

    def article_urls(self) -> list[str]:
        return [self.url(host, path) for host, path, _ in self.plan.articles]


@contextmanager
def serving(plan: SitePlan) -> Iterator[Fleet]:
    fleet = Fleet(plan).start()
    try:
        yield fleet
    finally:
        fleet.stop()


def server_ceiling(urls: Sequence[str], threads: int = 8) -> tuple[float, float]:
    """Requests/s and MB/s the fleet serves to a plain keep-alive client (a lower bound)."""
    chunks = [list(urls[i::threads]) for i in range(threads)]
    received = [0] * threads

    def fetch_all(position: int) -> None:
        connections: dict[str, http.client.HTTPConnection] = {}
        for url in chunks[position]:
            parts = urlsplit(url)
            con = connections.setdefault(parts.netloc, http.client.HTTPConnection(parts.netloc, timeout=30))
            con.request("GET", parts.path)
            received[position] += len(con.getresponse().read())
        for con in connections.values():
            con.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=fetch_all, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    return len(urls) / elapsed, sum(received) / elapsed / 1e6
