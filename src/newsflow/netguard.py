"""Guards on outgoing connections: where we may connect (SSRF) and how often (pacing).

`is_blocked_address` is the pure policy. `GuardedBackend` is an httpcore network backend
that resolves the host name itself (through an injectable `Resolver`), refuses the whole
connection if ANY resolved address is blocked, and then connects to one of the checked
addresses, never to the name again. Because httpcore calls the backend for every new
connection, the check covers every redirect hop, every DNS answer and every port, and a
name cannot resolve to a public address for the check and a private one for the connect
(DNS rebinding). TLS still uses the original host name for SNI and certificate checks:
httpcore passes `server_hostname` from the request's origin, not from the address.

`HostGate` paces requests: global and per-host concurrency, a delay between request starts
to one host, and pauses a host asked for with Retry-After (`parse_retry_after`).

This module is the only importer of httpcore; only `fetch.py` imports httpx.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import ipaddress
import math
import re
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpcore

from newsflow.urls import fetch_problem

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""Async `(host, port) -> IP address strings`. Raise `NameResolutionError` when there is none."""


# Every IPv4 range that is not ordinary public unicast (IANA special-purpose registry).
_BLOCKED_V4 = {
    "0.0.0.0/8": "unspecified ('this network')",
    "10.0.0.0/8": "private (RFC 1918)",
    "100.64.0.0/10": "carrier-grade NAT (RFC 6598)",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local (cloud metadata lives here)",
    "172.16.0.0/12": "private (RFC 1918)",
    "192.0.0.0/24": "IETF protocol assignments",
    "192.0.2.0/24": "documentation (TEST-NET-1)",
    "192.88.99.0/24": "6to4 relay anycast",
    "192.168.0.0/16": "private (RFC 1918)",
    "198.18.0.0/15": "benchmarking",
    "198.51.100.0/24": "documentation (TEST-NET-2)",
    "203.0.113.0/24": "documentation (TEST-NET-3)",
    "224.0.0.0/4": "multicast",
    "240.0.0.0/4": "reserved (includes broadcast)",
}
# Public IPv6 unicast is 2000::/3; everything outside it is blocked (after the IPv4
# embeddings below are unwrapped). Inside it, these special ranges are blocked too.
_GLOBAL_V6 = ipaddress.IPv6Network("2000::/3")
_BLOCKED_V6 = {
    "2001::/23": "IETF protocol assignments (includes Teredo)",
    "2001:db8::/32": "documentation",
    "3fff::/20": "documentation",
}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

_BLOCKED_V4_NETS = [(ipaddress.IPv4Network(net), why) for net, why in _BLOCKED_V4.items()]
_BLOCKED_V6_NETS = [(ipaddress.IPv6Network(net), why) for net, why in _BLOCKED_V6.items()]


class NameResolutionError(Exception):
    """The host name has no address (DNS failure). Passes through httpx unchanged."""


class BlockedAddressError(Exception):
    """The target resolved to an address the policy refuses. Passes through httpx unchanged."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host, self.address, self.reason = host, address, reason
        where = address if host == address else f"{host} resolves to {address}"
        super().__init__(f"refused: {where}, a {reason} address (block_private_networks)")


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def unwrap_embedded_ipv4(ip: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address; else `ip` itself.

    `::ffff:127.0.0.1` reaches 127.0.0.1 on a dual-stack host, so it must be judged as IPv4.
    """
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def blocked_reason(ip: IPAddress) -> str | None:
    """Why `ip` is not ordinary public unicast, or None when it is."""
    target = unwrap_embedded_ipv4(ip)
    if isinstance(target, ipaddress.IPv4Address):
        return next((why for net, why in _BLOCKED_V4_NETS if target in net), None)
    if target not in _GLOBAL_V6:
        return _ipv6_outside_global_reason(target)
    return next((why for net, why in _BLOCKED_V6_NETS if target in net), None)


def _ipv6_outside_global_reason(ip: ipaddress.IPv6Address) -> str:
    if ip.is_loopback:
        return "loopback"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip in ipaddress.IPv6Network("fc00::/7"):
        return "private (unique local)"
    return "reserved"


def is_blocked_address(ip: IPAddress | str, allowed: Sequence[IPNetwork] = ()) -> bool:
    """True when connecting to `ip` is refused: not public unicast and not in `allowed`."""
    return _refusal(ipaddress.ip_address(ip) if isinstance(ip, str) else ip, allowed) is not None


def _refusal(ip: IPAddress, allowed: Sequence[IPNetwork]) -> str | None:
    candidates = {ip, unwrap_embedded_ipv4(ip)}
    if any(addr.version == net.version and addr in net for addr in candidates for net in allowed):
        return None
    return blocked_reason(ip)


