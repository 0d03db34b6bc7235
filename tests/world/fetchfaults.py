"""Red teams 14 and 16's fetch classes as world faults (world15), each drawn only when a spec lists it.

Red teams 14 and 16 tested each of these against the fetcher and in-process runs; here they meet
everything else a world does (endpoint faults, events, readers, kills, GUID and content faults):

- `partial`: `206 Partial Content` (or `226 IM Used`) to a request that sent no `Range`, with the
  first half of the body. Delivers nothing: neither the feed's items nor the page may be kept.
- `gzip_layers`: the whole body gzipped with no `Content-Encoding`, gzipped twice under one declared
  `gzip`, or gzipped twice undeclared. Delivers the whole body: it must be read as the body.
- `skewed_retry`: the endpoint's first request of the run gets `503` with a `Date` hours or days off
  and `Retry-After` an HTTP date 1 s after that `Date`; the next request gets the answer. Measured
  from the response's own clock the pause is 1 s (the world's `max_retry_after`): the feed is read
  in the same run, never pushed back by the skew.
- `robots_unreadable` (robots.txt only): a robots.txt of no declared length cut by the close (after
  a whole-site `Disallow: /`, inside a longer path, inside a keyword), or `500`/`502`. The world's
  real robots.txt allows everything, so no article may be parked for robots; the articles wait
  (RFC 9309's disallow) and are stored on the first run whose robots.txt reads.
- `dead_addresses` (per host per run, in the DNS table): the host's name answers one or two dead
  addresses before the live one: 127.0.0.3 refuses connects, 127.0.0.4 swallows them (a listener
  whose accept queue is full). The feed must be read from the live address.

Drawn from their own random stream (`<seed>:<run>:<key>:rt16`), after the older kinds and only when
`WorldSpec.faults` lists them, so adding them changed no seeded world's draws.
"""

from __future__ import annotations

import contextlib
import gzip
import random
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING

from tests.world import faults as kinds
from tests.world.faults import Fault, Response

if TYPE_CHECKING:
    from tests.world.world import WorldSpec

PARTIAL = "partial"
GZIP_LAYERS = "gzip_layers"
SKEWED_RETRY = "skewed_retry"
ROBOTS_UNREADABLE = "robots_unreadable"
DEAD_ADDRESSES = "dead_addresses"
ENDPOINT_KINDS = (PARTIAL, GZIP_LAYERS, SKEWED_RETRY, ROBOTS_UNREADABLE)
FETCH_FAULTS = (*ENDPOINT_KINDS, DEAD_ADDRESSES)
# Faults after which the endpoint's answer is whole: a feed so answered must be read (`reachable_feed_read`).
READABLE = frozenset({GZIP_LAYERS, SKEWED_RETRY})
REFUSING_ADDRESS = "127.0.0.3"  # nothing listens there: connects are refused at once
SWALLOWING_ADDRESS = "127.0.0.4"  # a listener whose accept queue is full: connects time out
DEAD_ADDRESS_SETS = ((REFUSING_ADDRESS,), (SWALLOWING_ADDRESS,), (REFUSING_ADDRESS, SWALLOWING_ADDRESS))
SKEWS = (6 * 3600, -2 * 3600, 86400, -400 * 86400)  # seconds the server's clock is off
# What a robots.txt of no declared length says before the close cuts it (the full text would allow /a/).
CUT_ROBOTS = (b"User-agent: *\nDisallow: /search\nDisallow: /",  # `/search-results` cut to a whole-site rule
              b"User-agent: *\nDisallow: /se",  # `/search` cut inside its path: disallows more, never /a/
              b"User-agent: *\nAllow: /\nDisall")  # cut inside a keyword
ROBOTS_STATUSES = (500, 502)


def draw(spec: WorldSpec, run: int, key: str) -> Fault | None:
    """This run's fetch-class fault for the endpoint `key`, from its own random stream."""
    choices = [k for k in spec.faults if k in ENDPOINT_KINDS and (k != ROBOTS_UNREADABLE or key.startswith("robots"))]
    rng = random.Random(f"{spec.seed}:{run}:{key}:rt16")
    if choices and rng.random() < spec.fault_rate:
        return Fault(rng.choice(choices), rng.randrange(1000))
    return None


