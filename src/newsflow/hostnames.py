"""One spelling of a URL's host: lower case, punycode (IDNA 2008), no trailing dot, an IPv4 address dotted-decimal
however the C library reads it, an IPv6 address compressed (RFC 5952). Split out of `newsflow.urls` (which applies it
to whole URLs) in the review of "Analyst 54"; the only module that imports `idna`. Pure, no I/O.
"""

from __future__ import annotations

import ipaddress
import re
import socket

import idna

_HOST_CHARS = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")


def valid_host(host: str) -> bool:
    """A host the fetcher can connect to: letters, digits, `-` and `_` in dot-separated labels (an
    IP literal too), and, beyond ASCII, a name IDNA 2008 spells, as httpx requires (`http://☃.net/`
    passes the older IDNA 2003 that Python's own codec follows, and failed every request)."""
    if ":" in host:  # an IPv6 literal; urlsplit checked its brackets
        return canonical_host(host) is not None
    if host.isascii():  # labels too long for DNS are left to the resolver (`dns_error`)
        return _HOST_CHARS.fullmatch(host.lower().rstrip(".")) is not None
    try:
        idna.encode(host.lower().rstrip("."))
    except (idna.IDNAError, UnicodeError, ValueError):
        return False
    return True


def canonical_host(raw_host: str, *, compress_ipv6: bool = True) -> str | None:
    """`raw_host` (as `urlsplit` reads it) in its one spelling, None when it is no host name; an IPv6 literal in
    brackets, as written (lower case) unless `compress_ipv6` (the rule before "Analyst 54")."""
    if ":" in raw_host:  # an IPv6 literal; urlsplit already checked the brackets
        if not re.fullmatch(r"[0-9a-f:.]+", raw_host.lower()):
            return None
        return f"[{_compressed_ipv6(raw_host) if compress_ipv6 else raw_host.lower()}]"
    host = raw_host[:-1] if raw_host.endswith(".") else raw_host
    try:
        ascii_host = host.lower() if host.isascii() else _idna_2008(host)
    except (UnicodeError, ValueError):
        return None
    if not _HOST_CHARS.fullmatch(ascii_host):
        return None
    return _dotted_quad(ascii_host) or ascii_host


def _compressed_ipv6(address: str) -> str:
    """An IPv6 address in its one spelling (RFC 5952 as WHATWG's URL writer writes it: lower case, no leading zeros,
    the longest run of two or more zero groups, the first of equals, as `::`, an embedded IPv4 address in hex):
    `2001:0DB8:0:0:0:0:0:1` is `2001:db8::1`, `::ffff:127.0.0.1` is `::ffff:7f00:1`. Before "Analyst 54" each
    spelling was its own host, so one outlet counted twice and its article stored once per spelling. Written here,
    not by `IPv6Address.compressed`, which writes a mapped IPv4 address dotted from Python 3.13 (fix F2). Not an
    address (`1:2:3`): as written, lower case."""
    try:
        packed = ipaddress.IPv6Address(address).packed
    except ValueError:
        return address.lower()
    groups = [f"{packed[i] << 8 | packed[i + 1]:x}" for i in range(0, 16, 2)]
    runs = [(start, end - start) for start in range(8) for end in range(start + 2, 9)
            if all(g == "0" for g in groups[start:end])]
    if not runs:
        return ":".join(groups)
    start, length = max(runs, key=lambda run: (run[1], -run[0]))
    return ":".join(groups[:start]) + "::" + ":".join(groups[start + length:])


def _idna_2008(host: str) -> str:
    """`host` in punycode as httpx spells it for the request (IDNA 2008, lower-cased first), so an article's key
    names the host it was fetched from. Python's codec follows IDNA 2003, which maps `ß` to `ss` and a final
    sigma to a medial one: `http://faß.example/` was keyed (and stored, and deduplicated) as
    `http://fass.example/`, another registrant's domain (red team 44). A name IDNA 2008 refuses (`☃.net`) keeps
    its IDNA 2003 spelling, as before: the fetcher refuses it (`fetch_problem`)."""
    try:
        return idna.encode(host.lower()).decode("ascii")
    except idna.IDNAError:
        return host.encode("idna").decode("ascii").lower()


_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}")


def _dotted_quad(host: str) -> str | None:
    """An IPv4 address written as the C library reads it (`2130706433`, `0x7f.1`, `017700000001`,
    `127.1`) in its one dotted-decimal spelling, as the resolver and the address guard read it;
    None for a name or for numbers that are no address."""
    if not _NUMERIC_HOST.fullmatch(host):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def address_with_trailing_dot(host: str) -> str | None:
    """The IPv4 address `host` names when it is one written with a trailing dot (`1.2.3.4.`, `0x7f.1.`),
    as the WHATWG URL parser (every browser) reads it; else None. getaddrinfo reads no number with a dot
    after it, so such a `Location` was a `dns_error` (red team 24)."""
    if not host.endswith(".") or host.endswith(".."):
        return None
    return _dotted_quad(host[:-1].lower())
