"""The faults a world endpoint can show, and how each one is answered on the wire.

An endpoint (a feed, an article, a site's robots.txt) gets at most one fault per run, drawn
from the run's seed: faults change from run to run. `answer` writes the faulty response
straight to the socket, so status lines, headers and bodies can be anything at all.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.hostile.hostile_site import slow_to_extract_page

# Per-endpoint faults. `unresolvable` is per host (the DNS table of the run), see world.py.
LATENCY = "latency"
RESET = "reset"
STATUS_429 = "429"
STATUS_503 = "503"
REDIRECT = "redirect"
TRUNCATED = "truncated"
DRIP = "drip"
BAD_ENCODING = "bad_encoding"
BAD_HEADERS = "bad_headers"
BAD_STATUS = "bad_status"
UNRESOLVABLE = "unresolvable"
ENDPOINT_FAULTS = (LATENCY, RESET, STATUS_429, STATUS_503, REDIRECT, TRUNCATED, DRIP, BAD_ENCODING, BAD_HEADERS,
                   BAD_STATUS)
# An article page, valid and whole, that trafilatura takes seconds over (red team 5): the run's budget
# must hold when extraction, not the network, is slow. Only articles get it. Kept out of
# ENDPOINT_FAULTS (a WorldSpec's default faults), so adding it changed no seeded world's draws.
SLOW_EXTRACT = "slow_extract"
DRAWN_ENDPOINT_FAULTS = (*ENDPOINT_FAULTS, SLOW_EXTRACT)
# Run-level events, drawn per run.
OUTAGE = "outage"
READER = "reader"
KILL = "kill"
# A captive portal: every name answers one private address. Drawn from its own random stream and
# kept out of ALL_FAULTS, so adding it changed no seeded world's other draws.
PORTAL = "portal"
PORTAL_ADDRESS = "10.9.9.9"
# SIGTERM to the run's process (`docker stop`) once the server has seen the n-th request (red team 5).
# Drawn from its own random stream, as PORTAL, and out of WorldSpec's default events.
SIGTERM = "sigterm"
# The other ways a run is stopped (red team 8): Ctrl-C, a closed terminal (SIGHUP), Ctrl-C twice,
# SIGTERM then Ctrl-C (a supervisor, then an impatient user). The same point and invariants as
# SIGTERM; drawn, with the sequence, from their own random stream and out of the default events.
SIGNAL = "signal"
SIGNAL_SEQUENCES = (("SIGINT",), ("SIGHUP",), ("SIGINT", "SIGINT"), ("SIGTERM", "SIGINT"))
# Red team 12's events, each drawn from its own random stream and out of the default events, so adding
# them changed no seeded world's draws. `rename`: before the run, one feed is renamed in the config
# (same URL), or removed for the run and added back on the next under its name or a new one.
# `blackhole`: two or more hosts (one in a one-site world) accept every connection and never send a
# byte back, for the run; the next run they answer again. `clock`: the machine's clock is set back or
# ahead before the run, for the run only or for good (the driver shifts what the warehouse stored the
# other way: README, "Compressed time"). `kill_timed`: SIGKILL of the run's process group at a moment
# drawn by the seed, so it can land past the last request, in extraction or a load.
RENAME = "rename"
BLACKHOLE = "blackhole"
CLOCK = "clock"
KILL_TIMED = "kill_timed"
RED_TEAM_12_EVENTS = (RENAME, BLACKHOLE, CLOCK, KILL_TIMED)
# Clock jumps, in seconds (negative: set back), and the window a timed kill is drawn in (seconds of
# the run's process, start-up included: a direct run takes 2-8 s on a loaded 2-core machine).
CLOCK_JUMPS = (-30 * 86400, -86400, -6 * 3600, -1200, 1200, 6 * 3600, 86400, 400 * 86400)
KILL_TIMED_WINDOW = (0.5, 8.0)
# Feed-level content faults, fixed per feed for the world's life.
DUPLICATE_GUID = "duplicate_guid"  # an item repeated, same GUID and link
SHARED_GUID = "shared_guid"  # the same GUIDs as another feed, different links
REUSED_GUID = "reused_guid"  # every item carries one GUID (some CMSs), different links
GUID_FAULTS = (DUPLICATE_GUID, SHARED_GUID, REUSED_GUID)
# Every item gets a new GUID on every run (some CMSs regenerate them; red team 5). Out of the
# default GUID_FAULTS, so adding it changed no seeded world's draws.
CHURNING_GUID = "churning_guid"
ALL_FAULTS = (*ENDPOINT_FAULTS, UNRESOLVABLE, OUTAGE, READER, KILL, *GUID_FAULTS)

# Retry-After values a server may send: within the cap, far beyond it, dates, garbage.
RETRY_AFTERS = ("1", "3600", "1000000000000", "99999999999999999999999", "-5", "0.5", "soon", "",
                "Wed, 21 Oct 2099 07:28:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT", "Mon, 99 Foo 2026 99:99:99 GMT")
# Where a redirect may point: bad ports, bad schemes, broken URLs, private addresses (canaries).
# {canary} is the canary server's port, {port} the world's; {site} a resolvable world host.
BAD_LOCATIONS = ("http://{site}:99999/", "http://{site}:0/x", "http://[", "ftp://{site}/pub", "file:///etc/passwd",
                 "javascript:alert(1)", "http://gone-0.world.test:{port}/", "//{site}:{port}/a/loop",
                 "http://127.0.0.1:{canary}/canary/literal", "http://localhost:{canary}/canary/localhost",
                 "http://canary.world.test:{canary}/canary/name", "http://[::ffff:127.0.0.1]:{canary}/canary/mapped",
                 "http://2130706433:{canary}/canary/decimal", "http://{site}:{port}/hop/3", "http://\u00e9x\u00e4mple/")
BAD_CHARSETS = ("text/html; charset=base64", "text/html; charset=utf-99", "application/rss+xml; charset=\"\"",
                "text/xml; charset=utf-16", "text/html; charset=x-user-defined;;;", "\u00ff/\u00fe")
BAD_STATUS_LINES = (b"HTTP/1.1 2000 OK\r\n", b"HTTP/1.1 99 Low\r\n", b"HTTP/1.1 OK\r\n", b"HTTP/9.9 200 OK\r\n",
                    b"SPDY 200\r\n", b"HTTP/1.1 200 \xff\xfe\r\n")
DRIP_SECONDS = 0.1  # one body byte each; the body outlasts any fetch.timeout the world sets
LATENCY_FRACTION = 0.3  # of fetch.timeout: slow, but inside the deadline


@dataclass(frozen=True)
class Fault:
    kind: str
    variant: int = 0  # which value of the kind's list, drawn with the fault

    def describe(self) -> str:
        return f"{self.kind}[{self.variant}]"


@dataclass(frozen=True)
class Response:
    """A well-formed answer, before any fault is applied."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def answer(
    handler: BaseHTTPRequestHandler, fault: Fault | None, response: Response, context: dict[str, object]
) -> bool:
    """Write `response` with `fault` applied; True when the client got the whole, valid response."""
    handler.close_connection = fault is not None
    try:
        if fault is None or fault.kind == LATENCY:
            if fault is not None:
                time.sleep(float(str(context["latency"])))  # the misbehaviour under test
            write(handler, response.status, response.content_type, response.headers, response.body)
            return True
        return _faulty(handler, fault, response, context)
    except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
        return False


