"""Red team 48 (docs/security.md, "Red team 48"): runs that repeat. Red team 47's chains world fetched a world
twice, its later run calm; here the same hostile behaviour comes back run after run.

A world is red team 47's (`test_redteam47_chains.World`: loopback hosts 127.0.0.2-4, one or two articles that are
redirect chains of two to four hops across them (few, so that the gate's cap seldom excuses a starved one); hosts
paused from a run's start, hops slow, answering 429 or 503 with a Retry-After once a run, or pausing the next
hop's host as the chain reaches it), fetched 3-6 runs in a row, every run alike, plus:
hops that fail (500) every second run (`flaky`), the pauses a run heard (its 429s and 503s) kept for the next
run, which holds them at its start (`HostGate.hold`), and the clock moved between runs (the `now` a run holds
them at: 0 s, 1 s or an hour later). Each run fetches what the runs before it left, as a run fetches its
pending articles. Invariants, every run:

- every fetch ends within red team 47's bound (its deadlines, its first host's pause and one free pause, our own
  spacing), and counts no more than its deadlines; each ends `ok` with its own page, or pending with a named
  reason: `rate_limited` (not sent, or its retry refused), a counted `timeout`, or the 500 of a flaky hop;
- no hop is asked twice in a run unless it drew a retry; an article stored is never fetched again; every 429 or
  503 given asks a pause the run keeps for the next;
- **nothing is starved for ever** (the bound, documented): an article all of whose runs end `rate_limited` (an
  uncounted deferral, which never parks it) must meet, in each run after its first host, two pauses each past
  what its deadline may count, pauses that, all but the longest, with its slow hops before the last (red team 54),
  add up past it, a host asking more than `max_retry_after` of pauses in a run (the gate's cap), or two hops after
  the first each asking a retry (a fetch retries its first hop, as its first host's pause, and one hop after it:
  red team 49).
  Anything else is stored within the runs drawn (or fails counted, and is parked where the user sees it).

Red team 49 added: hops that say `Content-Encoding: gzip` on every run over plain bytes every second run
(`lying`: a page's lie a counted `parse_error`, one line), starvation judged over the runs the world did not
fail, and, with robots.txt on, one of `ROBOTS_SHAPES` on every host (written for RFC 9309 crawlers): each run,
its decoy is asked on no host and no chain's page is refused.

Red team 50 added hops that answer HTTP/1.0 with no length, say `Connection: keep-alive` and hold the connection
open after the body (`held_open`): a chain of only fast and held-open hops, with no pause on its way, never ends
`timeout` (its page came whole; before, every run timed it out, counted).

Red team 51 added hops that answer HTTP/1.1 with no length and no `Connection` and hold the connection open after
the body (`held_close`: whole at its deadline, the same invariant), and hops that close a run's first request to
them unanswered (`shed`: asked twice at most, never a `protocol_error`, which `check_result` allows none of).

Red team 52 added hops that answer 429 with a `Retry-After` nobody can read to a run's first request
(`garbled_once`: their host paused `UNREADABLE_RETRY_AFTER`, kept for the next run, its pages deferred uncounted)
and hops that send `103 Early Hints` and `100 Continue` before their answer (`hinted`: as `fast`). Red team 53's
hops answer 429 with no `Retry-After` at all (`bare_once`: paused the same default, the same invariants). Red team
54's hops pack their page twice under `Content-Encoding: gzip, gzip` and redirect by a protocol-relative `Location`
(`stacked`: as `fast`; `KEPT[9]`'s second chain ends on one). Red team 55's hops frame their answer as servers
may and h11 reads (`framed`: chunk extensions, a trailer, an obs-folded header, no reason phrase; as `fast`, the
connection kept; `KEPT[6]`'s chain is two).

CI runs the kept worlds (`KEPT`); `NEWSFLOW_WORLD_EXAMPLES=<n>` hunts more (`NEWSFLOW_WORLD_SHRINK=1` shrinks).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

import pytest
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from newsflow.fetch import Fetcher
from newsflow.models import FetchResult, HostPause, Outcome
from newsflow.netguard import UNREADABLE_RETRY_AFTER
from tests.hostile.servers import LoopbackServer, settings
from tests.hostile.test_redteam47_chains import MAX_RETRY_AFTER, SLACK, Hop, ServedWorld, World
from tests.localserver import send_bytes

EXAMPLES = int(os.environ.get("NEWSFLOW_WORLD_EXAMPLES", "0"))
PHASES = (Phase.explicit, *((Phase.generate,) if EXAMPLES else ()),
          *((Phase.shrink,) if os.environ.get("NEWSFLOW_WORLD_SHRINK") else ()))
HOSTS = 4  # the kept worlds' (generated ones draw up to 3)
pytestmark = pytest.mark.timeout(3600 if EXAMPLES else 300)

ANSWERS = ("fast", "slow", "limited_once", "limited_once", "busy_once", "flaky", "lying", "held_open", "held_close",
           "shed", "garbled_once", "bare_once", "hinted", "stacked", "framed")
HELD = ("held_open", "held_close")
# `hinted` (red team 52): a `103 Early Hints` and a `100 Continue` before the hop's answer
# `stacked` (red team 54): the page packed twice under `Content-Encoding: gzip, gzip`, a redirect's `Location`
# protocol-relative (`//host:port/path`): as `fast`
# `framed` (red team 55): chunked in two chunks, the first with extensions, a trailer after the last, an obs-folded
# header, a status line with no reason phrase: as `fast`, its connection kept for the host's next request
HINTS = b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n"
# `lying` (red team 49): the hop says `Content-Encoding: gzip` on every run, over plain bytes on every second run
LIE = b"<html><body><p>plain bytes under a gzip label</p></body></html>"
# `held_open` (red team 50): the hop answers HTTP/1.0 with no length, says `Connection: keep-alive` and keeps the
# connection open after its body (until the client closes it, or HELD_OPEN_AT_MOST)
HELD_OPEN_AT_MOST = 5.0
SLOW = (0.2, 0.6, 2.5)
RETRY_AFTER = (1, 2, 3)  # 3: past three quarters of a 1-3 s deadline
PAUSED_AS_REACHED = (0.0, 1.0, 1.0, 2.5)
KEPT_PAUSES = (0.0, 0.0, 0.5, 1.5)
GAPS = (0.0, 1.0, 3600.0)  # the clock moved between runs: the last run's pauses whole, shorter, or over
# Red team 49: robots.txt shapes an RFC 9309 crawler reads as the site meant (`{p}`: the world's paths), each
# allowing the chains' pages (`{p}a<n>/h<n>`) and disallowing `DECOY`; `urllib.robotparser` read all but the first
# and the last two otherwise (the decoy fetched, or with `allow-longer`, every page of the chains refused, parked at
# once); red team 49's first reader read the last two otherwise (every page refused).
ROBOTS_SHAPES = {
    "plain": "User-agent: *\nDisallow: {p}private/\n",
    "blank-line": "User-agent: *\nDisallow: /nothing/\n\nDisallow: {p}private/\n",
    "php-warning": ("User-agent: *\nDisallow: /nothing/\n\n<br />\n<b>Warning</b>: Undefined index in "
                    "/var/www/robots.php on line 3<br />\nDisallow: {p}private/\n"),
    "second-star": "User-agent: *\nDisallow: /nothing/\n\nUser-agent: *\nDisallow: {p}private/\n",
    "wildcard": "User-agent: *\nDisallow: /*/private/\n",
    "end-anchor": "User-agent: *\nDisallow: /*.pdf$\n",
    "allow-longer": "User-agent: *\nDisallow: /\nAllow: {p}a\n",
    "other-bot": "User-agent: news\nDisallow: /\n\nUser-agent: *\nDisallow: {p}private/\n",
    "byte-order-mark": "\ufeffUser-agent: *\nDisallow: {p}private/\n",
    # an empty `Disallow:` ends its group (review of red team 49: read as no rule, the next group's agents joined
    # it and its `Disallow: /` refused every page); the last group, merged with the first, holds the decoy
    "allow-all-but-one-bot": ("User-agent: *\nDisallow:\n\nUser-agent: AhrefsBot\nDisallow: /\n\n"
                              "User-agent: *\nDisallow: {p}private/\n"),
    "newsflow-let-in": ("User-agent: newsflow\nDisallow:\n\nUser-agent: *\nDisallow: /\n\n"
                        "User-agent: newsflow\nDisallow: {p}private/\n"),
}
DECOY = "private/story.pdf"
ROOM_SHARE = 0.75  # what of a deadline a counted pause may take (`fetchwalk.PAUSE_ROOM_SHARE` leaves a quarter)


@dataclass(frozen=True)
class Runs:
    world: World
    gaps: tuple[float, ...]  # before each run after the first
    robots_txt: str = ""  # with `world.robots`, every host's robots.txt (`ROBOTS_SHAPES`); none: a 404

    @property
    def runs(self) -> int:
        return len(self.gaps) + 1

    def pauses_after_first(self, article: int) -> list[float]:
        """Every pause the article may meet in a run after its first host's: kept from a run's start, asked by a
        retry, set as a chain reaches a host. (Its first hop's own retry waits as its first send did: red team 49.)"""
        world, chain = self.world, self.world.chains[article]
        later = {hop.host for hop in chain[1:]}
        asked = [hop for c in world.chains for hop in c if hop.host in later and hop.answer.endswith("_once")]
        reached = [c[n].pauses_next for c in world.chains for n in range(len(c) - 1) if c[n + 1].host in later]
        return [world.kept[host] for host in later] + [hop.seconds for hop in asked] + reached

    def long_pauses_after_first(self, article: int) -> int:
        """How many pauses past what the deadline may count (three quarters of it) the article may meet in a run
        after its first host's (waited uncounted as a first send's, its first hop's own retry's too): its later
        hops' hosts' (kept at a run's start, asked by a retry, or set as a chain reaches a host)."""
        long = self.world.timeout * ROOM_SHARE
        return sum(1 for pause in self.pauses_after_first(article) if pause > long)

    def hosts_past_the_cap(self) -> set[int]:
        """The hosts that may ask more than `max_retry_after` of pauses in a run: the gate refuses them for the
        rest of the run (`HostGate.check_open`), every run alike."""
        world, past = self.world, set()
        for host in range(len(world.kept)):
            asked = sum(hop.seconds for c in world.chains for hop in c if hop.host == host and hop.answer.endswith(
                "_once"))
            reached = sum(c[n].pauses_next for c in world.chains for n in range(len(c) - 1) if c[n + 1].host == host)
            if world.kept[host] + 2 * asked + reached > MAX_RETRY_AFTER:  # a pause kept from the last run, once more
                past.add(host)
        return past

    def paused(self, host: int) -> bool:
        """Whether a run may pause `host` (kept from a run's start, asked by a retry, set as a chain reaches it)."""
        world = self.world
        return (world.kept[host] > 0 or any(hop.host == host and hop.answer.endswith("_once") and hop.seconds > 0
                                            for c in world.chains for hop in c)
                or any(c[n].pauses_next > 0 for c in world.chains for n in range(len(c) - 1) if c[n + 1].host == host))

    def may_starve(self, article: int) -> bool:
        """Within the documented bound, the article may wait for ever (docs/security.md, "Red team 48", Left):
        two long pauses after its first host, pauses after it that, all but the longest (the free one), add up
        past what the deadline may count (review: three 1 s pauses on a 2 s deadline), a host past the gate's cap,
        or two hops after the first that each ask a retry on every run (the first hop's retry is its host's, red
        team 49; one retry after it a fetch: the second's 429 or 503 stands). Red team 54: a slow hop between two
        pauses after the first host (a paused host at or before it, another after it) counts with those pauses: its
        exchange comes between them, and the free pause, spent on the first, moves to the later one only if
        counting the first leaves the room a counted wait must leave (`PauseBudget.outlasted_by`); a slow hop before
        every pause, or after every pause (`KEPT[1]`), counts nothing (review of red team 54)."""
        chain = self.world.chains[article]
        pauses = sorted(self.pauses_after_first(article))
        slow_between = sum(hop.seconds for n, hop in enumerate(chain[:-1]) if hop.answer == "slow"
                           and any(self.paused(h.host) for h in chain[1:n + 1])
                           and any(self.paused(h.host) for h in chain[n + 1:]))
        return (self.long_pauses_after_first(article) >= 2
                or sum(pauses[:-1]) + slow_between > self.world.timeout * ROOM_SHARE  # all but the free one
                or any(hop.host in self.hosts_past_the_cap() for hop in chain)
                or sum(1 for hop in chain[1:] if hop.answer.endswith("_once")) >= 2)


@st.composite
def repeated_worlds(draw: st.DrawFn) -> Runs:
    hosts = draw(st.integers(2, 3))
    hop = st.builds(lambda host, answer, slow, retry, paused: Hop(
        host, answer, slow if answer == "slow" else UNREADABLE_RETRY_AFTER if answer in ("garbled_once", "bare_once")
        else float(retry) if answer.endswith("_once") else 0.0, paused),
        st.integers(0, hosts - 1), st.sampled_from(ANSWERS), st.sampled_from(SLOW), st.sampled_from(RETRY_AFTER),
        st.sampled_from(PAUSED_AS_REACHED))
    chains = draw(st.lists(st.lists(hop, min_size=2, max_size=4).map(tuple), min_size=1, max_size=2))
    kept = tuple(draw(st.lists(st.sampled_from(KEPT_PAUSES), min_size=hosts, max_size=hosts)))
    world = World(tuple(chains), kept, draw(st.sampled_from((1.0, 2.0, 3.0))), draw(st.sampled_from((1, 4))),
                  draw(st.booleans()), draw(st.sampled_from((0.0, 0.0, 0.3))))
    return Runs(world, tuple(draw(st.lists(st.sampled_from(GAPS), min_size=2, max_size=5))),
                draw(st.sampled_from(sorted(ROBOTS_SHAPES))) if world.robots else "")


KEPT = [
    # Review of red team 47's left case, every run alike: the chain reaches host 1 as it is paused 1 s (the fetch's
    # free pause, waited), host 1 answers 429 asking 2 s, more than three quarters of the 2 s deadline. Before:
    # `rate_limited` on every run, never stored. Now the free pause is counted in the first attempt, which held it,
    # and the retry's pause waited free: stored in the first run.
    Runs(World(chains=((Hop(0, "fast", 0.0, 1.0), Hop(1, "limited_once", 2.0)),), kept=(0.0, 0.0), timeout=2.0,
               per_host=4, robots=False), gaps=(0.0, 3600.0)),
    # Found by the hunt (shrunk by hand from a six-run world): the chain waits host 1's 1 s pause free, then meets
    # host 2 paused 1.9 s, past what its 2 s deadline may count with room. `rate_limited` on every run, before
    # and with the retry's fix alone. Now the 1 s is counted in the deadline, which holds it with room, and the
    # 1.9 s waited free: `ok` on the first run, `elapsed_ms` about 1.7 s.
    Runs(World(chains=((Hop(0, "fast", 0.0, 1.0), Hop(1, "fast", 0.0, 1.9), Hop(2, "slow", 0.6)),),
               kept=(0.0, 0.0, 0.0), timeout=2.0, per_host=4, robots=False), gaps=(0.0, 1.0)),
    # Found by a hunt on base44 (shrunk by hand): the first host's 503 asks 1 s, its retry waits it free; host 1 is
    # paused 2 s as the chain reaches it, past the 2 s deadline's room. Base: `rate_limited` every run. Now the
    # retry's 1 s is counted in its attempt, which holds it with room, and the 2 s waited free: stored.
    Runs(World(chains=((Hop(0, "busy_once", 1.0, 2.0), Hop(1, "fast", 0.0)),), kept=(0.0, 0.0), timeout=2.0,
               per_host=4, robots=False), gaps=(0.0, 3600.0)),
    # Review of red team 48: a chain through four hosts, each next one paused 1 s as the chain reaches it, on a 2 s
    # deadline. No pause is past three quarters of it, yet one is free and two counted leave the exchange no room:
    # `rate_limited` every run, within the bound (the oracle excused only two long pauses; it said starved).
    Runs(World(chains=((Hop(0, "fast", 0.0, 1.0), Hop(1, "fast", 0.0, 1.0), Hop(2, "fast", 0.0, 1.0),
                        Hop(3, "fast", 0.0)),), kept=(0.0, 0.0, 0.0, 0.0), timeout=2.0, per_host=4, robots=False),
         gaps=(0.0, 3600.0)),
    # Red team 49 (red team 48 left it): a tracker's redirect and the publisher, two hosts, each answering 429 with
    # `Retry-After: 2` (past three quarters of the 2 s deadline) to a run's first request, every run. Before: the
    # first hop's retry took the fetch's one retry (and its free pause), so the second 429 stood: `rate_limited`
    # every run. Now the first hop's retry waits as its first send did (the first host's pause) and the fetch
    # keeps its retry and its free pause for the chain: stored on the first run.
    Runs(World(chains=((Hop(0, "limited_once", 2.0), Hop(1, "limited_once", 2.0)),), kept=(0.0, 0.0), timeout=2.0,
               per_host=4, robots=False), gaps=(0.0, 3600.0)),
    # Red team 49's new class: a redirect and its page each labelled `Content-Encoding: gzip` every run, plain bytes
    # on the first run (the page's lie a counted `parse_error`, one line; the redirect's body is not read), packed
    # on the second (stored, its own page), behind a paused hop.
    # Its robots.txt (red team 49's other class) disallows all but the chains' pages, by a longer `Allow`: read by
    # `urllib.robotparser` (first match wins), both pages were `robots_disallowed`, parked at once, lost.
    Runs(World(chains=((Hop(0, "lying", 0.0, 1.0), Hop(1, "lying", 0.0)),), kept=(0.0, 0.0), timeout=2.0,
               per_host=4, robots=True), gaps=(1.0,), robots_txt="allow-longer"),
    # Review of red team 49: "allow everyone, block one bot" (`User-agent: *`, an empty `Disallow:`, then a bot's
    # `Disallow: /`). Read with the empty `Disallow:` as no rule, the bot's agent joined the `*` group: every page
    # `robots_disallowed`, parked at once, for good. Red team 55: the redirect and the page `framed` (chunked with
    # extensions and a trailer, an obs-folded header, no reason phrase), each after its host's robots.txt.
    Runs(World(chains=((Hop(0, "framed", 0.0), Hop(1, "framed", 0.0)),), kept=(0.0, 0.0), timeout=2.0, per_host=4,
               robots=True), gaps=(0.0,), robots_txt="allow-all-but-one-bot"),
    # Red team 50's new class: a redirect and its page each answered HTTP/1.0 with no length and `Connection:
    # keep-alive`, the connection held open after the body. Before: the page read until the deadline, `timeout`
    # every run, counted (parked after 3 runs while its host served it whole). Now its document ended, then 0.5 s
    # of silence (a quarter of the deadline): `ok` on the first run.
    Runs(World(chains=((Hop(0, "held_open", 0.0), Hop(1, "held_open", 0.0)),), kept=(0.0, 0.0), timeout=2.0,
               per_host=4, robots=True), gaps=(0.0,), robots_txt="plain"),
    # Red team 51's: a redirect that closes the run's first request to it unanswered, then a page answered HTTP/1.1
    # with no length and no `Connection`, held open after its body. Before: the redirect `protocol_error` (sent
    # once on a new connection, counted), and behind it the page `timeout` every run (counted). Now the redirect
    # is sent again on a new connection and the page is whole at its deadline: `ok` on the first run.
    Runs(World(chains=((Hop(0, "shed", 0.0), Hop(1, "held_close", 0.0)),), kept=(0.0, 0.0), timeout=1.0,
               per_host=4, robots=False), gaps=(0.0,)),
    # Red team 52's: a tracker answering 429 with `Retry-After: soon` to a run's first request, and a chain through
    # hosts it does not touch whose first hop sends a `103 Early Hints` and a `100 Continue` first. Before: the 429
    # paused nothing (`check_pauses_kept`: no pause asked; its host's other pages asked on). Now host 0 is paused
    # the default (60 s, past `max_retry_after`: deferred, uncounted, kept for the next run, within the bound) and
    # the other chain is `ok` on the first run. Red team 54: that chain ends on a page packed twice (`stacked`).
    Runs(World(chains=((Hop(0, "garbled_once", UNREADABLE_RETRY_AFTER), Hop(1, "fast", 0.0)),
                       (Hop(1, "hinted", 0.0), Hop(2, "stacked", 0.0))), kept=(0.0, 0.0, 0.0), timeout=1.0,
               per_host=4, robots=False), gaps=(0.0, 3600.0)),
]


class RepeatedWorld(ServedWorld):
    """A `ServedWorld` fetched run after run, alike: its 429s once a run, flaky hops failing every second run."""

    def __init__(self, runs: Runs, servers: list[LoopbackServer], number: int) -> None:
        self.run = 0
        self.shed_lock, self.shed_paths = threading.Lock(), set[tuple[int, str]]()
        super().__init__(runs.world, servers, number)
        self.runs, self.decoy = runs, f"/w{number}/{DECOY}"
        robots_txt = ROBOTS_SHAPES.get(runs.robots_txt, "").format(p=f"/w{number}/").encode()
        for server in servers:  # a world's own robots.txt; without one, a 404 (allow all)
            server.add("/robots.txt", lambda handler: send_bytes(handler, 200 if robots_txt else 404, robots_txt,
                                                                 "text/plain"))

    def _answer(self, article: int, hop: int) -> Callable[[BaseHTTPRequestHandler], None]:
        handle = super()._answer(article, hop)
        drawn = self.world.chains[article][hop]

        def answer(handler: BaseHTTPRequestHandler) -> None:
            if drawn.answer == "flaky" and self.run % 2 == 0:
                send_bytes(handler, 500, b"down this run", "text/plain")
                return
            if drawn.answer == "lying":
                self._lie(handler, article, hop)
                return
            if drawn.answer in HELD:
                self._held_open(handler, article, hop, drawn.answer == "held_close")
                return
            if drawn.answer == "shed" and self.shed(self.paths[article][hop]):
                handler.close_connection = True  # the request read, the connection closed: not one byte back
                return
            if drawn.answer == "stacked":
                self._stacked(handler, article, hop)
                return
            if drawn.answer == "framed":
                self._framed(handler, article, hop)
                return
            if drawn.answer == "hinted":
                handler.wfile.write(HINTS)
            handle(handler)
        return answer

    def shed(self, path: str) -> bool:
        """The run's first request to `path` (red team 51: a server shedding connections)."""
        with self.shed_lock:
            first = (self.run, path) not in self.shed_paths
            self.shed_paths.add((self.run, path))
        return first

    def _held_open(self, handler: BaseHTTPRequestHandler, article: int, hop: int, http_11: bool = False) -> None:
        """An HTTP/1.0 answer of no length saying `Connection: keep-alive` (or, `http_11`, an HTTP/1.1 one saying
        nothing of its connection), held open after the body (a page whose document ends, or a redirect): every
        page of it `timeout` before red team 50 (51), counted."""
        chain = self.world.chains[article]
        if chain[hop].pauses_next and hop + 1 < len(chain):
            self._pause_host(chain[hop + 1].host, chain[hop].pauses_next)
        last = hop + 1 == len(chain)
        head = b"HTTP/1.0 200 OK\r\n" if last else b"HTTP/1.0 302 Found\r\nLocation: %s\r\n" % self.url(
            article, hop + 1).encode()
        head = head.replace(b"HTTP/1.0", b"HTTP/1.1") if http_11 else head + b"Connection: keep-alive\r\n"
        handler.close_connection = True
        handler.wfile.write(head + b"Content-Type: text/html\r\n\r\n" + (self.page(article) if last else b""))
        handler.wfile.flush()
        handler.connection.settimeout(HELD_OPEN_AT_MOST)
        with contextlib.suppress(OSError):
            handler.connection.recv(1)  # held until the client closes it (b"") or the time is up

    def held_open_timed_out(self, article: int, outcome: Outcome) -> bool:
        """A chain of only fast and held-open hops, no pause on its way, whose held-open page ended `timeout`: its
        document came whole, and nothing else in the world could time it out (red team 50's class)."""
        chain = self.world.chains[article]
        calm = all(hop.answer in ("fast", "shed", "hinted", "stacked", "framed", *HELD) and not hop.pauses_next
                   and not self.world.kept[hop.host] for hop in chain)
        return calm and chain[-1].answer in HELD and outcome is Outcome.TIMEOUT

    def _lie(self, handler: BaseHTTPRequestHandler, article: int, hop: int) -> None:
        """Every run `Content-Encoding: gzip`: the page (or a redirect's body) gzipped on odd runs, plain on even
        ones (a cache that labels what it did not pack, then packs it)."""
        chain = self.world.chains[article]
        if chain[hop].pauses_next and hop + 1 < len(chain):
            self._pause_host(chain[hop + 1].host, chain[hop].pauses_next)
        last = hop + 1 == len(chain)
        status, body = (200, self.page(article)) if last else (302, LIE)
        headers = {"Content-Encoding": "gzip"} if last else {"Content-Encoding": "gzip", "Location": self.url(
            article, hop + 1)}
        send_bytes(handler, status, gzip.compress(body) if self.run % 2 else body, "text/html", headers)

    def _stacked(self, handler: BaseHTTPRequestHandler, article: int, hop: int) -> None:
        """The page (or a redirect's body) packed twice, `Content-Encoding: gzip, gzip`; a redirect's `Location`
        without its scheme (red team 54: both read whole on main; drawn so that they stay so)."""
        chain = self.world.chains[article]
        if chain[hop].pauses_next and hop + 1 < len(chain):
            self._pause_host(chain[hop + 1].host, chain[hop].pauses_next)
        last = hop + 1 == len(chain)
        status, body = (200, self.page(article)) if last else (302, LIE)
        headers = {"Content-Encoding": "gzip, gzip"}
        if not last:
            headers["Location"] = self.url(article, hop + 1).removeprefix("http:")
        send_bytes(handler, status, gzip.compress(gzip.compress(body)), "text/html", headers)

    def _framed(self, handler: BaseHTTPRequestHandler, article: int, hop: int) -> None:
        """The page (or a redirect) chunked in two, the first chunk with extensions, a trailer after the last, an
        obs-folded header and no reason phrase (red team 55: all read whole on main, the connection kept; drawn so
        that they stay so)."""
        chain = self.world.chains[article]
        if chain[hop].pauses_next and hop + 1 < len(chain):
            self._pause_host(chain[hop + 1].host, chain[hop].pauses_next)
        last = hop + 1 == len(chain)
        body = self.page(article) if last else b"moved"
        head = (b"HTTP/1.1 200\r\n" if last
                else b"HTTP/1.1 302\r\nLocation: %s\r\n" % self.url(article, hop + 1).encode())
        half = len(body) // 2
        chunks = (b"%x;rt=55;q=\"a b\"\r\n%s\r\n%x\r\n%s\r\n" % (half, body[:half], len(body) - half, body[half:])
                  + b"0\r\nX-Checksum: 55\r\n\r\n")
        handler.wfile.write(head + b"Content-Type: text/html\r\nX-Folded: one\r\n two\r\nTransfer-Encoding: chunked\r\n"
                            b"Connection: keep-alive\r\n\r\n" + chunks)
        handler.wfile.flush()

    def failed_by_the_world(self, article: int, run: int, outcome: Outcome) -> bool:
        """The run's counted failure that the world drew: a flaky hop's 500, or a lying last hop's plain bytes, on
        an even run."""
        chain = self.world.chains[article]
        flaky = any(hop.answer == "flaky" for hop in chain) and outcome is Outcome.HTTP_ERROR
        lie = chain[-1].answer == "lying" and outcome is Outcome.PARSE_ERROR
        return run % 2 == 0 and (flaky or lie)

    def fetch_run(self, articles: list[int], carried: list[HostPause], gap: float
                  ) -> tuple[list[tuple[FetchResult, float]], list[HostPause]]:
        world = self.world

        async def one(fetcher: Fetcher, article: int) -> tuple[FetchResult, float]:
            started = time.monotonic()
            result = await fetcher.fetch_article(self.url(article, 0))
            return result, time.monotonic() - started

        async def go() -> tuple[list[tuple[FetchResult, float]], list[HostPause]]:
            fetch_settings = settings(timeout=world.timeout, max_retry_after=MAX_RETRY_AFTER,
                                      per_host_concurrency=world.per_host, respect_robots=world.robots,
                                      per_host_delay=world.delay)
            async with Fetcher(fetch_settings) as fetcher:
                self.gate = asyncio.get_running_loop(), fetcher.gate
                for host, seconds in enumerate(world.kept):
                    if seconds:
                        fetcher.gate.pause(self.servers[host].host, seconds)
                fetcher.gate.hold(carried, datetime.now(UTC) + timedelta(seconds=gap))  # the clock moved
                results = list(await asyncio.gather(*(one(fetcher, article) for article in articles)))
                return results, list(fetcher.gate.asked.values())

        return asyncio.run(go())

    def check_runs(self) -> list[list[Outcome]]:
        world, pending = self.world, list(range(len(self.world.chains)))
        outcomes: list[list[Outcome]] = [[] for _ in pending]
        carried: list[HostPause] = []
        pause = world.longest_pause()
        spacing = world.delay * sum(len(chain) + 2 for chain in world.chains)
        one_fetch = world.deadlines() + 2 * pause + spacing
        for run, gap in enumerate((0.0, *self.runs.gaps)):
            self.run = run
            self.asked.clear()
            before = self.hits()
            started = time.monotonic()
            results, carried = self.fetch_run(pending, carried, gap)
            queued = len(pending) if world.per_host == 1 else 1
            assert time.monotonic() - started < queued * one_fetch + SLACK, (self.runs, self.run, results)
            for article, (result, took) in zip(pending, results, strict=True):
                outcomes[article].append(result.outcome)
                self.check_one(article, result, took, one_fetch * queued, world.first_wait(article) + pause + spacing)
            self.check_asked_once_this_run(before, results)
            self.check_pauses_kept(carried)
            self.check_decoys()
            pending = [a for a, (r, _) in zip(pending, results, strict=True) if r.outcome is not Outcome.OK]
        for article, seen in enumerate(outcomes):
            # the runs the world did not fail it: all `rate_limited` is starved (red team 49: with a flaky or lying
            # hop, every answering run `rate_limited` was not checked)
            answered = [outcome for run, outcome in enumerate(seen) if not self.failed_by_the_world(article, run,
                                                                                                   outcome)]
            starved = all(outcome is Outcome.RATE_LIMITED for outcome in answered) and Outcome.OK not in seen
            assert not starved or self.runs.may_starve(article), (self.runs, article, seen)
        return outcomes

    def check_one(self, article: int, result: FetchResult, took: float, bound: float, uncounted: float) -> None:
        assert not self.held_open_timed_out(article, result.outcome), (self.runs, article, result.error)
        if self.failed_by_the_world(article, self.run, result.outcome):  # counted, one line naming the URL
            assert result.status_code == 500 or "gzip" in (result.error or ""), (self.runs, article, result.error)
            assert "http://127.0.0." in (result.error or "") and "\n" not in (result.error or ""), result.error
            return
        self.check_result(article, result, took, bound, uncounted)

    def check_decoys(self) -> None:
        """What the world's robots.txt disallows is never asked (red team 49), on any host; the chains' pages, which
        it allows, are never refused (`check_result`: `ok`, or pending with a reason)."""
        if not self.runs.robots_txt:
            return

        async def go() -> list[FetchResult]:
            async with Fetcher(settings(timeout=self.world.timeout, respect_robots=True)) as fetcher:
                return [await fetcher.fetch_article(server.url(self.decoy)) for server in self.servers]

        for result in asyncio.run(go()):
            assert result.outcome is Outcome.ROBOTS_DISALLOWED, (self.runs, result.outcome, result.error)
        assert not any(server.hits(self.decoy) for server in self.servers), (self.runs, self.decoy)

    def check_pauses_kept(self, kept: list[HostPause]) -> None:
        """Every 429 or 503 the run was given asked a pause the run keeps for the next (`HostGate.asked`)."""
        hosts = {pause.host for pause in kept}
        for chain, paths in zip(self.world.chains, self.paths, strict=True):
            for hop, path in zip(chain, paths, strict=True):
                if path in self.asked:
                    assert self.servers[hop.host].host in hosts, (self.runs, self.run, path, kept)

    def hits(self) -> dict[str, int]:
        return {path: len(self.servers[hop.host].hits(path)) for chain, paths in zip(self.world.chains, self.paths,
                                                                                     strict=True)
                for hop, path in zip(chain, paths, strict=True)}

    def check_asked_once_this_run(self, before: dict[str, int], results: list[tuple[FetchResult, float]]) -> None:
        after = self.hits()
        for chain, paths in zip(self.world.chains, self.paths, strict=True):
            for hop, path in zip(chain, paths, strict=True):
                allowed = 2 if hop.answer.endswith("_once") or hop.answer == "shed" else 1
                assert after[path] - before[path] <= allowed, (self.runs, self.run, path, results)


_worlds = iter(range(10_000, 1_000_000))


@pytest.fixture(scope="module")
def servers() -> Iterator[list[LoopbackServer]]:
    hosts = [LoopbackServer(f"127.0.0.{n + 2}") for n in range(HOSTS)]
    try:
        yield hosts
    finally:
        for server in hosts:
            server.close()


@hypothesis_settings(max_examples=max(EXAMPLES, 1), deadline=None, phases=PHASES, database=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(repeated_worlds())
@example(KEPT[0])
@example(KEPT[1])
@example(KEPT[2])
@example(KEPT[3])
@example(KEPT[4])
@example(KEPT[5])
@example(KEPT[6])
@example(KEPT[7])
@example(KEPT[8])
@example(KEPT[9])
def test_runs_alike_end_in_bound_and_starve_nothing(servers: list[LoopbackServer], runs: Runs) -> None:
    RepeatedWorld(runs, servers, next(_worlds)).check_runs()
