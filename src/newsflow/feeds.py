"""Parse stage: feed bytes in, a `ParsedFeed` of clean `FeedEntry` values out.

This is the only module that imports feedparser. It never lets feedparser do I/O: it hands
it bytes and the response headers, never a string, which feedparser would open as a path
or fetch as a URL.

Before feedparser sees them the bytes go through `feedprep`: gzip left packed by the server
is unpacked, UTF-16/32 is transcoded, feedparser's own encoding detection turns the rest
into UTF-8, and every DOCTYPE is removed, so no entity can expand or be fetched (see
`feedprep` for why feedparser 6.0.14 needs that).

JSON Feed (jsonfeed.org 1.0 and 1.1), which feedparser does not read, is parsed here with
`json`.

Entries:
- `key` is the GUID (RSS `<guid>`, Atom `<id>`, JSON Feed `id`); without one, the entry's
  canonical URL. Entries without an http(s) link are dropped (javascript:, data:, file:
  links included). An entry is identified by its key *and* its canonical URL: a feed that
  gives several items one GUID (some CMSs do) keeps each item whose link differs; a later
  item repeating both is dropped.
- At most `max_entries` entries are kept, newest first (by date; undated ones after the
  dated, in feed order), so one poll's work and memory are bounded whatever the feed holds.
  A JSON Feed's items are cut to that many before any entry is built.
- `url` is the link made absolute against `xml:base` and the feed URL; `canonical_url` is
  `urls.canonicalize_url(url)`.
- `published_at` is the published date, else the updated date, in UTC. A date before
  1990 or more than a day in the future is a publisher's bug, not a fact: it becomes None,
  so it cannot pin an entry to the top or the bottom of a time-ordered listing.
  `published_date` is that date's day in the UTC offset the feed wrote it with (the
  publisher's local day: "Sat, 07 May 2022 20:06:23 -0500" is the 7th, though the instant
  is on the 8th in UTC); the UTC day when the feed gives no offset.
- `title` is plain text on one line; `summary` plain text, truncated to `MAX_SUMMARY_CHARS`.
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8

from newsflow.dates import parse_local
from newsflow.errors import FeedParseError
from newsflow.feedprep import gunzip_if_gzip, neutralize_doctype, prepare_xml_bytes
from newsflow.models import FeedEntry, ParsedFeed
from newsflow.urls import canonicalize_url, resolve_url

MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 2000
MAX_KEY_CHARS = 2048
EARLIEST_PLAUSIBLE_DATE = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)

_SYNDICATION_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000, "yearly": 31536000}
_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/")
_HTML_PAGE = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_BOZO_IGNORED = ("NonXMLContentType",)  # a wrong Content-Type is the server's label, not the feed's shape


def parse_feed(
    body: bytes,
    *,
    feed_id: str,
    feed_url: str,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
    max_entries: int | None = None,
) -> ParsedFeed:
    """Parse one fetched feed. Raises `FeedParseError` for an empty body, an HTML page or garbage.

    An ill-formed feed whose entries can be recovered is returned with `bozo` set and the
    reason in `bozo_reason`. `now` (default: the current time) bounds plausible dates.
    `max_entries` keeps that many entries, the newest.
    """
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    context = _EntryContext(feed_id, feed_url, now or datetime.now(UTC), max_entries)
    try:
        body = gunzip_if_gzip(body)
    except ValueError as error:
        raise context.error(str(error)) from error
    if not body.strip():
        raise context.error("empty body")
    if _looks_like_json(body, lowered):
        return _parse_json_feed(body, context)
    return _parse_xml_feed(body, lowered, context)


@dataclass(frozen=True)
class _EntryContext:
    feed_id: str
    feed_url: str
    now: datetime
    max_entries: int | None = None

    def error(self, what: str) -> FeedParseError:
        return _parse_error(self.feed_id, self.feed_url, what)


def _parse_error(feed_id: str, feed_url: str, what: str) -> FeedParseError:
    return FeedParseError(f"feed {feed_id} ({feed_url}): {_one_line(what, 300)}")


# --- XML: RSS, Atom, RDF ------------------------------------------------------------------


def _parse_xml_feed(body: bytes, headers: dict[str, str], context: _EntryContext) -> ParsedFeed:
    encoding_result: dict[str, Any] = {}
    prepared, headers = prepare_xml_bytes(body, headers)
    try:  # feedparser's own detection (HTTP charset, BOM, declaration, fallbacks), pinned at 6.0.14
        utf8 = convert_to_utf8(headers, prepared, encoding_result)
    except Exception as error:  # e.g. a declared codec whose decoder raises a bare UnicodeError
        raise context.error(f"undecodable body: {type(error).__name__}: {error}") from error
    safe = neutralize_doctype(utf8)
    parsed = _run_feedparser(safe, headers, context)
    if not parsed.get("version") and not parsed.entries:
        raise context.error(_why_not_a_feed(utf8, parsed))
    bozo_reasons = [_bozo_reason(result) for result in (encoding_result, parsed)]
    reasons = [reason for reason in bozo_reasons if reason]
    return ParsedFeed(
        title=clean_title(parsed.feed.get("title")),
        entries=_newest(_unique_entries(_xml_entry(raw, context) for raw in parsed.entries), context.max_entries),
        bozo=bool(reasons),
        bozo_reason=_one_line("; ".join(reasons), 300) if reasons else None,
        ttl_seconds=_ttl_seconds(parsed.feed.get("ttl")),
        update_period_seconds=_update_period_seconds(
            parsed.feed.get("sy_updateperiod"), parsed.feed.get("sy_updatefrequency")
        ),
    )


def _run_feedparser(utf8: bytes, headers: Mapping[str, str], context: _EntryContext) -> Any:
    # The bytes are UTF-8 now, so say so. No Content-Location: feedparser would resolve
    # GUIDs against it too (GUID "123" becoming a URL); links are resolved in `_xml_entry_url`.
    response_headers = {"content-type": "application/xml; charset=utf-8"}
    if "content-language" in headers:
        response_headers["content-language"] = headers["content-language"]
    try:
        return feedparser.parse(utf8, response_headers=response_headers)
    except Exception as error:  # untrusted input must be an outcome, never a crash
        raise context.error(f"feedparser failed: {type(error).__name__}: {error}") from error


def _why_not_a_feed(utf8: bytes, parsed: Any) -> str:
    if _HTML_PAGE.search(utf8[:4096]):
        return "an HTML page, not a feed"
    if parsed.get("bozo"):
        return f"not a feed: {_bozo_reason(parsed)}"
    return "no RSS, Atom or RDF root element"


def _bozo_reason(result: Mapping[str, Any]) -> str | None:
    error = result.get("bozo_exception")
    if not result.get("bozo") or error is None or type(error).__name__ in _BOZO_IGNORED:
        return None
    return f"{type(error).__name__}: {error}"


def _xml_entry(raw: Any, context: _EntryContext) -> FeedEntry | None:
    url = _xml_entry_url(raw, context.feed_url)
    if url is None:
        return None
    summary_html = raw.get("summary") or _first_content(raw.get("content"))
    field = "published" if raw.get("published_parsed") else "updated"
    return _make_entry(
        context,
        guid=raw.get("id"),
        url=url,
        title=raw.get("title"),
        summary_html=summary_html,
        published_at=_in_feed_offset(_struct_time_utc(raw.get(f"{field}_parsed")), raw.get(field)),
    )


def _xml_entry_url(raw: Any, feed_url: str) -> str | None:
    candidates = [raw.get("link")]
    candidates += [link.get("href") for link in raw.get("links") or () if link.get("rel") == "alternate"]
    for candidate in candidates:
        if isinstance(candidate, str) and (url := resolve_url(candidate, feed_url)):
            return url
    guid = raw.get("id")  # an Atom id or RSS guid that is an absolute URL stands in for the link
    return resolve_url(guid, "") if isinstance(guid, str) else None


def _first_content(contents: Any) -> str | None:
    for content in contents or ():
        value = content.get("value")
        if isinstance(value, str) and value.strip():
            return value
    return None


def _struct_time_utc(parsed_time: Any) -> datetime | None:
    if not parsed_time:
        return None
    try:
        year, month, day, hour, minute, second = parsed_time[:6]
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _in_feed_offset(instant: datetime | None, written: Any) -> datetime | None:
    """feedparser's UTC instant in the offset the feed wrote it with, when the feed's own text
    parses (RFC 822 or ISO 8601) to that same instant; else the UTC instant as it is.

    feedparser gives only UTC (`published_parsed`), which loses the publisher's day."""
    local = parse_local(written) if isinstance(written, str) else None
    if instant is None or local is None or local.replace(microsecond=0) != instant:
        return instant
    return local.replace(microsecond=0)


