"""Canonical article URLs: one spelling per article, so the same story from two feeds dedups.

Pure functions over strings; stdlib only. The rules, and why each one is safe, are in
`docs/urls.md`. In short, `canonicalize_url`:

- lower-cases the scheme and host, encodes an international host as punycode, drops a
  trailing dot on the host, any `user:password@`, a default port and the fragment; writes an
  IPv4 address given in any form the C library reads (`2130706433`, `0x7f.1`) dotted-decimal;
- normalises percent-encoding (upper-case hex, unreserved characters decoded, everything
  outside RFC 3986 encoded as UTF-8) and resolves `.` and `..` path segments;
- drops tracking query parameters (`TRACKING_PARAMS`, `TRACKING_PREFIXES`), sorts the rest
  by name (stable, so repeated names keep their order) and drops an empty `?`;
- keeps the path's trailing slash as it is: `/a` and `/a/` can be different pages;
- reads an AMP cache's or viewer's copy (`https://www-example-com.cdn.ampproject.org/c/s/example.com/x`,
  `https://www.google.com/amp/s/example.com/x`) as the publisher's URL it copies (`newsflow.ampcache`).

It is idempotent, and only accepts what `resolve_url` accepts: absolute http(s) URLs with a
valid host. Anything else raises `ValueError`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsflow.ampcache import publisher_url
from newsflow.hostnames import canonical_host, valid_host

MAX_URL_CHARS = 8192

# Query parameters that identify a campaign, a click or a reader, never the article.
# Compared case-insensitively (the Guardian's `CMP`, AT Internet's `xtor`).
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "li_fat_id", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi",
    "mkt_tok", "ref_src", "ref_url", "cmpid", "cmp", "ncid", "ocid", "smid", "xtor",
    "__twitter_impression", "oly_anon_id", "oly_enc_id", "vero_id", "wt_mc", "sr_share",
    # comScore and AT Internet, as the BBC uses them
    "ns_campaign", "ns_mchannel", "ns_source", "ns_linkname", "ns_fee",
    "at_medium", "at_campaign", "at_link", "at_link_id", "at_link_origin", "at_link_type",
    "at_format", "at_bbc_team", "at_ptr_name", "at_custom1", "at_custom2", "at_custom3", "at_custom4",
})
TRACKING_PREFIXES = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = _UNRESERVED | frozenset(_SUB_DELIMS + ":@/")
_QUERY_SAFE = _PATH_SAFE | frozenset("?")
_HEX = frozenset("0123456789abcdefABCDEF")


# Second-level labels under which a ccTLD sells names (bbc.co.uk, abc.net.au).
_GENERIC_SLDS = frozenset({"co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "mil"})
# Hosting suffixes where each subdomain is a different owner.
_SHARED_SUFFIXES = frozenset({
    "blogspot.com", "github.io", "wordpress.com", "substack.com", "medium.com", "tumblr.com",
    "herokuapp.com", "netlify.app", "pages.dev", "vercel.app", "appspot.com", "gitlab.io",
})


def resolve_url(href: str, base: str) -> str | None:
    """`href` made absolute against `base`, or None unless the result is a valid http(s) URL.

    Empty hrefs resolve to None rather than to the base: an entry with `<link></link>` does not
    point at the feed. javascript:, data:, file:, mailto: and other schemes give None.
    """
    href = href.strip()
    if not href or len(href) > MAX_URL_CHARS:
        return None
    try:
        joined = urljoin(base.strip(), href)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    return joined if _split_http(joined) is not None else None


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def fetch_problem(url: str) -> str | None:
    """Why `url` can never be fetched, decided with no I/O; None when it may be tried.

    Refused: a scheme other than http(s), no host, a control character, a port outside
    1-65535 or not a number, and anything `urlsplit` cannot read (e.g. `http://[`). The
    connection layer would otherwise fail on these in ways it does not expect (an
    out-of-range port raised OverflowError inside the socket call). Used by the fetcher for
    every URL and redirect, and by config validation for feed URLs.
    """
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return f"scheme {scheme + ':' if scheme else '(none)'} is not http or https"
    if not host:
        return "URL has no host"
    if _CONTROL.search(url.strip()):
        return "URL has a control character"
    if port == 0:
        return "port 0 is not a port one can connect to"
    if not valid_host(host):
        return f"host {host!r} is not a host name (a space or a character DNS cannot spell, or IDNA 2008 refuses it)"
    return None


def canonicalize_url(url: str) -> str:
    """The canonical spelling of an absolute http(s) URL (rules in the module docstring). A copy is unwrapped from
    the canonical spelling again until none is left: `https://www.google.com/%61mp/s/example.com/x` reads as a copy
    only once `%61` is `a` (or `/x/../amp/` is `/amp/`), so one pass gave a URL a second pass changed (fix F1)."""
    canonical = _canonical_spelling(url)
    while (publisher := publisher_of_copy(canonical)) != canonical:  # ends: each unwrap drops a cache's host
        canonical = _canonical_spelling(publisher)
    return canonical


def _canonical_spelling(url: str, *, former: bool = False) -> str:
    """`url` canonicalised, a copy unwrapped where it reads as one as written: one pass of `canonicalize_url`; by
    the rule before "Analyst 54" when `former` (no copy unwrapped, an IPv6 host as written)."""
    url = url if former else publisher_of_copy(url)
    parts = _split_http(url.strip(), compress_ipv6=not former)
    if parts is None:
        raise ValueError(f"not an absolute http(s) URL: {url[:200]!r}")
    scheme, host, port = parts
    split = urlsplit(url.strip())
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = remove_dot_segments(_normalize_percent(split.path, _PATH_SAFE)) or "/"
    query = _canonical_query(split.query)
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def former_canonical_url(url: str) -> str | None:
    """The canonical URL the rule before "Analyst 54" made of `url` when today's differs, else None: a copy on an
    AMP cache was keyed by the cache's URL, an IPv6 host as written (lower case). `warehouse.insert_entries` matches
    an entry by it too, so an item still in a feed after the upgrade is not stored a second time (fix F3)."""
    try:
        former = _canonical_spelling(url, former=True)
        return former if former != canonicalize_url(url) else None
    except ValueError:
        return None


def publisher_of_copy(url: str) -> str:
    """The publisher's URL when `url` is an AMP cache's or viewer's copy of it (`ampcache.publisher_url`) that names
    a valid http(s) URL, else `url`: what an entry fetches and is keyed by ("Analyst 54")."""
    publisher = publisher_url(url)
    return publisher if publisher is not None and _split_http(publisher.strip()) is not None else url


def fetched_url(url: str) -> str:
    """What an entry linking `url` fetches: the publisher's URL of a copy (`publisher_of_copy`); of a copy that reads
    as one only once canonical (`/%61mp/s/…`), the canonical URL, not the viewer's frame (fix F1)."""
    found = publisher_of_copy(url)
    try:
        canonical = canonicalize_url(url)
    except ValueError:
        return found
    return found if _canonical_spelling(found) == canonical else canonical


