"""Building a fetch's result: the trail of one fetch call, and what it keeps from a response.

Pure code, no I/O and no httpx. What a `FetchResult` keeps is safe to store and to send back:
errors are one line, and the validators (ETag, Last-Modified) are kept only when they can be
sent as request headers again (`usable_validator`), so a stored value never breaks a later run.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from newsflow.hopcookies import HopCookies
from newsflow.models import FetchKind, FetchResult, Outcome

MAX_VALIDATOR_CHARS = 1024  # an ETag or Last-Modified longer than this is not kept
MAX_VALIDATOR_AHEAD = timedelta(hours=1)  # a Last-Modified further ahead of the poll is not kept (clock skew)
MAX_ERROR_CHARS = 1000
MAX_HEADER_CHARS = 4096  # a longer response header value is not kept
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
ARTICLE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
# Only what charset.BoundedDecoder can undo with a bounded output; brotli is not installed.
ACCEPT_ENCODING = "gzip, deflate"


@dataclass
class Trail:
    """What one fetch call has done so far, across hops and the retry."""

    url: str
    kind: FetchKind
    timeout: float
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    bytes_read: int = 0
    network_seconds: float = 0.0
    attempt_seconds: float = 0.0
    step_started: float | None = None  # monotonic start of the step in progress, if any
    deadline: asyncio.Timeout | None = None  # the step in progress's (fetchdeadline.timed)
    retried: bool = False
    waited_seconds: float = 0.0  # a redirect's waits for its host's pause, counted in the deadline (`count_pause`)
    paused: bool = False  # a redirect met a pause, or a retry, and waited it as a first send does: the next count
    free_waited: float = 0.0  # how long the fetch waited its free pause, uncounted (`refund_free_pause`)
    free_in_retry: bool = False  # whether that wait was the retry's
    first_attempt_seconds: float = 0.0  # what the attempt before the retry counted in its deadline
    answer_refused: bool = False  # a name resolved to an address the policy refuses
    unanswered: bool = False  # the deadline passed on a connection that never sent a byte back
    name_unknown: bool = False  # the DNS answered that the name does not exist (lookups.NameResolutionError)
    site_refused: bool = False  # a public address refused the connection, no other answered, all public (netguard)
    connection: ConnectionTrace | None = None  # the request in progress, as httpcore reports it
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, target) of each redirect met
    cookies: HopCookies = field(default_factory=HopCookies)  # set along this fetch's redirects (hopcookies.py)
    # A redirect target not to follow, answered as "nothing of its own" instead: a feed redirecting
    # onto another configured feed, whose own poll fetches that URL (newsflow.polls).
    stop_at: Callable[[str], bool] | None = None
    gzip_whole: bool = False  # the last body read was one gzip stream that ended (`BoundedDecoder.provably_whole`)

    @property
    def on_stale_connection(self) -> bool:
        """The request in progress went out on a connection the server may have closed before it came: a reused
        keep-alive one. A new one is made only once the host's gate lets the request be written (red team 42):
        nothing of ours holds it idle; its close with not one byte back is sent again all the same (red team 51:
        a server shedding connections, `fetch._closed_unanswered`)."""
        return self.connection is not None and self.connection.reused

    def time_left(self) -> float:
        return max(0.0, self.timeout - self.attempt_seconds)

    def end_step(self) -> None:
        """Count the step in progress into the fetch's and the attempt's time."""
        if self.step_started is not None:
            spent = time.monotonic() - self.step_started
            self.network_seconds += spent
            self.attempt_seconds += spent
            self.step_started = None

    def count_pause(self, waited: float) -> None:
        """A redirect's hop waited `waited` s for its host's pause (`pacing.PauseBudget`): inside the deadline."""
        self.attempt_seconds += waited
        self.waited_seconds += waited

    def wait_freely(self, waited: float) -> None:
        """A wait for the fetch's free pause (`pacing.PauseBudget.freely`), kept with its attempt: a pause met
        later may count it after all (`refund_free_pause`)."""
        if self.free_in_retry != self.retried:
            self.free_waited, self.free_in_retry = 0.0, self.retried
        self.free_waited += waited

    def refund_free_pause(self, left: float, room: float) -> float | None:
        """Count the fetch's free pause in the deadline of the attempt that waited it, when that attempt holds it,
        so that a longer pause met later may be waited free instead (red team 48): on every run alike, a chain
        that waited a short pause first and then met a long one was `rate_limited` every run, never stored. In
        this attempt it must leave `room` of `left`; the attempt before the retry is over and must have ended
        within its deadline with it. Returns the seconds taken from this attempt's `left`, or None."""
        waited = self.free_waited
        if waited <= 0:
            return None
        if self.free_in_retry == self.retried:
            if waited > left - room:
                return None
            self.count_pause(waited)
        elif self.first_attempt_seconds + waited <= self.timeout:
            self.waited_seconds += waited  # counted in `elapsed_ms`, as it would have been at the time
            waited = 0.0
        else:
            return None
        self.free_waited = 0.0
        return waited

    def time_spent(self) -> float:
        """Seconds of this attempt inside its deadline, the step in progress included."""
        running = 0.0 if self.step_started is None else time.monotonic() - self.step_started
        return self.attempt_seconds + running

    def elapsed_ms(self) -> int:
        """Time inside deadlines so far, the step in progress and a redirect's waits for pauses included."""
        running = 0.0 if self.step_started is None else time.monotonic() - self.step_started
        return round((self.network_seconds + self.waited_seconds + running) * 1000)

    def result(
        self,
        outcome: Outcome,
        final_url: str,
        *,
        error: str | None = None,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        html: bytes = b"",
        retry_after: float | None = None,
    ) -> FetchResult:
        return FetchResult(
            url=self.url,
            final_url=final_url,
            kind=self.kind,
            outcome=outcome,
            at=self.at,
            status_code=status_code,
            error=None if error is None else one_line(error),
            headers=safe_headers(headers or {}),
            body=body,
            html=html,
            bytes_read=self.bytes_read,
            elapsed_ms=self.elapsed_ms(),
            retry_after=retry_after,
            answer_refused=self.answer_refused and outcome is Outcome.BLOCKED,
            unanswered=self.unanswered and outcome is Outcome.TIMEOUT,
            name_unknown=self.name_unknown and outcome is Outcome.DNS_ERROR,
            site_refused=self.site_refused and outcome is Outcome.CONNECT_ERROR,
            redirects=tuple(self.redirects),
            address=str(getattr(self.connection.stream, "address", "")) if self.connection else "",
        )


