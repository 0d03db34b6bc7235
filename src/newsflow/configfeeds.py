"""The `[[feeds]]` list of a config: each feed's keys, name and URL checked, duplicates refused.

A config is a file others hand around (an OPML turned into `[[feeds]]`, a gist): what it holds
reaches error lines, logs and the terminal. So a value quoted in an error is cut to a readable
length (`shown`), and a URL past what servers accept is refused before any request.
"""

from __future__ import annotations

import ipaddress
import re
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from newsflow.configlines import did_you_mean, key_shown
from newsflow.credentials import has_credentials, url_without_credentials, without_credentials
from newsflow.errors import ConfigError
from newsflow.models import FeedConfig
from newsflow.urls import feed_key, fetch_problem

FEED_KEYS = {"name": str, "url": str, "tags": list, "enabled": bool}
_FEED_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # fullmatch: "$" would allow a final newline
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# HTTP servers refuse request lines past 8 KB (RFC 9110 asks them to take at least 8,000 octets): a
# longer feed URL fails every poll, and would be written into every fetch event and log line.
MAX_FEED_URL_CHARS = 8192
MAX_FEED_TAGS = 64  # tags of one feed
MAX_TAG_CHARS = 200
SHOWN_CHARS = 120  # of a value quoted in an error line


def shown(value: object) -> str:
    """`repr(value)`, cut to SHOWN_CHARS with its full length said: an error line stays one short line.
    A URL's `user:password@` is left out (newsflow.credentials): error lines end up in logs."""
    text = repr(without_credentials(value) if isinstance(value, str) else value)
    if len(text) <= SHOWN_CHARS:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str | list | dict) else f"{len(text):,} characters"
    return f"{text[:SHOWN_CHARS]}… ({size})"


def type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({"int": "an integer", "float": "a number", "str": "a string", "bool": "true or false",
                        "list": "a list"}[k.__name__] for k in kinds)


def no_feeds_warning(config_shown: str, text: str) -> str:
    """What a config of no feeds gets said at `run`, `serve` and `feeds`: such a config is valid (a run polls
    nothing, exit 0), and was silent, though it is nearly always an empty file (`touch`, a copy or a save that
    failed) or the wrong file, and a service left on it ingests nothing for months."""
    what = ("is empty (left by `touch`, or a copy or save that failed?)" if not text.strip()
            else "holds no [[feeds]]")
    return (f"{config_shown} {what}: a run polls no feed; add [[feeds]] tables (name and url) or run `newsflow "
            "feeds import FILE.opml`, or if your config is another file, pass --config PATH of it")


def read_feeds(items: Any) -> tuple[tuple[FeedConfig, ...], tuple[str, ...]]:
    """The feeds, and warnings: two URLs that differ only in a trailing slash or the case of their path
    (two feeds by the URL standard, and polled as two, but nearly always one feed, stored twice then)."""
    if not isinstance(items, list):
        raise ConfigError("feeds", "must be an array of tables, written [[feeds]]")
    feeds: list[FeedConfig] = []
    seen: set[str] = set()
    urls: dict[str, int] = {}
    loose: dict[str, int] = {}
    warnings: list[str] = []
    for index, item in enumerate(items):
        feed = read_feed(item, f"feeds[{index}]")
        if feed.name in seen:
            raise ConfigError(f"feeds[{index}].name", f"duplicate feed name {feed.name!r}; names must be unique")
        key = feed_key(feed.url)
        first = urls.setdefault(key, index)
        if first != index:
            raise ConfigError(f"feeds[{index}].url", f"{shown(feed.url)} is the feed of feeds[{first}] "
                              f"({feeds[first].name!r}, {shown(feeds[first].url)}) spelt another way; it would be "
                              "polled and stored twice: remove one of the two [[feeds]] entries")
        twin = loose.setdefault(loosely(key), index)
        if twin != index:
            warnings.append(f"feeds {feeds[twin].name!r} and {feed.name!r} differ only in a trailing slash or "
                            f"letter case ({shown(feeds[twin].url)}, {shown(feed.url)}): if the site serves one "
                            "feed at both, remove one, or its items are stored under both")
        if has_credentials(feed.url):
            warnings.append(f"feeds[{index}].url ({feed.name!r}) holds credentials (user:password@), which newsflow "
                            "never sends (a feed that needs them gets HTTP 401), stores nor shows: remove them")
        seen.add(feed.name)
        feeds.append(feed)
    return tuple(feeds), tuple(warnings)