def feed_key(url: str) -> str:
    """What makes two feed URLs one feed: the canonical spelling (host case, default port, a
    trailing dot, percent-encoding, tracking parameters), or the URL as written when it has none."""
    try:
        return canonicalize_url(url)
    except ValueError:
        return url.strip()


def host_of(url: str) -> str:
    """The lower-case (punycode) host of an http(s) URL, without port; "" when there is none."""
    parts = _split_http(url.strip())
    return parts[1].strip("[]") if parts is not None else ""


MOBILE_LABELS = ("m", "mobile", "amp")
"""A first label that names an outlet's mobile or AMP edition (m.bbc.co.uk, amp.theguardian.com), not another
outlet: `outlet_of_host` folds it into the outlet (docs/search.md, "Analyst 53")."""


def _suffix_pattern() -> str:
    """What `site_of` takes for a public suffix, as a regex over a whole host: a generic second-level label under a
    two-character top-level one (`co.uk`, `com.au`, `ne.jp`), or a shared hosting suffix (`blogspot.com`)."""
    generic = "|".join(sorted(_GENERIC_SLDS))
    shared = "|".join(sorted(s.replace(".", r"\.") for s in _SHARED_SUFFIXES))
    return rf"(?:{generic})\.[^.][^.]|{shared}"  # no braces: search's SQL is a format string


