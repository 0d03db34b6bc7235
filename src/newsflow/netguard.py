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
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""Async `(host, port) -> IP address strings`. Raise `NameResolutionError` when there is none."""

ALLOWED_SCHEMES = ("http", "https")

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
    """Why `url` may not be fetched at all (scheme, missing host), decided with no I/O."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return f"scheme {scheme + ':' if scheme else '(none)'} is not http or https"
    if not host:
        return "URL has no host"
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the OS resolver (getaddrinfo), off the event loop thread."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NameResolutionError(f"cannot resolve {host}: {exc.strerror}") from exc
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


# --- pacing ---------------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date); None if absent or bad."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HostGate:
    """Global and per-host concurrency, spacing between request starts, Retry-After pauses."""

    @dataclass
    class _Host:
        slots: asyncio.Semaphore
        turn: asyncio.Lock = field(default_factory=asyncio.Lock)
        next_start: float = 0.0
        paused_until: float = 0.0

    def __init__(self, concurrency: int, per_host_concurrency: int, per_host_delay: float) -> None:
        self._global = asyncio.Semaphore(concurrency)
        self._per_host = per_host_concurrency
        self._delay = per_host_delay
        self._hosts: dict[str, HostGate._Host] = {}

    def _host(self, host: str) -> HostGate._Host:
        if host not in self._hosts:
            self._hosts[host] = HostGate._Host(asyncio.Semaphore(self._per_host))
        return self._hosts[host]

    def pause(self, host: str, seconds: float) -> None:
        """Start nothing to `host` for `seconds` (the server sent Retry-After)."""
        state = self._host(host)
        state.paused_until = max(state.paused_until, time.monotonic() + seconds)

    def pause_remaining(self, host: str) -> float:
        return max(0.0, self._host(host).paused_until - time.monotonic())

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one global and one per-host slot; entered no sooner than the host's next start."""
        state = self._host(host)
        async with state.slots:
            await self._take_turn(state)
            try:
                yield
            finally:
                self._global.release()

    async def _take_turn(self, state: HostGate._Host) -> None:
        # Waiting for the host's turn happens before taking a global slot, so a slow or paused
        # host holds at most one waiting request, not a share of the global limit.
        async with state.turn:
            while (wait := max(state.next_start, state.paused_until) - time.monotonic()) > 0:
                await asyncio.sleep(wait)
            await self._global.acquire()
            state.next_start = time.monotonic() + self._delay