def _ttl_seconds(ttl: Any) -> int | None:
    minutes = _positive_int(ttl)
    return minutes * 60 if minutes else None


def _update_period_seconds(period: Any, frequency: Any) -> int | None:
    if not isinstance(period, str) or period.strip().lower() not in _SYNDICATION_PERIODS:
        return None
    times = _positive_int(frequency) or 1
    return max(1, _SYNDICATION_PERIODS[period.strip().lower()] // times)


def _positive_int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 0 < number < 10**7 else None


# --- JSON Feed ----------------------------------------------------------------------------


def _looks_like_json(body: bytes, headers: Mapping[str, str]) -> bool:
    """The first character decides; only when it is neither `{` nor `<` does the Content-Type."""
    first = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"{", b"<"):
        return first == b"{"
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type in ("application/feed+json", "application/json")


def _parse_json_feed(body: bytes, context: _EntryContext) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise context.error(f"invalid JSON: {error}") from error
    if not _is_json_feed(document):
        raise context.error("JSON but not a JSON Feed (no jsonfeed.org version and no items)")
    items = _newest_items([item for item in document.get("items") if isinstance(item, dict)], context.max_entries)
    entries = _unique_entries(_json_entry(item, context) for item in items)
    return ParsedFeed(title=clean_title(_str_or_none(document.get("title"))),
                      entries=_newest(entries, context.max_entries))