_EDITION = f"(?:{'|'.join(MOBILE_LABELS)})"
OUTLET_PATTERN = rf"^(?:www\.)?(?:({_EDITION}\.(?:{_suffix_pattern()})$)|{_EDITION}\.([^.]*\.))?"
"""The rule as one regex, replaced by `\\1\\2` (search's SQL spells it so). Its first branch keeps an edition's label
whose rest is a public suffix (`m.co.uk`, `amp.blogspot.com`: "Analyst 54"), before the second branch can drop it;
RE2 tries the branches in order, and the first matches the whole host or nothing. The macro `outlet_of_host` spells
the rule as `EDITION_FOLD` then `SUFFIX_PATTERN` instead ("Analyst 55": this regex took 2.2x the fold's time)."""
EDITION_FOLD = rf"^(?:www\.)?(?:{_EDITION}\.([^.]*\.))?"
"""The fold as before "Analyst 54", replaced by `\\1`: `www.` and an edition's label go, whatever is left."""
SUFFIX_PATTERN = rf"^(?:{_suffix_pattern()})$"
"""A whole name that is a public suffix as `site_of` reads it: when `EDITION_FOLD` left one, the edition stays."""
SUFFIX_CHARS = max(len(name) for name in (*_SHARED_SUFFIXES, *(f"{label}.xx" for label in _GENERIC_SLDS)))
"""The longest public suffix `SUFFIX_PATTERN` takes: a longer name is none, with no regex asked (13)."""


def outlet_of_host(host: str) -> str:
    """The outlet a lower-case host is (warehouse/views/_outlets.sql's macro `outlet_of_host`, spelt again here and
    in search's SQL; tests/test_outlets53.py and test_outlets54.py check the three agree): the host less a leading
    "www.", then less a leading "m.", "mobile." or "amp." when what is left is still longer than its registrable
    domain's suffix as `site_of` reads it. `m.example` is a registrable name of its own (the rest, `example`, would
    be a top-level domain) and stays whole, as `m.co.uk`, `amp.com.au` and `m.blogspot.com` do ("Analyst 54": they
    were `co.uk`, `com.au` and `blogspot.com`); an IP address never starts so."""
    host = host.removeprefix("www.")
    label, _, rest = host.partition(".")
    return rest if label in MOBILE_LABELS and "." in rest and not _public_suffix(rest) else host


def _public_suffix(name: str) -> bool:
    """Whether `name` is a whole public suffix as `site_of` reads one: `site_of(edition + "." + name) == that host`
    exactly when this holds ("Analyst 55": `site_of` per edition host took `outlet_of_host` to 2.3x its time)."""
    if len(name) > SUFFIX_CHARS:
        return False
    if name in _SHARED_SUFFIXES:
        return True
    label, _, top = name.partition(".")
    return label in _GENERIC_SLDS and len(top) == 2 and "." not in top


def loop_key(url: str) -> str:
    """What makes a redirect's target the URL it came from: the scheme and host in one spelling (case, a trailing
    dot, punycode, a number's dotted quad), the default port dropped, no fragment; the path and query as written
    (a redirect adding `?utm_source=…` goes somewhere). A URL with no such parts is its own key, fragment
    dropped. Before (red team 40b), `http://127.0.0.1.:8080/p` from `http://127.0.0.1:8080/p` was followed once."""
    parts = _split_http(url.strip())
    if parts is None:
        return url.split("#", 1)[0]
    scheme, host, port = parts
    rest = url.split("#", 1)[0].split("//", 1)[1]
    after_host = rest[len(rest.split("/", 1)[0].split("?", 1)[0]):]
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return f"{scheme}://{netloc}{after_host or '/'}"


def host_key(host: str) -> str:
    """One spelling per host name: punycode, lower-case, no trailing dot, a dotted quad for an IPv4 address;
    `host` itself when it is no valid name. What the host gate keys its turns and pauses by."""
    return (canonical_host(host) or host).strip("[]") if host else host


def prefer_page_canonical(entry_canonical: str, page_canonical: str | None) -> str:
    """The page's own `<link rel=canonical>` when it is http(s) and on the same site, else the entry's.

    The page's value may be relative; it is resolved against the entry URL. "Same site" means
    the same registrable-ish domain (`site_of`): a page may move its article from
    rss.example.com to www.example.com, but may not claim an article on another site.
    """
    if not page_canonical:
        return entry_canonical
    resolved = resolve_url(page_canonical, entry_canonical)
    if resolved is None or site_of(host_of(resolved)) != site_of(host_of(entry_canonical)):
        return entry_canonical
    return canonicalize_url(resolved)