class ConnectionTrace:
    """What httpcore did for one request: passed as the request's `trace` extension.

    It tells a reused keep-alive connection from a new one (`reused`), and a deadline that
    passed while connecting (DNS included, since our backend resolves inside `connect_tcp`)
    from one that passed while waiting for the server's answer (`connecting`).
    """

    def __init__(self) -> None:
        self.events: set[str] = set()
        self.stream: object = None  # the connection made for this request (netguard.ShortReads), if any
        self.http_connection: object = None  # the pool's connection that carried it (netguard), if any

    async def __call__(self, event: str, info: Mapping[str, object]) -> None:
        self.events.add(event)
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.stream = info.get("return_value")

    def connection_taken(self, connection: object) -> None:
        """The pool handed the request to `connection` (netguard's, for `body_overrun`)."""
        self.http_connection = connection

    def written_on(self, stream: object) -> None:
        """The request went out on `stream`: a new connection's, or a reused one's (netguard)."""
        self.stream = stream

    @property
    def connecting(self) -> bool:
        """A new connection was being made (resolve and TCP connect) and has not been made yet."""
        return "connection.connect_tcp.started" in self.events and "connection.connect_tcp.complete" not in self.events

    @property
    def unanswered(self) -> bool:
        """A connection was made, or a kept-alive one reused, and nothing came back on it: the TLS
        handshake got no answer, or the request went out and not one byte followed. A server slow
        to finish its answer (dripping headers, a slow body) sent bytes, so it is not unanswered."""
        if "connection.start_tls.started" in self.events and "connection.start_tls.complete" not in self.events:
            return "connection.connect_tcp.complete" in self.events
        return getattr(self.stream, "silent", False) is True

    @property
    def reused(self) -> bool:
        """The request went out on a pooled connection opened for an earlier request."""
        sent = "http11.send_request_headers.started" in self.events
        return sent and "connection.connect_tcp.started" not in self.events


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_VALIDATOR = re.compile(r"[\x20-\x7e]*")
VALIDATOR_HEADERS = ("etag", "last-modified")


def one_line(text: str) -> str:
    """`text` with control characters and runs of whitespace as one space, cut to MAX_ERROR_CHARS."""
    flat = " ".join(_CONTROL.sub(" ", text).split())
    if not flat.isascii():  # a lone surrogate (from a JSON Feed's "\ud800") cannot be stored as UTF-8
        flat = flat.encode("utf-8", errors="replace").decode("utf-8")
    return flat if len(flat) <= MAX_ERROR_CHARS else flat[: MAX_ERROR_CHARS - 1] + "…"


def usable_validator(value: str | None) -> str | None:
    """An ETag or Last-Modified value that can be sent back as a request header, else None.

    Printable ASCII only (RFC 9110 field values; obs-text is not worth the risk), trimmed, at
    most MAX_VALIDATOR_CHARS. Anything else is dropped: the next request is unconditional.
    """
    if value is None:
        return None
    text = value.strip()
    if not text or len(text) > MAX_VALIDATOR_CHARS or not _VALIDATOR.fullmatch(text):
        return None
    return text


def believable_last_modified(value: str | None, polled_at: datetime) -> str | None:
    """A `Last-Modified` worth sending back as `If-Modified-Since`: not later than the poll itself.

    A server whose clock was ahead stamps its feed years into the future; sent back, that date
    makes a server that compares dates (Apache, many CMSs) answer 304 to every poll until the
    date has passed, for years. Such a value is dropped, so the next poll asks unconditionally
    (the ETag, when there is one, still saves the body). An unreadable date is left as it is."""
    if value is None:
        return None
    try:
        stamped = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return value
    if stamped.tzinfo is None:  # RFC 9110 dates are GMT; "-0000" reads as naive
        stamped = stamped.replace(tzinfo=UTC)
    return None if stamped > polled_at + MAX_VALIDATOR_AHEAD else value


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Response headers as kept in a FetchResult: none longer than MAX_HEADER_CHARS, and the
    validators only when `usable_validator` keeps them.

    The length cap keeps every run of digits a reader may `int()` (Cache-Control max-age)
    under Python's 4,300-digit limit for int(str), past which int() raises ValueError.
    """
    kept = {
        name: value
        for name, value in headers.items()
        if name not in VALIDATOR_HEADERS and len(value) <= MAX_HEADER_CHARS
    }
    for name in VALIDATOR_HEADERS:
        value = usable_validator(headers.get(name))
        if value is not None:
            kept[name] = value
    return kept


def feed_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """A feed GET's own headers: what it accepts, and the stored validators that can be sent (`usable_validator`)."""
    headers = {"Accept": FEED_ACCEPT}
    if etag := usable_validator(etag):
        headers["If-None-Match"] = etag
    if last_modified := usable_validator(last_modified):
        headers["If-Modified-Since"] = last_modified
    return headers
