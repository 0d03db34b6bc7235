"""Guards on outgoing connections: where we may connect (SSRF) and how often (pacing).

`is_blocked_address` is the pure policy (`addresspolicy`, re-exported here). `GuardedBackend`
is an httpcore network backend that resolves the host name itself (through an injectable
`Resolver`), refuses the whole connection if ANY resolved address is blocked, and then connects
to one of the checked addresses, never to the name again. Because httpcore calls the backend for every new
connection, the check covers every redirect hop, every DNS answer and every port, and a
name cannot resolve to a public address for the check and a private one for the connect
(DNS rebinding). TLS still uses the original host name for SNI and certificate checks:
httpcore passes `server_hostname` from the request's origin, not from the address.

`ShortReads` keeps each connection's reads short while an answer's head is awaited, so a
server cannot hold the event loop with a flood of tiny messages. `HostGate` (in `pacing`,
re-exported here) paces requests: global and per-host concurrency, a delay between request
starts to one host, and pauses a host asked for with Retry-After (`parse_retry_after`).

The answer limits `ShortReads` counts and the context variables it reads are in `answerlimits` (re-exported).

This module is the only importer of httpcore; only `fetch.py` imports httpx.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence

import httpcore

from newsflow.addresspolicy import (
    BlockedAddressError,
    IPNetwork,
    blocked_reason,
    is_blocked_address,
    is_public_address,
    parse_networks,
    refusal_reason,
    refused_by_answer,
    unwrap_embedded_ipv4,
)
from newsflow.answerlimits import (
    FINAL_HEAD,
    HEAD_READ_BYTES,
    HEAD_SCAN_LIMIT,
    INTERIM_HEAD,
    MAX_INTERIM_ANSWERS,
    AnswerTooLarge,
    EndlessInterimAnswers,
    answer_bytes_allowed,
    answer_cap,
    body_overrun,
    bytes_past_body,
    is_socket_readable,
    request_sending,
    request_written_on,
    unasked_bytes,
)
from newsflow.hostnames import address_with_trailing_dot
from newsflow.lookups import NameResolutionError, system_resolver
from newsflow.urls import fetch_problem

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""Async `(host, port) -> IP address strings`. Raise `NameResolutionError` when there is none."""


class RefusedAtAddresses(httpcore.ConnectError):
    """An address tried refused the connection (a TCP reset, an ICMP "port unreachable"), no other answered, and
    each is a public one: the network carried the request there and back, so the site is gone, not this machine's
    network.

    httpx passes it on as the `__cause__` of its `ConnectError`."""


def _was_refused(error: BaseException) -> bool:
    """Whether a failed connect was refused (anyio wraps the OSError: "All connection attempts failed")."""
    seen: BaseException | None = error
    for _ in range(4):
        if seen is None or isinstance(seen, ConnectionRefusedError):
            return seen is not None
        seen = seen.__cause__ or seen.__context__
    return False


def unsupported_scheme(url: str) -> str | None:
    """Why `url` may not be fetched at all, decided with no I/O (`urls.fetch_problem`)."""
    return fetch_problem(url)


# A name answering many addresses (16, 100: a CDN's or a round-robin pool's) split the connect timeout
# so thin that no address got time to connect across an ocean (review of red team 14): at most this
# many are tried, each given at least CONNECT_FLOOR_S (or half the timeout, when shorter: two are
# always tried, the second when the first swallowed its connect).
MAX_ADDRESSES_TRIED = 4
CONNECT_FLOOR_S = 3.0