def _faulty(handler: BaseHTTPRequestHandler, fault: Fault, response: Response, context: dict[str, object]) -> bool:
    kind, n = fault.kind, fault.variant
    if kind == RESET:
        reset(handler)
    elif kind in (STATUS_429, STATUS_503):
        retry_after = RETRY_AFTERS[n % len(RETRY_AFTERS)]
        write(handler, int(kind), "text/plain", (("Retry-After", retry_after),), b"slow down")
    elif kind == REDIRECT:
        location = BAD_LOCATIONS[n % len(BAD_LOCATIONS)].format(**{k: str(v) for k, v in context.items()})
        write(handler, (301, 302, 303, 307, 308)[n % 5], "text/html", (("Location", location),), b"")
    elif kind == TRUNCATED:
        head = _head(response.status, response.content_type, response.headers, len(response.body) + 5000)
        handler.wfile.write(head + response.body[: len(response.body) // 2])
        handler.wfile.flush()
        reset(handler)
    elif kind == DRIP:
        handler.wfile.write(_head(200, response.content_type, response.headers, len(response.body)))
        for index in range(len(response.body)):
            handler.wfile.write(response.body[index : index + 1])
            handler.wfile.flush()
            time.sleep(DRIP_SECONDS)  # the misbehaviour under test
    elif kind == BAD_ENCODING:
        content_type = BAD_CHARSETS[n % len(BAD_CHARSETS)]
        body = response.body if n % 2 == 0 else response.body.replace(b"e", b"\xe9\xff")
        write(handler, response.status, content_type, response.headers, body)
    elif kind == BAD_HEADERS:
        write(handler, response.status, response.content_type, (*bad_headers(n), *response.headers), response.body)
        return True  # the body is whole and valid: what it carries must be kept
    elif kind == SLOW_EXTRACT:
        write(handler, 200, "text/html; charset=utf-8", response.headers, slow_to_extract_page(900 + n % 300))
        return True
    elif kind == BAD_STATUS:
        handler.wfile.write(BAD_STATUS_LINES[n % len(BAD_STATUS_LINES)] + b"Content-Length: 2\r\n\r\nok")
    return False


def bad_headers(n: int) -> tuple[tuple[str, str], ...]:
    """Validators and cache hints that are stored and sent back: non-ASCII, absurd, malformed."""
    choices = (
        (("ETag", '"caf\u00e9"'),),
        (("ETag", "\u00ff" * 300), ("Last-Modified", "yesterday-ish")),
        (("Last-Modified", "Mon, 32 Dec 99999 25:61:61 GMT"),),
        (("Cache-Control", "max-age=99999999999999999999999999"),),
        (("Cache-Control", "max-age=-1, max-age=\u00e9"), ("ETag", "W/")),
        (("Content-Location", "http://["),),
    )
    return choices[n % len(choices)]


def write(
    handler: BaseHTTPRequestHandler, status: int, content_type: str, headers: tuple[tuple[str, str], ...], body: bytes
) -> None:
    handler.wfile.write(_head(status, content_type, headers, len(body)))
    if handler.command != "HEAD" and status != 304:
        handler.wfile.write(body)
    handler.wfile.flush()


def _head(status: int, content_type: str, headers: tuple[tuple[str, str], ...], length: int) -> bytes:
    lines = [f"HTTP/1.1 {status} World", f"Content-Type: {content_type}", f"Content-Length: {length}"]
    lines += [f"{name}: {value}" for name, value in headers]
    head = "\r\n".join(lines) + "\r\n\r\n"
    try:
        return head.encode("latin-1")  # what http.server sends: one byte per character
    except UnicodeEncodeError:
        return head.encode()  # beyond latin-1: raw UTF-8 bytes in a header


def reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with RST (SO_LINGER 0), not FIN: the client sees 'connection reset by peer'."""
    with contextlib.suppress(OSError):
        handler.wfile.flush()
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    with contextlib.suppress(OSError):
        handler.connection.close()