def _newest_items(items: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    """The `limit` newest JSON Feed items, in feed order, before any entry is built from them."""
    if limit is None or len(items) <= limit:
        return items
    dates = [_json_datetime(item.get("date_published") or item.get("date_modified")) for item in items]
    chosen = heapq.nsmallest(limit, range(len(items)), key=lambda i: _newest_first(dates[i], i))
    return [items[i] for i in sorted(chosen)]


def _is_json_feed(document: Any) -> bool:
    """jsonfeed.org 1.0/1.1 by its version URL; an object with `items` and no version is accepted too."""
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return False
    version = document.get("version")
    return version is None or (isinstance(version, str) and bool(_JSON_FEED_VERSION.match(version)))


def _json_entry(item: Mapping[str, Any], context: _EntryContext) -> FeedEntry | None:
    url = _json_item_url(item, context.feed_url)
    if url is None:
        return None
    summary = item.get("summary") or item.get("content_text") or item.get("content_html")
    guid = item.get("id")
    return _make_entry(
        context,
        guid=str(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else None,
        url=url,
        title=_str_or_none(item.get("title")),
        summary_html=_str_or_none(summary),
        published_at=_json_local(item.get("date_published") or item.get("date_modified")),
    )


def _json_item_url(item: Mapping[str, Any], feed_url: str) -> str | None:
    for candidate in (item.get("url"), item.get("external_url")):
        if isinstance(candidate, str) and (url := resolve_url(candidate, feed_url)):
            return url
    guid = item.get("id")  # only an absolute URL: "3" is an id, not a relative link
    return resolve_url(guid, "") if isinstance(guid, str) else None


def _json_datetime(value: Any) -> datetime | None:
    """RFC 3339 as the spec says, or RFC 822 as some publishers write, in UTC; naive means UTC."""
    local = _json_local(value)
    return local.astimezone(UTC) if local is not None else None


def _json_local(value: Any) -> datetime | None:
    """As `_json_datetime`, in the offset the feed wrote."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- shared: entries, text, gzip ----------------------------------------------------------


def _make_entry(
    context: _EntryContext,
    *,
    guid: Any,
    url: str,
    title: Any,
    summary_html: Any,
    published_at: datetime | None,
) -> FeedEntry:
    canonical = canonicalize_url(url)
    key = guid.strip()[:MAX_KEY_CHARS] if isinstance(guid, str) and guid.strip() else canonical
    published = _plausible(published_at, context.now)
    return FeedEntry(
        feed_id=context.feed_id,
        key=key,
        url=url,
        canonical_url=canonical,
        title=clean_title(title),
        summary=clean_summary(summary_html),
        published_at=published.astimezone(UTC) if published is not None else None,
        published_date=_feed_day(published),
    )


def _feed_day(published: datetime | None) -> date | None:
    """The day of a feed date in the offset the feed wrote it with: the publisher's local day."""
    return published.date() if published is not None else None


def _plausible(moment: datetime | None, now: datetime) -> datetime | None:
    if moment is None or moment < EARLIEST_PLAUSIBLE_DATE or moment > now + FUTURE_TOLERANCE:
        return None
    return moment


def _unique_entries(entries: Iterable[FeedEntry | None]) -> tuple[FeedEntry, ...]:
    """Entries in feed order; the first of several with one key and one canonical URL wins."""
    seen: dict[tuple[str, str], FeedEntry] = {}
    for entry in entries:
        if entry is not None and (entry.key, entry.canonical_url) not in seen:
            seen[(entry.key, entry.canonical_url)] = entry
    return tuple(seen.values())


def _newest(entries: tuple[FeedEntry, ...], limit: int | None) -> tuple[FeedEntry, ...]:
    """The `limit` newest entries, in feed order: dated ones first, newest first, then undated ones."""
    if limit is None or len(entries) <= limit:
        return entries
    chosen = heapq.nsmallest(limit, range(len(entries)), key=lambda i: _newest_first(entries[i].published_at, i))
    return tuple(entries[i] for i in sorted(chosen))


def _newest_first(moment: datetime | None, position: int) -> tuple[int, float, int]:
    return (0, -moment.timestamp(), position) if moment is not None else (1, 0.0, position)


def clean_title(html: Any) -> str | None:
    """Plain text on one line: tags stripped, entities decoded, whitespace collapsed."""
    if not isinstance(html, str):
        return None
    text = _one_line(html_to_text(html), MAX_TITLE_CHARS)
    return text or None


def clean_summary(html: Any) -> str | None:
    if not isinstance(html, str):
        return None
    text = _one_line(html_to_text(html), MAX_SUMMARY_CHARS)
    return text or None


def _one_line(text: str, limit: int) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= limit:
        return collapsed
    cut = collapsed[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut) + "…"


class _TextCollector(HTMLParser):
    _SKIPPED = frozenset({"script", "style", "template", "noscript"})
    _BLOCKS = frozenset({"br", "p", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIPPED:
            self.skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


_CONTROL_CHARS = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def html_to_text(html: str) -> str:
    """The text of an HTML fragment (no markup, entities decoded, control characters removed)."""
    if "<" not in html and "&" not in html:
        return html.translate(_CONTROL_CHARS)
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts).translate(_CONTROL_CHARS)