def site_of(host: str) -> str:
    """A stdlib approximation of the registrable domain (no public-suffix list).

    The last two labels, or three under a ccTLD's generic second level (bbc.co.uk), and one
    more under a shared hosting suffix (alice.github.io). IP addresses are their own site.
    """
    if not host or ":" in host or host.replace(".", "").isdigit():
        return host
    labels = host.split(".")
    count = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GENERIC_SLDS else 2
    if ".".join(labels[-count:]) in _SHARED_SUFFIXES:
        count += 1
    return ".".join(labels[-count:])


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: resolve `.` and `..` segments; `..` never climbs above the root."""
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output)


def _split_http(url: str, *, compress_ipv6: bool = True) -> tuple[str, str, int | None] | None:
    """(scheme, canonical host, port) of a valid absolute http(s) URL, else None; an IPv6 host as written (lower
    case) unless `compress_ipv6` (the rule before "Analyst 54": `former_canonical_url`)."""
    if len(url) > MAX_URL_CHARS:
        return None
    try:
        split = urlsplit(url)
        scheme = split.scheme.lower()
        port = split.port
        raw_host = split.hostname
    except ValueError:  # bad port, bad IPv6 literal
        return None
    if scheme not in _DEFAULT_PORTS or not raw_host or "\\" in split.netloc:
        return None
    host = canonical_host(raw_host, compress_ipv6=compress_ipv6)
    return (scheme, host, port) if host is not None else None


def _canonical_query(query: str) -> str:
    params = [_normalize_percent(p, _QUERY_SAFE) for p in query.split("&") if p]
    kept = [p for p in params if not _is_tracking(p.partition("=")[0])]
    kept.sort(key=lambda p: p.partition("=")[0])
    return "&".join(kept)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _normalize_percent(text: str, safe: frozenset[str]) -> str:
    """Upper-case `%xx`, decode unreserved characters, encode what is not `safe` as UTF-8."""
    out: list[str] = []
    position = 0
    for escape in _PERCENT_ESCAPE.finditer(text):
        decoded = chr(int(escape.group(1), 16))
        out += [_encoded(text[position:escape.start()], safe),
                decoded if decoded in _UNRESERVED else escape.group(0).upper()]
        position = escape.end()
    out.append(_encoded(text[position:], safe))
    return "".join(out)


_PERCENT_ESCAPE = re.compile(r"%([0-9a-fA-F]{2})")
_BYTE_SPELLINGS: dict[frozenset[str], list[str]] = {}
"""For each set of safe characters, how each byte is written: itself if safe, else `%XX`. Red team 39b: a Python
step a character made 100 links of 6,000 `é`s (under MAX_URL_CHARS) cost 6.7x a plain feed; a `map` over the
bytes is a C loop."""


def _encoded(run: str, safe: frozenset[str]) -> str:
    if safe.issuperset(run):
        return run
    spellings = _BYTE_SPELLINGS.get(safe)
    if spellings is None:
        spellings = _BYTE_SPELLINGS[safe] = [
            chr(byte) if byte < 0x80 and chr(byte) in safe else f"%{byte:02X}" for byte in range(256)]
    return "".join(map(spellings.__getitem__, run.encode("utf-8", "surrogatepass")))


def page_canonical_url(found: str | None, fetched: str, tree: Any) -> str | None:
    """The page's own URL for itself, or None.

    trafilatura takes og:url, then twitter:url, <link rel=canonical>, <base href>, <link
    rel=alternate hreflang=x-default>, and falls back to the URL we pass; that fallback says nothing
    about the page. Neither does a `<base href>` (where relative links resolve: a template's site
    root) nor a site's home page named for an article that is not one: every article of such a site
    would get one canonical URL and be stored as one article (docs/extraction.md, "Eighth pass"; moved
    from newsflow.extract, speed18)."""
    if not found or found == fetched:
        return None
    if _is_site_root(found) and not _is_site_root(fetched):
        return None
    head = tree.find("head")
    base = head.find(".//base[@href]") if head is not None else None
    if base is not None and _same_url(found, urljoin(fetched, base.get("href", ""))):
        return None
    return found


def _is_site_root(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _same_url(first: str, second: str) -> bool:
    return first.rstrip("/").casefold() == second.rstrip("/").casefold()