def _share_of(timeout: float | None, started: float, addresses_left: int) -> float | None:
    """An address's share of what is left of the connect timeout: it split evenly between the
    addresses not tried yet (the last gets all that is left), but never below `CONNECT_FLOOR_S`
    (or half the timeout) while that much is left. A name answering several addresses, the first of
    which swallows connects (a dead server of a pool), gave that one the whole timeout, and the
    next, which answers, was never tried (red team 14)."""
    if timeout is None:
        return None
    left = max(0.0, timeout - (time.monotonic() - started))
    return min(left, max(left / addresses_left, min(timeout / 2, CONNECT_FLOOR_S)))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check every address, then connect to a checked address."""

    def __init__(self, resolver: Resolver, block_private: bool, allowed: Sequence[IPNetwork]) -> None:
        self._resolver = resolver
        self._block_private = block_private
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def checked_addresses(self, host: str, port: int) -> list[str]:
        name = host.strip("[]")
        addresses = await self._resolver(address_with_trailing_dot(name) or name, port)
        if not addresses:
            raise NameResolutionError(f"cannot resolve {host}: no addresses", no_such_name=True)
        for address in addresses:
            reason = refusal_reason(ipaddress.ip_address(address), self._allowed) if self._block_private else None
            if reason is not None:
                raise BlockedAddressError(host, address, reason)
        return list(addresses)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        last_error: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        addresses = (await self.checked_addresses(host, port))[:MAX_ADDRESSES_TRIED]
        started, refused = time.monotonic(), []
        for tried, address in enumerate(addresses):
            try:
                return ShortReads(await self._inner.connect_tcp(
                    address, port, timeout=_share_of(timeout, started, len(addresses) - tried),
                    local_address=local_address, socket_options=socket_options,
                ), address)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:  # the next, as getaddrinfo users do
                last_error = exc
                refused += [address] if _was_refused(exc) else []
        assert last_error is not None  # checked_addresses never returns an empty list
        # One refusal is proof enough: the others may be an address family this machine has no route for
        # (getaddrinfo returns IPv6 ones to a machine without IPv6) or a server that does not answer.
        if refused and all(is_public_address(a) for a in addresses):
            where = ", ".join(refused) + (", public addresses" if len(refused) > 1 else ", a public address")
            raise RefusedAtAddresses(f"refused by {where}: the site's server is down or gone") from last_error
        raise last_error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError(path, path, "Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class ShortReads(httpcore.AsyncNetworkStream):
    """A connection whose reads are short (HEAD_READ_BYTES) while an answer's head is awaited.

    httpcore reads 64 KB at a time, and h11 then parses every message in the buffer without a
    pause: an endless run of `103 Early Hints` answers held the event loop, and every other
    request's deadline, about a second per read. Each write starts an exchange; reads stay short
    until the bytes read since contain a final (non-1xx) status line, then the body is read in
    full-size reads. Each read is a point where the loop, and the whole-request deadline, get in.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream, address: str = "") -> None:
        self._inner = inner
        self.address = address  # the checked address connected to: one host's page or a network's (polling)
        self._head: bytearray | None = None  # bytes read since the last write, while in a head
        self._came, self._interim = 0, 0  # bytes and interim answers read since the last write
        self._allowed: int | None = None  # and their cap (`answer_cap`), set at the write
        # A request went out and not one byte has come back since: what a network that accepts
        # connections and drops everything else looks like (newsflow.polling, outages).
        self.silent = False
        # The pool asks every idle connection "is_readable" (a server's close) on each request's
        # start and end: through anyio's attribute lookups that cost ~6 us, polled here ~0.5.
        self._fileno: Callable[[], int] | None = getattr(inner.get_extra_info("socket"), "fileno", None)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._head is None:
            data = await self._inner.read(max_bytes, timeout)
            self.silent = self.silent and not data
            self._count(data, in_head=False)
            return data
        data = await self._inner.read(min(max_bytes, HEAD_READ_BYTES), timeout)
        self.silent = self.silent and not data
        self._count(data, in_head=True)
        self._interim += len(INTERIM_HEAD.findall(data))  # one cut across two reads is missed: a bound, no more
        if self._interim > MAX_INTERIM_ANSWERS:
            raise EndlessInterimAnswers(f"over {MAX_INTERIM_ANSWERS} interim (1xx) answers came and no final one; "
                                        "stopped reading")
        self._head += data
        if FINAL_HEAD.search(self._head):
            self._head = None
        elif len(self._head) > HEAD_SCAN_LIMIT:  # no final head in 64 KB: stay short, keep the tail
            del self._head[:-64]
        return data

    def _count(self, data: bytes, in_head: bool) -> None:
        self._came += len(data)
        if self._allowed is None or self._came <= self._allowed:
            return
        cap = f"past the cap of {self._allowed:,} bytes for one answer (twice fetch.max_bytes and 1 MB); stopped"
        if in_head:  # httpcore reads a head of 100 KB at most: the rest are interim answers
            raise EndlessInterimAnswers(f"{self._came:,} bytes of interim (1xx) answers came and no final one: {cap}")
        raise AnswerTooLarge(f"{self._came:,} bytes came for one answer, its head, body and chunk framing (chunk "
                             f"sizes and extensions): {cap}")

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if (sending := request_sending.get()) is None:
            await self._write(buffer, timeout)
            return
        request_sending.set(None)  # once per request: around its head, not its end
        async with sending():
            await self._write(buffer, timeout)

    async def _write(self, buffer: bytes, timeout: float | None) -> None:
        self._head = bytearray()
        self.silent = True
        self._came, self._interim, self._allowed = 0, 0, answer_bytes_allowed.get()
        if (tell := request_written_on.get()) is not None:
            tell(self)
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return ShortReads(await self._inner.start_tls(ssl_context, server_hostname, timeout), self.address)

    def get_extra_info(self, info: str) -> object:
        if info == "is_readable" and self._fileno is not None:
            return is_socket_readable(self._fileno())
        return self._inner.get_extra_info(info)


