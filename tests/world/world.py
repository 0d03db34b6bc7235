"""A seeded world: N sites and M feeds on loopback, faults that change from run to run, ground truth.

All sites are served by one real HTTP server on 127.0.0.2 that routes by Host header and
path; the names `site-<n>.world.test` resolve there through the world's DNS (dns.py), and
`gone-<n>.world.test` never resolves. A canary server on 127.0.0.1 stands for every private
address: the run allows only 127.0.0.2/32, so any request it records is a policy breach.

Each feed shows a sliding window of items: `window` items, `new_per_run` more each run. The
server records which items it delivered whole and well-formed (`served`): that is the ground
truth the invariants compare the warehouse with.
"""

from __future__ import annotations

import random
import re
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.hostile.servers import LoopbackServer
from tests.sitefactory import Site, Story, generated_story
from tests.world import beside, content, feedtypes, fetchfaults, netdrops, outagespells, serving, worldevents
from tests.world import faults as kinds
from tests.world.dns import DnsTable
from tests.world.faults import Fault, Response
from tests.world.ledger import Item, Ledger
from tests.world.worldevents import RunEvents

WORLD_ADDRESS = "127.0.0.2"
CANARY_ADDRESS = "127.0.0.1"
# the dead addresses a name may answer before the live one (fetchfaults.DEAD_ADDRESSES) are allowed: dead, not refused
ALLOWED_NETWORKS = (f"{WORLD_ADDRESS}/32", f"{fetchfaults.REFUSING_ADDRESS}/32", f"{fetchfaults.SWALLOWING_ADDRESS}/32")
RSS = "application/rss+xml"
ROBOTS = b"User-agent: *\nAllow: /\n"
PROMPT_FRACTION = 0.6  # of fetch_timeout: a page written whole within it is owed as stored (whole_page_stored)
HOPS = 5  # /hop/n redirects to /hop/n+1; the last hop points at the canary
_FEED_PATH = re.compile(r"^/feeds/(\d+)\.xml$")
_ARTICLE_PATH = re.compile(r"^/a/(\d+)/(\d+)$")
_HOP_PATH = re.compile(r"^/hop/(\d+)$")
_MOVED_PATH = re.compile(r"^/feeds/(\d+)/moved\.xml$")
_STRAY_PATH = re.compile(r"^/feeds/(\d+/)?ep\d+$")  # a podcast GUID fetched as a page (content.py)


@dataclass(frozen=True)
class WorldSpec:
    """Everything that decides a world; equal specs build byte-identical worlds and fault schedules."""

    seed: int
    sites: int = 3
    feeds: int = 6
    runs: int = 4
    fault_rate: float = 0.2  # chance that one endpoint misbehaves in one run
    faults: tuple[str, ...] = (*kinds.ENDPOINT_FAULTS, kinds.UNRESOLVABLE)
    event_rate: float = 0.2  # chance of each run-level event in one run
    events: tuple[str, ...] = (kinds.OUTAGE, kinds.READER, kinds.KILL, kinds.PORTAL)
    guid_fault_rate: float = 0.3  # chance that a feed has a GUID fault for its whole life
    guid_faults: tuple[str, ...] = kinds.GUID_FAULTS
    window: int = 5  # items a feed shows at once
    new_per_run: int = 1  # items a feed publishes between two runs
    dead_feeds: int = 0  # feeds whose host never resolves
    budget: float = 20.0  # seconds a run may take (the config's schedule interval)
    extract_workers: int = 1
    moved_rate: float = 0.0  # chance that a feed has moved: its URL answers 301 to its new home, for life
    content_fault_rate: float = 0.0  # chance that a feed has one of `content_faults` for life (content.py)
    content_faults: tuple[str, ...] = ()
    fetch_timeout: float = 1.0  # the runs' `fetch.timeout` (worldconfig.py); the latency fault is 30% of it
    own_domains: bool = False  # site n is `site-<n>.world-<n>.test`, its own registrable domain (else all world.test)

    def describe(self) -> str:
        return repr(self)  # every field, as a WorldSpec(...) to paste into a regression


