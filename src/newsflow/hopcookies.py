"""Cookies kept along one fetch's redirect chain, and nowhere else.

Some sites answer a first visit with `302` to the same URL and a `Set-Cookie` (a consent or bot
check), and serve the page once the cookie comes back. Without cookies that is a redirect loop,
and the article was parked after three runs. Browsers and `curl -L -b ''` get the page.

Cookies live for one fetch call (its hops, and the retry after a Retry-After), per exact host:
nothing is shared between fetches, feeds or runs, so no site can follow us from page to page.
Only `name=value` is kept, with one attribute: `Domain`, so a consent page on another host of the
site (`consent.example.com` setting `Domain=example.com`, then sending the reader back to
`www.example.com`) is answered as browsers answer it; before, every such article was a redirect loop,
parked after three runs (red team 22). A `Domain` is kept only when it is the setting host or a
domain above it within its registrable domain (the public-suffix list's, bounded by
`urls.site_of`: never `com`, `co.uk` nor a hosting suffix such as `cloudfront.net`; an address
names no other host), so no cookie reaches another site (review of red team 22). Other
attributes are ignored. Only printable ASCII without `;`, at most `MAX_COOKIES_PER_HOST` cookies of at most
`MAX_COOKIE_CHARS` each, so the header stays sendable.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from collections.abc import Iterable, Mapping

from newsflow.urls import site_of

MAX_COOKIES_PER_HOST = 20
MAX_COOKIE_CHARS = 4096
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(r'"?[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"?')  # RFC 6265 cookie-octets


class HopCookies:
    def __init__(self) -> None:
        self._jar: dict[str, dict[str, str]] = {}

    def take(self, host: str, set_cookie_values: Iterable[str]) -> None:
        """Keep the `name=value` of each `Set-Cookie` value `host` sent, for `host` or the `Domain` it names;
        drop what cannot be sent back."""
        for line in set_cookie_values:
            pair, _, attributes = line.partition(";")
            name, sep, value = pair.partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not _NAME.fullmatch(name) or not _VALUE.fullmatch(value):
                continue
            if len(name) + len(value) > MAX_COOKIE_CHARS:
                continue
            cookies = self._jar.setdefault(_scope(host, attributes), {})
            if name in cookies or len(cookies) < MAX_COOKIES_PER_HOST:
                cookies[name] = value

    def headers_for(self, host: str, headers: Mapping[str, str]) -> dict[str, str]:
        """`headers`, plus a `Cookie` header when cookies for `host` were set earlier in the chain."""
        cookies = self._cookies_for(host)
        if not cookies:
            return dict(headers)
        return {**headers, "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}

    def state_of(self, host: str) -> str:
        """What `host` will be sent: the same URL with other cookies is another visit, not a loop."""
        return repr(sorted(self._cookies_for(host).items()))

    def _cookies_for(self, host: str) -> dict[str, str]:
        """The host's own cookies, and those of each `Domain` (a scope starting with a dot) it is in."""
        found: dict[str, str] = {}
        for scope, cookies in self._jar.items():
            if scope == host or (scope.startswith(".") and (host == scope[1:] or host.endswith(scope))):
                found.update(cookies)
        return found


def _scope(host: str, attributes: str) -> str:
    """`.domain` for a cookie whose `Domain` is `host` or a domain above it within its site; else `host`."""
    for attribute in attributes.split(";"):
        key, _, value = attribute.partition("=")
        if key.strip().lower() != "domain":
            continue
        domain, site = value.strip().lstrip(".").lower(), _registrable(host)
        within_site = site is not None and (domain == site or domain.endswith("." + site))
        if domain and within_site and (host == domain or host.endswith("." + domain)):
            return "." + domain
    return host


@functools.lru_cache(maxsize=1024)  # asked once per cookie naming a Domain: 3,000 in one answer held the loop 0.5 s
def _registrable(host: str) -> str | None:
    """The host's registrable domain, the narrower of the public-suffix list's (private suffixes such as
    `cloudfront.net` or `s3.amazonaws.com` included, where each name is another owner's site) and
    `urls.site_of`'s guess; `site_of`'s alone for a top-level name the list does not know (`.test`, as
    browsers read one). None for an address or a public suffix itself: no other host shares its site."""
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host.strip("[]"))
        return None
    from tld import get_fld, get_tld  # only when a Domain is named: reading its list takes ~0.3 s, once

    try:
        suffix, listed = get_tld(host, fix_protocol=True, fail_silently=True), get_fld(host, fix_protocol=True,
                                                                                          fail_silently=True)
    except Exception:  # a name the list's parser cannot take: no Domain is honoured for it
        return None
    guessed = site_of(host)
    if suffix is None:
        return guessed
    if not isinstance(listed, str) or host == suffix:
        return None
    return listed if listed.count(".") > guessed.count(".") else guessed
