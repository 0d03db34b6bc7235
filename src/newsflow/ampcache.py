"""A copy of a page on an AMP cache, read as the publisher's URL it copies (docs/urls.md, "AMP cache copies";
docs/search.md, "Analyst 54").

Google News and aggregators' feeds link a publisher's article through Google's AMP cache or viewer:

    https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/x    (a document; /v/: the viewer)
    https://www.google.com/amp/s/www.example.com/news/x                      (Google's viewer)
    https://www-example-com.bing-amp.com/c/s/www.example.com/news/x          (Bing's cache)

`/s/` says the publisher's URL is https; without it, http. Such a URL names another host than the publisher's, so it
was stored under the cache's URL and outlet (`cdn.ampproject.org`'s subdomain, `google.com`), and never merged with
the publisher's own link to the article (the page's `rel=canonical` names the publisher, another site, which
`urls.prefer_page_canonical` refuses). `publisher_url` gives the publisher's URL: `urls.canonicalize_url` keys the
article by it, and the entry fetches it (Google's viewer serves a frame, not the article). The cache's own query
parameters (`amp_js_v`, `usqp`...) go; the publisher's stay. Pure, stdlib only.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_CACHE_HOST = re.compile(r"(?:[a-z0-9-]+\.)?(?:cdn\.ampproject\.org|bing-amp\.com)")
# The publisher's host: a name with a dot, or an IPv6 literal (so `/amp/s/` alone names no host `s`).
_PUBLISHER = r"((?:\[[^\]/]*\](?::[0-9]*)?|[^/?#\[]*\.[^/?#]*)(?:/.*)?)"
_CACHE_PATH = re.compile(r"/[cv]/(s/)?" + _PUBLISHER, re.DOTALL)
_GOOGLE_HOST = re.compile(r"(?:www\.)?google\.(?:com|co\.[a-z]{2}|com\.[a-z]{2}|[a-z]{2})")
_GOOGLE_PATH = re.compile(r"/amp/(s/)?" + _PUBLISHER, re.DOTALL)
CACHE_PARAMS = frozenset({"amp_js_v", "_js_v", "usqp", "amp_gsa", "amp_ct", "amp_tf", "ampshare",
                          "__amp_source_origin"})
"""Query parameters the AMP cache or viewer adds to a copy's URL: never the publisher's."""


def publisher_url(url: str) -> str | None:
    """The publisher's URL an AMP cache or viewer URL copies, unwrapped as often as it nests; None for any other URL
    (or a copy naming no publisher's host)."""
    found = None
    while (inner := _unwrapped_once(found or url)) is not None:  # ends: each unwrap cuts the cache's host and path
        found = inner
    return found


def _unwrapped_once(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    path = _CACHE_PATH.fullmatch(parts.path) if _CACHE_HOST.fullmatch(host) else None
    if path is None and _GOOGLE_HOST.fullmatch(host):
        path = _GOOGLE_PATH.fullmatch(parts.path)
    if path is None:
        return None
    query = "&".join(p for p in parts.query.split("&") if p and p.partition("=")[0].lower() not in CACHE_PARAMS)
    scheme = "https" if path.group(1) else "http"
    return f"{scheme}://{path.group(2)}" + (f"?{query}" if query else "")