def read_feed(item: Any, where: str) -> FeedConfig:
    if not isinstance(item, dict):
        raise ConfigError(where, "must be a table with name and url")
    for key, value in item.items():
        if key not in FEED_KEYS:
            raise ConfigError(f"{where}.{key_shown(key)}", f"unknown key; {did_you_mean(key, FEED_KEYS)}expected "
                              f"one of {sorted(FEED_KEYS)}")
        if not isinstance(value, FEED_KEYS[key]):
            raise ConfigError(f"{where}.{key}", f"expected {type_name(FEED_KEYS[key])}, got {shown(value)}")
    for key in ("name", "url"):
        if key not in item:
            raise ConfigError(f"{where}.{key}", "is required")
    # a space pasted around a URL (NBSP too): httpx refused a leading one, so the feed failed every poll as
    # invalid_url, for good, while the config check (which strips) had passed it; a trailing one was kept in feeds.url
    name, url = item["name"], item["url"].strip()
    if not _FEED_NAME.fullmatch(name):
        raise ConfigError(f"{where}.name", f"{shown(name)} must be letters, digits, '-', '_' or '.' (at most 100)")
    if len(url) > MAX_FEED_URL_CHARS:
        raise ConfigError(f"{where}.url", f"{_shown_url(url)} is longer than a feed URL may be "
                          f"({MAX_FEED_URL_CHARS:,} characters: servers refuse longer ones)")
    if (problem := fetch_problem(url)) is not None and "://" not in url and has_credentials(f"https://{url}"):
        problem = "no scheme, http:// or https://"  # not `scheme user:`, the user's name (review of Local 31)
    if problem is not None:
        raise ConfigError(f"{where}.url", f"{_shown_url(url)} cannot be fetched: {problem}{_meant(url)}")
    tags = item.get("tags", [])
    if not all(isinstance(t, str) and not CONTROL.search(t) for t in tags):
        raise ConfigError(f"{where}.tags", "must be a list of strings without control characters")
    # a feed's tags are rewritten into `feeds` at every run: a 10 MB tag or 100,000 of them, pasted or imported,
    # cost every run that much (local 20); real ones are words
    if len(tags) > MAX_FEED_TAGS:
        raise ConfigError(f"{where}.tags", f"has {len(tags):,} tags; a feed may have at most {MAX_FEED_TAGS}")
    if long := next((t for t in tags if len(t) > MAX_TAG_CHARS), None):
        raise ConfigError(f"{where}.tags", f"{shown(long)} is longer than a tag may be ({MAX_TAG_CHARS} characters)")
    return FeedConfig(name=name, url=url, tags=tuple(tags), enabled=item.get("enabled", True))


def _shown_url(url: str) -> str:
    """`shown(url)`; a URL without its scheme has its `user:password@` dropped too (`shown` finds one only after
    `://`): `user:secret@example.com/feed.xml` said `'user:secret@…'` (review of Local 31)."""
    if "://" in url or not has_credentials(f"https://{url}"):
        return shown(url)
    return shown(url_without_credentials(f"https://{url}").removeprefix("https://"))


def _meant(url: str) -> str:
    """The URL a refused one likely meant: a bare host (`example.com/feed.xml`) with its scheme, an IPv6 address
    in brackets (`http://2001:db8::1/feed` read as host `2001`, port `db8::1`)."""
    if "://" not in url and fetch_problem(f"https://{url}") is None and "." in url.split("/")[0]:
        return f"; did you mean {shown('https://' + url)}?"
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    with suppress(ValueError):
        if (address := ipaddress.ip_address(host)).version == 6 and address.scope_id:  # `fe80::1%eth0`
            return "; an IPv6 address with a zone (%…) cannot be fetched, bracketed or not: use the host's name"
        if address.version == 6:
            return f"; an IPv6 address is written in brackets: {shown(f'{scheme}://[{host}]{slash}{path}')}"
    return ""


def loosely(key: str) -> str:
    """A feed's canonical URL (`feed_key`) without its path's trailing slashes, its path in lower case:
    two feeds with one loose key are nearly always one feed spelt twice."""
    parts = urlsplit(key)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/").lower()))