class World:
    """The world's servers and state for one spec. Use as a context manager (`open_world`)."""

    def __init__(self, spec: WorldSpec, fetch_timeout: float) -> None:
        self.spec = spec
        self.fetch_timeout = fetch_timeout
        self.ledger = Ledger()
        self.run = -1
        self.events = RunEvents()
        self.kill_point = threading.Event()
        self.sigterm_point = threading.Event()
        self.reader_point = threading.Event()
        self._lock = threading.Lock()
        self._answering = 0  # requests being answered; their ledger entries are written at the end
        self._answered = threading.Condition()
        self._outlets = [Site(f"World Site {s}") for s in range(spec.sites)]
        self.names = worldevents.FeedNames(spec.seed)
        self.renamed: dict[str, str] = {}  # old -> new feed names of this run's config
        self._silence_over = threading.Event()  # set when a blackholed run ends: held connections close
        self._server = serving.WorldHTTPServer((WORLD_ADDRESS, 0), serving.handler_class(self.handle))
        self.canary = LoopbackServer(CANARY_ADDRESS)
        self._swallower = fetchfaults.Swallower(self.port)
        self._asked: set[str] = set()  # endpoints that had a request this run (fetchfaults.SKEWED_RETRY)
        self.drops = ""  # how the network drops after this run's polls, if it does (netdrops.py)
        self.spell = outagespells.Spell()  # red team 34's events in this run (outagespells.py)
        self.drop_marker: Path | None = None  # the child's sign that it dropped (set by the driver)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def close(self) -> None:
        self._silence_over.set()
        self._server.shutdown()
        self._server.server_close()
        self.canary.close()
        self._swallower.close()

    # --- the world's shape ---------------------------------------------------------------------

    def site_host(self, site: int) -> str:
        return f"site-{site}.world-{site}.test" if self.spec.own_domains else f"site-{site}.world.test"

    def feed_id(self, feed: int) -> str:
        """The feed's name in the config (its last one while it is removed: event `rename`)."""
        return self.names.last_name(feed)

    def feed_urls(self) -> dict[str, str]:
        """The config's feeds: name -> URL (a feed removed for this run is left out)."""
        urls = {name: f"http://{self.site_host(j % self.spec.sites)}:{self.port}/feeds/{j}.xml"
                for j in range(self.spec.feeds) if (name := self.names.name(j)) is not None}
        for d in range(self.spec.dead_feeds):
            urls[f"dead-{d}"] = f"http://gone-{d}.world.test:{self.port}/feeds/{d}.xml"
        return urls

    def guid_fault(self, feed: int) -> str | None:
        rng = random.Random(f"{self.spec.seed}:guid:{feed}")
        if self.spec.guid_faults and rng.random() < self.spec.guid_fault_rate:
            return rng.choice(self.spec.guid_faults)
        return None

    def moved(self, feed: int) -> bool:
        return random.Random(f"{self.spec.seed}:moved:{feed}").random() < self.spec.moved_rate

    def item(self, feed: int, index: int) -> Item:
        url = f"http://{self.site_host((feed + index) % self.spec.sites)}:{self.port}/a/{feed}/{index}"
        guid = {kinds.SHARED_GUID: f"urn:world:shared:{index}", kinds.REUSED_GUID: "urn:world:same",
                kinds.CHURNING_GUID: f"urn:world:{feed}:{index}:run{max(self.run, 0)}"}.get(
            self.guid_fault(feed) or "", f"urn:world:{feed}:{index}")
        return Item(feed, index, guid, url)

    def items_shown(self, feed: int, run: int) -> list[Item]:
        top = self.spec.window + max(run, 0) * self.spec.new_per_run
        items = [self.item(feed, k) for k in range(max(0, top - self.spec.window), top)][::-1]
        if self.guid_fault(feed) == kinds.DUPLICATE_GUID:
            items.append(items[0])
        if items and content.content_fault(self.spec, feed) == content.ALIAS_ITEM:
            newest = items[0]
            items.append(Item(feed, newest.index, newest.guid + ":old", content.alias_url(newest.url), alias=True))
        return items

    def feed_body(self, feed: int, run: int) -> bytes:
        fault, shown = content.content_fault(self.spec, feed), self.items_shown(feed, run)
        entries = [feedtypes.Shown(content.title_for(fault, i.feed, i.index, i.alias),
                                   content.shown_link(fault, i.url, run), i.guid,
                                   generated_story(i.feed * 1000 + i.index).published, f"summary {i.index}")
                   for i in shown]
        extra = content.unfetchable_items(fault, feed, shown[0].index, self.port) if shown else ""
        home = f"http://{self.site_host(feed % self.spec.sites)}/"
        return feedtypes.render(content.feed_format(self.spec, feed, run), entries, feed, home,
                                content.xml_declaration(fault), extra)

    def page_story(self, feed: int, index: int) -> Story:
        """The story the page /a/<feed>/<index> carries: the item's own, or one wire story (`syndicated`)."""
        if content.content_fault(self.spec, feed) == content.SYNDICATED:
            return generated_story(content.SYNDICATED_STORY + index)
        return generated_story(feed * 1000 + index)

    def article_body(self, feed: int, index: int) -> bytes:
        fault = content.content_fault(self.spec, feed)
        if fault == content.SYNDICATED:  # byte for byte the same at every site carrying it
            return self._outlets[0].article_page(self.page_story(feed, index))
        site = (feed + index) % self.spec.sites
        canonical = f"http://{self.site_host(site)}:{self.port}/news/" if fault == content.SHARED_CANONICAL else None
        return self._outlets[site].article_page(self.page_story(feed, index), canonical=canonical)

    # --- faults, drawn per run -----------------------------------------------------------------

    def fault_for(self, key: str, run: int | None = None) -> Fault | None:
        rng = random.Random(f"{self.spec.seed}:{self.run if run is None else run}:{key}")
        choices = [k for k in self.spec.faults if k in kinds.DRAWN_ENDPOINT_FAULTS]
        if choices and rng.random() < self.spec.fault_rate:
            return Fault(rng.choice(choices), rng.randrange(1000))
        return None

    def unresolvable_sites(self, run: int) -> list[int]:
        if kinds.UNRESOLVABLE not in self.spec.faults:
            return []
        return [s for s in range(self.spec.sites)
                if random.Random(f"{self.spec.seed}:{run}:dns:{s}").random() < self.spec.fault_rate]

    def events_for(self, run: int) -> RunEvents:
        # red team 34's: offline for days, flapping, a clock ahead (outagespells.py)
        return outagespells.with_spell(self._events_drawn(run), outagespells.spell_for(self.spec, run))

    def _events_drawn(self, run: int) -> RunEvents:
        rng = random.Random(f"{self.spec.seed}:{run}:events")
        draws = {event: rng.random() < self.spec.event_rate for event in kinds.ALL_FAULTS}
        expected_requests = self.spec.feeds + self.spec.feeds * self.spec.new_per_run + self.spec.sites
        reader = None
        if kinds.READER in self.spec.events and draws[kinds.READER] and run > 0:
            reader = rng.choice(("read_only", "read_only", "read_write"))
        portal = random.Random(f"{self.spec.seed}:{run}:portal").random() < self.spec.event_rate
        terminate = random.Random(f"{self.spec.seed}:{run}:sigterm")
        sigterm = kinds.SIGTERM in self.spec.events and terminate.random() < self.spec.event_rate
        stop = random.Random(f"{self.spec.seed}:{run}:signal")
        stopped = kinds.SIGNAL in self.spec.events and not sigterm and stop.random() < self.spec.event_rate
        signals = stop.choice(kinds.SIGNAL_SEQUENCES) if stopped else ("SIGTERM",)
        return RunEvents(
            outage=kinds.OUTAGE in self.spec.events and draws[kinds.OUTAGE],
            portal=kinds.PORTAL in self.spec.events and portal,
            reader=reader,
            reader_after_requests=rng.choice((0, 0, rng.randint(1, expected_requests))),
            kill_after_requests=rng.randint(1, expected_requests)
            if kinds.KILL in self.spec.events and draws[kinds.KILL] else None,
            sigterm_after_requests=terminate.randint(1, expected_requests) if sigterm
            else stop.randint(1, expected_requests) if stopped else None,
            signals=signals,
            turns=worldevents.draw_turns(self.spec.seed, run, self.spec.events, self.spec.event_rate, self.spec.sites,
                                         self.spec.feeds, domains=self.spec.sites if self.spec.own_domains else 1),
            beside=beside.draw(self.spec.seed, run, self.spec.events, self.spec.event_rate, expected_requests),
        )

    def dns_table(self, run: int) -> DnsTable:
        failing = {self.site_host(s) for s in self.unresolvable_sites(run)}
        hosts = {self.site_host(s): [*fetchfaults.dead_addresses(self.spec, run, s), WORLD_ADDRESS]
                 for s in range(self.spec.sites)}
        hosts.update({"canary.world.test": [CANARY_ADDRESS], "localhost": [CANARY_ADDRESS]})
        refusing = outagespells.refusing_sites(self.spec, run)  # red team 34: a public address that refuses
        hosts.update({self.site_host(site): [outagespells.GONE_ADDRESS] for site in refusing})
        if self.events.portal:  # the portal answers every name with its own address
            hosts = {name: [kinds.PORTAL_ADDRESS] for name in hosts}
        return DnsTable(hosts, frozenset(failing), outage=self.events.outage, drop_after_polls=self.drops,
                        public=[outagespells.GONE_ADDRESS] if refusing else [])

    def begin_run(self, run: int, *, calm: bool = False) -> DnsTable:
        """Move the world to `run`: new items, new faults, new events (none when `calm`). Returns the run's DNS."""
        with self._lock:
            self.run = run
            self.events = RunEvents() if calm else self.events_for(run)
            self.kill_point.clear()
            self.sigterm_point.clear()
            self.reader_point.clear()
            self._silence_over.set()  # the last run's blackholed connections, if any, close now
            self._silence_over = threading.Event()
            self.renamed = self.names.begin_run(run, self.events.turns.config_change)
            self.drops = "" if calm else netdrops.drops_after_polls(self.spec, run)
            self.spell = outagespells.Spell() if calm else outagespells.spell_for(self.spec, run)
            self.ledger.rename(self.renamed)
            table = self.dns_table(run)
            self.ledger.faults_injected.update(kinds.UNRESOLVABLE for _ in table.failing)
            self.ledger.faults_injected.update(fetchfaults.DEAD_ADDRESSES for s in range(self.spec.sites)
                                               if fetchfaults.dead_addresses(self.spec, run, s))
            self._asked = set()
            happened = {kinds.OUTAGE: self.events.outage, kinds.PORTAL: self.events.portal,
                        kinds.READER: self.events.reader is not None,
                        kinds.KILL: self.events.kill_after_requests is not None,
                        kinds.SIGTERM: self.events.sigterm_after_requests is not None
                        and self.events.signals == ("SIGTERM",),
                        kinds.SIGNAL: self.events.signals != ("SIGTERM",),
                        kinds.BLACKHOLE: bool(self.events.turns.blackholed),
                        kinds.CLOCK: self.events.turns.clock_shift != 0,
                        kinds.KILL_TIMED: self.events.turns.kill_after_seconds is not None,
                        kinds.RENAME: self.events.turns.config_change is not None,
                        netdrops.DROP_AFTER_POLLS: bool(self.drops),
                        **outagespells.happened(self.spec, run, self.spell),
                        worldevents.CATCH_ALL: self.events.turns.catch_all,
                        worldevents.MOVED_WAREHOUSE: self.events.turns.warehouse_moved is not None,
                        **{c.event: True for c in self.events.beside}}
            self.ledger.faults_injected.update(event for event, yes in happened.items() if yes)
            self.ledger.faults_injected.update(filter(None, (content.content_fault(self.spec, j)
                                                              for j in range(self.spec.feeds))))
            return table

    # --- serving -------------------------------------------------------------------------------

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        with self._answered:
            self._answering += 1
        try:
            self._handle(handler)
        finally:
            with self._answered:
                self._answering -= 1
                self._answered.notify_all()

    def settled(self, timeout: float = 10.0) -> bool:
        """Wait until no request is being answered: a client can read a whole response before the
        server's thread records it in the ledger. False when one is still answering at `timeout`."""
        with self._answered:
            return self._answered.wait_for(lambda: self._answering == 0, timeout)

    def wait_requests(self, count: int, timeout: float) -> bool:
        """Wait until the server has answered `count` requests of this run; False at `timeout`."""
        with self._answered:
            return self._answered.wait_for(lambda: self.ledger.requests_by_run[self.run] >= count, timeout)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        host = (handler.headers.get("Host") or "").split(":")[0].lower()
        path = handler.path.split("?", 1)[0]
        with self._lock:
            run = self.run
            self.ledger.requests_by_run[run] += 1
            seen = self.ledger.requests_by_run[run]
        if self.events.kill_after_requests is not None and seen >= self.events.kill_after_requests:
            self.kill_point.set()
        if self.events.sigterm_after_requests is not None and seen >= self.events.sigterm_after_requests:
            self.sigterm_point.set()
        if seen >= self.events.reader_after_requests:
            self.reader_point.set()
        site = serving.site_of(host)
        if self.events.turns.catch_all and ((page := _ARTICLE_PATH.match(path)) or site is None):
            kinds.write(handler, 200, "text/html; charset=utf-8", (), worldevents.CATCH_ALL_PAGE)
            if page and site is not None:
                with self._lock:
                    self.ledger.caught(run, site, self.item(int(page.group(1)), int(page.group(2))).url)
            return
        if site is None or site >= self.spec.sites:
            kinds.write(handler, 404, "text/plain", (), b"no such site")
            return
        if site in self.events.turns.blackholed:
            worldevents.hold_silently(handler, self._silence_over)
            return
        if self.drops and self.drop_marker is not None and self.drop_marker.exists():
            handler.close_connection = True  # a connection kept alive from the polls: the network is gone
            return
        self._route(handler, site, path, run)

    def _route(self, handler: BaseHTTPRequestHandler, site: int, path: str, run: int) -> None:
        context: dict[str, object] = {"site": self.site_host(site), "port": self.port, "canary": self.canary.port,
                                      "latency": kinds.LATENCY_FRACTION * self.fetch_timeout}
        if path == "/robots.txt":
            self._answer(handler, f"robots:{site}", Response(200, "text/plain", ROBOTS), context)
        elif match := _FEED_PATH.match(path):
            feed = int(match.group(1))
            if feed < self.spec.feeds and self.moved(feed):  # its new home, for good
                kinds.write(handler, 301, "text/html", (("Location", f"/feeds/{feed}/moved.xml"),), b"")
            else:
                self._serve_feed(handler, feed, run, context)
        elif match := _MOVED_PATH.match(path):
            self._serve_feed(handler, int(match.group(1)), run, context)
        elif match := _ARTICLE_PATH.match(path):
            feed, index = int(match.group(1)), int(match.group(2))
            if content.needs_consent(content.content_fault(self.spec, feed), handler.headers.get("Cookie")):
                kinds.write(handler, 302, "text/html", content.consent_redirect(path), b"")
                return
            body, context["page"] = self.article_body(feed, index), self.item(feed, index).url
            self._answer(handler, f"article:{feed}:{index}", Response(200, "text/html; charset=utf-8", body),
                         context)
        elif content.ALIAS_PATH.match(path):  # an alias item's old link: its page moved
            kinds.write(handler, 301, "text/html", (("Location", path.removesuffix("/old")),), b"")
        elif match := _HOP_PATH.match(path):
            hop = int(match.group(1))
            target = f"/hop/{hop + 1}" if hop < HOPS else f"http://localhost:{self.canary.port}/canary/hops"
            kinds.write(handler, 302, "text/html", (("Location", target),), b"")
        else:
            if _STRAY_PATH.match(path):
                with self._lock:
                    self.ledger.strays.append(path)
            kinds.write(handler, 404, "text/plain", (), b"not found")

    def _serve_feed(self, handler: BaseHTTPRequestHandler, feed: int, run: int, context: dict[str, object]) -> None:
        if feed >= self.spec.feeds:
            kinds.write(handler, 404, "text/plain", (), b"no such feed")
            return
        body = self.feed_body(feed, run)
        etag = f'"w{zlib.crc32(body):x}"'
        fault = self.fault_for(f"feed:{feed}")
        if netdrops.conditional(handler.headers) and netdrops.stalls_conditional(self.spec, run, feed):
            with self._lock:
                self.ledger.faults_injected[netdrops.CONDITIONAL_STALL] += 1
            worldevents.hold_silently(handler, self._silence_over)
            return
        if fault is None and handler.headers.get("If-None-Match") == etag:
            kinds.write(handler, 304, RSS, (("ETag", etag),), b"")
            return
        kind = content.FEED_TYPES[content.feed_format(self.spec, feed, run)]
        delivered = self._answer(handler, f"feed:{feed}", Response(200, kind, body, (("ETag", etag),)), context,
                                 fault)
        if delivered and handler.command == "GET":
            with self._lock:
                self.ledger.serve(self.feed_id(feed), self.items_shown(feed, run), run)

    def _answer(
        self, handler: BaseHTTPRequestHandler, key: str, response: Response, context: dict[str, object],
        fault: Fault | None = None,
    ) -> bool:
        fault = fault or self.fault_for(key) or fetchfaults.draw(self.spec, self.run, key)
        if fault is not None and fault.kind == kinds.SLOW_EXTRACT and not key.startswith("article:"):
            fault = None  # slow extraction is an article's fault; a feed or robots.txt answers well
        with self._lock:
            first, run = key not in self._asked, self.run
            self._asked.add(key)
            if fault is not None:
                self.ledger.faults_injected[fault.kind] += 1
        started = time.monotonic()
        if fault is not None and fault.kind in fetchfaults.ENDPOINT_KINDS:
            delivered = fetchfaults.answer(handler, fault, response, first)
        else:
            delivered = kinds.answer(handler, fault, response, context)
        # a page written late (a loaded machine) may reach a client past its deadline: not owed as stored
        prompt = time.monotonic() - started <= PROMPT_FRACTION * self.fetch_timeout
        if key.startswith("article:") and handler.command == "GET":
            with self._lock:
                self.ledger.page(str(context["page"]), run, delivered and prompt, fault.kind if fault else None)
        return delivered


@contextmanager
def open_world(spec: WorldSpec, fetch_timeout: float = 1.0) -> Iterator[World]:
    world = World(spec, fetch_timeout)
    try:
        yield world
    finally:
        world.close()