async def warm_up() -> None:
    """Load anyio's asyncio backend now: imported lazily, it costs ~70 ms inside the first
    connection of a run, which would shrink the server-observed gap after that request."""
    await httpcore.AnyIOBackend().sleep(0)


class _OneAnswerAConnection(httpcore.AsyncHTTPConnection):
    """Expired, so closed and never reused, once it holds unasked bytes (a close or bytes in the socket do already).
    It names itself to the request it carries (its `trace` extension's `connection_taken`), so what it read past
    the answer can be asked after the body (`body_overrun`)."""

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        taken = getattr(request.extensions.get("trace"), "connection_taken", None)
        if callable(taken):
            taken(self)
        return await super().handle_async_request(request)

    def has_expired(self) -> bool:
        return super().has_expired() or unasked_bytes(self)


class _GuardedPool(httpcore.AsyncConnectionPool):
    def create_connection(self, origin: httpcore.Origin) -> httpcore.AsyncConnectionInterface:
        return _OneAnswerAConnection(origin=origin, ssl_context=self._ssl_context,
                                     keepalive_expiry=self._keepalive_expiry, http1=self._http1, http2=self._http2,
                                     network_backend=self._network_backend)


def guarded_pool(
    ssl_context: ssl.SSLContext,
    max_connections: int,
    resolver: Resolver,
    block_private: bool,
    allowed: Sequence[IPNetwork],
) -> httpcore.AsyncConnectionPool:
    """A connection pool whose every new connection goes through `GuardedBackend`, and is dropped, not reused,
    once its server sent bytes past an answer's end (`unasked_bytes`)."""
    return _GuardedPool(
        ssl_context=ssl_context,
        max_connections=max_connections,
        max_keepalive_connections=max_connections,
        keepalive_expiry=5.0,
        network_backend=GuardedBackend(resolver, block_private, allowed),
    )


async def drop_idle_connections(pool: object, scheme: bytes, host: bytes, port: int) -> int:
    """Close `pool`'s idle keep-alive connections to one origin; how many were closed.

    Used before retrying a request whose reused connection the server had closed: its other
    idle connections to that origin were opened about as long ago and may be stale too, so the
    retry is made on a fresh connection. A request the pool had just handed one of them gets
    `ConnectionNotAvailable` inside httpcore, which the pool answers with another connection.
    """
    if not isinstance(pool, httpcore.AsyncConnectionPool):
        return 0
    origin = httpcore.Origin(scheme, host, port)
    idle = [c for c in pool.connections if c.can_handle_request(origin) and c.is_idle() and not c.is_closed()]
    for connection in idle:
        await connection.aclose()
    return len(idle)


# Pacing lives in newsflow.pacing; re-exported here, where callers have always found it.
from newsflow.pacing import (  # noqa: E402
    MAX_RETRY_AFTER,
    UNREADABLE_RETRY_AFTER,
    HostGate,
    HostPaused,
    SendHeld,
    SendWindow,
    parse_retry_after,
)

__all__ = [
    "MAX_RETRY_AFTER",
    "UNREADABLE_RETRY_AFTER",
    "AnswerTooLarge",
    "BlockedAddressError",
    "EndlessInterimAnswers",
    "GuardedBackend",
    "HostGate",
    "HostPaused",
    "NameResolutionError",
    "RefusedAtAddresses",
    "Resolver",
    "SendHeld",
    "SendWindow",
    "ShortReads",
    "answer_bytes_allowed",
    "answer_cap",
    "blocked_reason",
    "body_overrun",
    "bytes_past_body",
    "drop_idle_connections",
    "guarded_pool",
    "is_blocked_address",
    "is_public_address",
    "parse_networks",
    "parse_retry_after",
    "refused_by_answer",
    "request_sending",
    "request_written_on",
    "system_resolver",
    "unasked_bytes",
    "unsupported_scheme",
    "unwrap_embedded_ipv4",
    "warm_up",
]