def unsupported_scheme(url: str) -> str | None:
    """Why `url` may not be fetched at all, decided with no I/O (`urls.fetch_problem`)."""
    return fetch_problem(url)


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the OS resolver (getaddrinfo), off the event loop thread."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NameResolutionError(f"cannot resolve {host}: {exc.strerror}") from exc
    except (UnicodeError, ValueError) as exc:  # a label over 63 characters, an empty label: no query is sent
        raise NameResolutionError(f"cannot resolve {host[:200]}: not a valid host name ({exc})") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise NameResolutionError(f"cannot resolve {host}: no addresses")
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check every address, then connect to a checked address."""

    def __init__(self, resolver: Resolver, block_private: bool, allowed: Sequence[IPNetwork]) -> None:
        self._resolver = resolver
        self._block_private = block_private
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def checked_addresses(self, host: str, port: int) -> list[str]:
        addresses = await self._resolver(host.strip("[]"), port)
        if not addresses:
            raise NameResolutionError(f"cannot resolve {host}: no addresses")
        for address in addresses:
            reason = _refusal(ipaddress.ip_address(address), self._allowed) if self._block_private else None
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
        last_error: httpcore.ConnectError | None = None
        for address in await self.checked_addresses(host, port):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except httpcore.ConnectError as exc:  # try the next checked address, as getaddrinfo users do
                last_error = exc
        assert last_error is not None  # checked_addresses never returns an empty list
        raise last_error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError(path, path, "Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def warm_up() -> None:
    """Load anyio's asyncio backend now: imported lazily, it costs ~70 ms inside the first
    connection of a run, which would shrink the server-observed gap after that request."""
    await httpcore.AnyIOBackend().sleep(0)


def guarded_pool(
    ssl_context: ssl.SSLContext,
    max_connections: int,
    resolver: Resolver,
    block_private: bool,
    allowed: Sequence[IPNetwork],
) -> httpcore.AsyncConnectionPool:
    """A connection pool whose every new connection goes through `GuardedBackend`."""
    return httpcore.AsyncConnectionPool(
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


# --- pacing ---------------------------------------------------------------------------------


MAX_RETRY_AFTER = 30 * 86400.0
"""Longer Retry-After values are read as this (30 days): the value is added to datetimes later,
and `datetime + timedelta(seconds=1e12)` overflows."""
_DELTA_SECONDS = re.compile(r"[0-9]+")


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or bad.

    Total over any string: the result is None or a finite number in [0, MAX_RETRY_AFTER].
    """
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):
        return min(float(text), MAX_RETRY_AFTER)  # float() of 5,000 digits is inf, never an error
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER) if math.isfinite(seconds) else None


class HostPaused(Exception):
    """The host asked for more quiet than the gate's `max_pause`; nothing is sent to it."""

    def __init__(self, host: str, remaining: float, asked_total: float) -> None:
        self.host, self.remaining = host, remaining
        if remaining >= asked_total:
            what = f"{host} asked us to wait {remaining:.0f} s more (Retry-After)"
        else:
            what = f"{host} asked for {asked_total:.0f} s of Retry-After pauses in this run (max_retry_after)"
        super().__init__(what)


class HostGate:
    """Global and per-host concurrency, spacing between request starts, Retry-After pauses.

    A pause is per host and shared: every request to the host, queued, new or retrying, waits
    for the same end. The pauses one host asks for cost a run at most `max_pause` seconds in
    all: once a pause would end further away, or the host's pauses in this run add up to more,
    requests queued for the host are woken and, like new ones, raise `HostPaused` at once.
    """

    @dataclass
    class _Host:
        slots: asyncio.Semaphore
        turn: asyncio.Lock = field(default_factory=asyncio.Lock)
        next_start: float = 0.0
        paused_until: float = 0.0
        paused_total: float = 0.0  # seconds of pause this host has asked for in this run
        changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __init__(
        self, concurrency: int, per_host_concurrency: int, per_host_delay: float, max_pause: float = math.inf
    ) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host_concurrency
        self._delay = per_host_delay
        self._max_pause = max_pause
        self._hosts: dict[str, HostGate._Host] = {}

    def _host(self, host: str) -> HostGate._Host:
        if host not in self._hosts:
            self._hosts[host] = HostGate._Host(asyncio.Semaphore(self._per_host))
        return self._hosts[host]

    def pause(self, host: str, seconds: float) -> None:
        """Start nothing to `host` for `seconds` (the server sent Retry-After); wake its waiters."""
        state = self._host(host)
        seconds = min(max(seconds, 0.0), MAX_RETRY_AFTER) if math.isfinite(seconds) else MAX_RETRY_AFTER
        now = time.monotonic()
        state.paused_total += max(0.0, now + seconds - max(state.paused_until, now))  # overlaps count once
        state.paused_until = max(state.paused_until, now + seconds)
        state.changed.set()
        state.changed = asyncio.Event()

    def pause_remaining(self, host: str) -> float:
        return max(0.0, self._host(host).paused_until - time.monotonic())

    def check_open(self, host: str) -> None:
        """Raise `HostPaused` when `host` asked for more than `max_pause` seconds of quiet."""
        state = self._host(host)
        remaining = max(0.0, state.paused_until - time.monotonic())
        if remaining > self._max_pause or state.paused_total > self._max_pause:
            raise HostPaused(host, remaining, state.paused_total)

    @contextlib.asynccontextmanager
    async def host_slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's `per_host_concurrency` slots (a request and its retry keep it)."""
        async with self._host(host).slots:
            yield

    @contextlib.asynccontextmanager
    async def turn(self, host: str) -> AsyncIterator[None]:
        """Hold a global slot, entered no sooner than the host's next start (call inside `host_slot`).

        Raises `HostPaused` (holding nothing) when the host's pauses pass `max_pause`.
        """
        await self._take_turn(host, self._host(host))
        try:
            yield
        finally:
            self._global.release()

    async def _take_turn(self, host: str, state: HostGate._Host) -> None:
        # Waiting for the host's turn happens before taking a global slot, so a slow or paused
        # host holds at most one waiting request, not a share of the global limit.
        async with state.turn:
            while (wait := max(state.next_start, state.paused_until) - time.monotonic()) > 0:
                self.check_open(host)
                await self._sleep_unless_paused(state, wait)
            self.check_open(host)
            await self._global.acquire()
            state.next_start = time.monotonic() + self._delay

    @staticmethod
    async def _sleep_unless_paused(state: HostGate._Host, seconds: float) -> None:
        """Sleep `seconds`, or less if the host's pause changes meanwhile."""
        changed = state.changed
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await changed.wait()
