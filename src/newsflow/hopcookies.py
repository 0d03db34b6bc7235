"""Cookies kept along one fetch's redirect chain, and nowhere else.

Some sites answer a first visit with `302` to the same URL and a `Set-Cookie` (a consent or bot
check), and serve the page once the cookie comes back. Without cookies that is a redirect loop,
and the article was parked after three runs. Browsers and `curl -L -b ''` get the page.

Cookies live for one fetch call (its hops, and the retry after a Retry-After), per exact host:
nothing is shared between fetches, feeds or runs, so no site can follow us from page to page.
Only `name=value` is kept (attributes are ignored), and only printable ASCII without `;`, at most
`MAX_COOKIES_PER_HOST` cookies of at most `MAX_COOKIE_CHARS` each, so the header stays sendable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MAX_COOKIES_PER_HOST = 20
MAX_COOKIE_CHARS = 4096
_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_VALUE = re.compile(r'"?[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*"?')  # RFC 6265 cookie-octets


class HopCookies:
    def __init__(self) -> None:
        self._jar: dict[str, dict[str, str]] = {}

    def take(self, host: str, set_cookie_values: Iterable[str]) -> None:
        """Keep the `name=value` of each `Set-Cookie` value `host` sent; drop what cannot be sent back."""
        for line in set_cookie_values:
            name, sep, value = line.split(";", 1)[0].partition("=")
            name, value = name.strip(), value.strip()
            if not sep or not _NAME.fullmatch(name) or not _VALUE.fullmatch(value):
                continue
            if len(name) + len(value) > MAX_COOKIE_CHARS:
                continue
            cookies = self._jar.setdefault(host, {})
            if name in cookies or len(cookies) < MAX_COOKIES_PER_HOST:
                cookies[name] = value

    def headers_for(self, host: str, headers: Mapping[str, str]) -> dict[str, str]:
        """`headers`, plus a `Cookie` header when `host` set cookies earlier in the chain."""
        cookies = self._jar.get(host)
        if not cookies:
            return dict(headers)
        return {**headers, "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}

    def state_of(self, host: str) -> str:
        """What `host` will be sent: the same URL with other cookies is another visit, not a loop."""
        return repr(sorted(self._jar.get(host, {}).items()))
