"""The address policy of outgoing connections (SSRF): which IP addresses may be connected to.

Pure functions over `ipaddress` values, no I/O: `is_blocked_address` and `blocked_reason` judge one
address against the IANA special-purpose ranges (every IPv4 range that is not ordinary public unicast,
every IPv6 address outside 2000::/3 and the special ranges inside it), after unwrapping an IPv4 address
embedded in an IPv6 one (`unwrap_embedded_ipv4`); `allowed_networks` let chosen ranges through
(`refusal_reason`). `refused_by_answer` tells a refusal caused by a host name's DNS answer (a captive
portal's) from one the URL itself asked for. `netguard.GuardedBackend` applies the policy where sockets
are opened, and re-exports these names.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


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


class BlockedAddressError(Exception):
    """The target resolved to an address the policy refuses. Passes through httpx unchanged."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host, self.address, self.reason = host, address, reason
        where = address if host == address else f"{host} resolves to {address}"
        super().__init__(f"refused: {where}, a {reason} address (block_private_networks)")


def is_public_address(address: str) -> bool:
    """Whether `address` is ordinary public unicast: one no network of this machine's own answers for."""
    try:
        return blocked_reason(ipaddress.ip_address(address)) is None
    except ValueError:
        return False


def refused_by_answer(error: BlockedAddressError) -> bool:
    """The refusal came from a host name's DNS answer that a captive portal or a DNS hijack could
    give (a private address for any name), not from the URL itself: an IP literal in any form
    getaddrinfo reads (`10.0.0.1`, `2130706433`), `localhost`, or a loopback answer is the URL's."""
    host = error.host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost") or _is_ip_literal(host):
        return False
    try:
        address = unwrap_embedded_ipv4(ipaddress.ip_address(error.address))
    except ValueError:  # a Unix socket path
        return False
    return not address.is_loopback


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            socket.inet_aton(host)
        except OSError:
            return False
    return True


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
    return refusal_reason(ipaddress.ip_address(ip) if isinstance(ip, str) else ip, allowed) is not None


def refusal_reason(ip: IPAddress, allowed: Sequence[IPNetwork]) -> str | None:
    candidates = {ip, unwrap_embedded_ipv4(ip)}
    if any(addr.version == net.version and addr in net for addr in candidates for net in allowed):
        return None
    return blocked_reason(ip)