def dead_addresses(spec: WorldSpec, run: int, site: int) -> tuple[str, ...]:
    """The dead addresses the site's name answers before its live one in this run (none mostly)."""
    rng = random.Random(f"{spec.seed}:{run}:addresses:{site}")
    if DEAD_ADDRESSES in spec.faults and rng.random() < spec.fault_rate:
        return rng.choice(DEAD_ADDRESS_SETS)
    return ()


def answer(handler: BaseHTTPRequestHandler, fault: Fault, response: Response, first: bool) -> bool:
    """Write `response` with a fetch-class fault; True when the client got the whole body.
    `first`: the endpoint's first request of the run (`skewed_retry` answers only that one 503)."""
    handler.close_connection = True
    try:
        return _answer(handler, fault, response, first)
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
        return False


def _answer(handler: BaseHTTPRequestHandler, fault: Fault, response: Response, first: bool) -> bool:
    n, body = fault.variant, response.body
    if fault.kind == PARTIAL:
        half = len(body) // 2
        status = (206, 226)[n % 2]
        headers = (*response.headers, ("Content-Range", f"bytes 0-{half - 1}/{len(body)}"))
        kinds.write(handler, status, response.content_type, headers, body[:half])
        return False
    if fault.kind == GZIP_LAYERS:
        layers = (gzip.compress(body), gzip.compress(gzip.compress(body)), gzip.compress(gzip.compress(body)))[n % 3]
        declared = (("Content-Encoding", "gzip"),) if n % 3 == 1 else ()
        kinds.write(handler, response.status, response.content_type, (*response.headers, *declared), layers)
        return True
    if fault.kind == SKEWED_RETRY and first:
        server_now = datetime.now(UTC) + timedelta(seconds=SKEWS[n % len(SKEWS)])
        headers = (("Date", format_datetime(server_now, usegmt=True)),
                   ("Retry-After", format_datetime(server_now + timedelta(seconds=1), usegmt=True)))
        kinds.write(handler, 503, "text/plain", headers, b"busy")
        return False
    if fault.kind == ROBOTS_UNREADABLE:
        _unreadable_robots(handler, n)
        return False
    kinds.write(handler, response.status, response.content_type, response.headers, body)  # skewed: the retry
    return True


def _unreadable_robots(handler: BaseHTTPRequestHandler, n: int) -> None:
    variant = n % (len(CUT_ROBOTS) + len(ROBOTS_STATUSES))
    if variant >= len(CUT_ROBOTS):
        kinds.write(handler, ROBOTS_STATUSES[variant - len(CUT_ROBOTS)], "text/plain", (), b"server error")
        return
    # HTTP/1.0 framing: no length, the body ends where the server closes (with FIN: a clean close)
    handler.wfile.write(b"HTTP/1.1 200 World\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                        + CUT_ROBOTS[variant])
    handler.wfile.flush()


class Swallower:
    """A listener on SWALLOWING_ADDRESS:port whose accept queue is full: every further connect's SYN is
    dropped, so it times out, as to a dead server of a pool or a route blackholed for one address."""

    def __init__(self, port: int) -> None:
        self._listener = socket.socket()
        self._fill: list[socket.socket] = []
        try:
            self._listener.bind((SWALLOWING_ADDRESS, port))
            self._listener.listen(0)
        except OSError:  # the port is taken there: the address refuses instead, still dead
            return
        for _ in range(3):  # a backlog of 0 queues one; the rest wait as SYNs, filling it for good
            client = socket.socket()
            client.setblocking(False)
            with contextlib.suppress(BlockingIOError, OSError):
                client.connect((SWALLOWING_ADDRESS, port))
            self._fill.append(client)

    def close(self) -> None:
        for client in self._fill:
            client.close()
        self._listener.close()
