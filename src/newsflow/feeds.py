"""Parse stage: feed bytes in, a `ParsedFeed` of clean `FeedEntry` values out.

This is the only module that imports feedparser. It never lets feedparser do I/O: it hands
it bytes and the response headers, never a string, which feedparser would open as a path
or fetch as a URL.

Before feedparser sees them the bytes go through `feedprep`: gzip left packed by the server
is unpacked, UTF-16/32 is transcoded, feedparser's own encoding detection turns the rest
into UTF-8, and every DOCTYPE is removed, so no entity can expand or be fetched (see
`feedprep` for why feedparser 6.0.14 needs that). A feed of very many elements, or a text element of
megabytes, is bounded by `feedbounds` (what newsflow reads of it, as feedparser would read it), and
feedparser neither sanitises nor resolves URLs inside HTML: only a field's text is kept. When feedparser raises on
a feed, the items that make it raise are found and flattened or dropped (`feedapart`), so one hostile item costs
only itself.

JSON Feed (jsonfeed.org 1.0 and 1.1), which feedparser does not read, is parsed by `jsonfeed`
with `json`. What both build is in `feedentries`.

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
- `updated_at` is the updated date alone (Atom/RSS XML feeds), in UTC, when it names its zone: an entry seen again
  whose `updated_at` moved forward leads to a refetch of its stored article (docs/search.md, "Updates 58").
- `published_at` is the published date, else the updated date, in UTC. A date before
  1990 or more than a day in the future is a publisher's bug, not a fact: it becomes None,
  so it cannot pin an entry to the top or the bottom of a time-ordered listing. A date written
  year first (ISO 8601) is read by Python's strict reader, not feedparser, which bends an
  impossible one into another real date (year 10000 became 2010-12-01); impossible is absent.
  An RFC 822 date whose weekday or month is named in another language ("Seg, 24 Set 2018 19:42:40 -0300"),
  which feedparser cannot read, is read by `feeddates` when it names its zone.
  `published_date` is that date's day in the UTC offset the feed wrote it with (the
  publisher's local day: "Sat, 07 May 2022 20:06:23 -0500" is the 7th, though the instant
  is on the 8th in UTC). A local time with no zone ("2026-12-05T20:00:00", "Sat, Dec 16 2023
  02:02:33 PM", "2020/1/10 14:33:00": `feeddates.zoneless_local`) is dated its written day, and its
  instant is that wall clock in the zone of the item URL's country, else in UTC (a guess);
  `published_zone_given` says which: 'offset', 'utc' (Z, GMT, +00:00), 'none', or 'unread' (a zone read as UTC
  that the text does not say is: a military letter, an unknown name). A colon offset, an offset with no leading zero,
  or a zone's name feedparser misreads ("-05:00", "+530", "MEZ", "JST", "PM EST"; ISO 8601 followed by a name too)
  is read in its offset (`feeddates.zoned_local`); "IST", "CST", "AST" and "BST" in the meaning of the item's place
  (`localtime.feed_place`). A feed whose entries are
  all dated (three or more) with one instant, or within two minutes of the poll, or (five or
  more) of each other, stamps them with the moment it was rendered: they get no date
  (`feedentries.without_feed_stamps`).
- `title` is plain text on one line; `summary` plain text, truncated to `MAX_SUMMARY_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import feedparser
from feedparser.encodings import convert_to_utf8

from newsflow import feedbases, feedexpat
from newsflow.feedapart import read_apart
from newsflow.feedbounds import bounded_markup
from newsflow.feeddates import foreign_rfc822, says_utc, zoned_local, zoneless_local
from newsflow.feedentries import (
    MAX_SUMMARY_CHARS,
    MAX_TITLE_CHARS,
    EntryContext,
    clean_title,
    collapse_line,
    html_to_text,
    long_links,
    make_entry,
    newest,
    unique_entries,
    without_feed_stamps,
)
from newsflow.feedlinks import find_feed_links
from newsflow.feedprep import gunzip_if_gzip, keep_newest_items, neutralize_doctype, prepare_xml_bytes
from newsflow.jsonfeed import looks_like_json, parse_json_feed
from newsflow.localtime import feed_place
from newsflow.models import FeedEntry, ParsedFeed
from newsflow.timestamps import parse_local
from newsflow.urls import resolve_url

__all__ = ["MAX_SUMMARY_CHARS", "MAX_TITLE_CHARS", "clean_title", "html_to_text", "parse_feed"]

_SYNDICATION_PERIODS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000, "yearly": 31536000}
HTML_LINK_SCAN_BYTES = 256 * 1024  # a page's feed links are in its <head>
_HTML_PAGE = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_ISO_FAMILY = re.compile(r"\s*[+-]?\d{4}")
_YEAR_OR_MONTH = re.compile(r"\s*\d{4}(-\d{2})?\s*$")
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
    context = EntryContext(feed_id, feed_url, now or datetime.now(UTC), max_entries)
    try:
        body = gunzip_if_gzip(body)
    except ValueError as error:
        raise context.error(str(error)) from error
    if not body.strip():
        raise context.error("empty body")
    if looks_like_json(body, lowered):
        return parse_json_feed(body, context)
    return _parse_xml_feed(body, lowered, context)


# --- XML: RSS, Atom, RDF ------------------------------------------------------------------


def _parse_xml_feed(body: bytes, headers: dict[str, str], context: EntryContext) -> ParsedFeed:
    encoding_result: dict[str, Any] = {}
    prepared, headers = prepare_xml_bytes(body, headers)
    try:  # feedparser's own detection (HTTP charset, BOM, declaration, fallbacks), pinned at 6.0.14
        utf8 = convert_to_utf8(headers, prepared, encoding_result)
    except Exception as error:  # e.g. a declared codec whose decoder raises a bare UnicodeError
        raise context.error(f"undecodable body: {type(error).__name__}: {error}") from error
    safe = neutralize_doctype(utf8)
    if context.max_entries is not None:
        safe = keep_newest_items(safe, context.max_entries)
    safe = bounded_markup(safe, context.feed_url, FEEDPARSER_NAMESPACES)
    parsed = _run_feedparser(safe, headers, context)
    if not parsed.get("version") and not parsed.entries:
        raise context.error(_why_not_a_feed(utf8, parsed, context.feed_url))
    bozo_reasons = [_bozo_reason(result) for result in (encoding_result, parsed)]
    reasons = [reason for reason in bozo_reasons if reason]
    language = parsed.feed.get("language")
    context = replace(context, language=language if isinstance(language, str) else None)
    built = [_xml_entry(raw, context) for raw in parsed.entries]
    return ParsedFeed(
        title=clean_title(parsed.feed.get("title")),
        entries=newest(without_feed_stamps(unique_entries(built), context.now), context.max_entries),
        long_links=long_links(zip(built, map(_xml_link_candidates, parsed.entries), strict=True)),
        bozo=bool(reasons),
        bozo_reason=collapse_line("; ".join(reasons), 300) if reasons else None,
        ttl_seconds=_ttl_seconds(parsed.feed.get("ttl")),
        update_period_seconds=_update_period_seconds(
            parsed.feed.get("sy_updateperiod"), parsed.feed.get("sy_updatefrequency")
        ),
    )


MAX_TAGS = 100
"""Categories feedparser keeps for a feed or an entry. newsflow reads none, and feedparser compares each new one with
every one kept (`_add_tag`'s `not in`): 100,000 `<category>`s in one item (2.7 MB) took over 23 s of a parse
worker, its limit's whole share each run (red team 26)."""


FEEDPARSER_NAMESPACES = frozenset(uri.lower().encode() for uri in feedparser.mixin._FeedParserMixin.namespaces)
"""The namespaces feedparser names elements by (its own prefixes): a declaration of one, anywhere, renames a prefix
for the rest of the feed, so `feedbounds` keeps those (review of red team 35b)."""


def _capped_tags() -> None:
    """Keep at most MAX_TAGS categories a feed or entry (once per process); a feedparser without `_add_tag` is left
    as it is."""
    mixin = getattr(getattr(feedparser, "mixin", None), "_FeedParserMixin", None)
    add_tag = getattr(mixin, "_add_tag", None)
    if add_tag is None or getattr(add_tag, "capped", False):
        return

    def capped(parser: Any, term: Any, scheme: Any, label: Any) -> None:
        if len(parser._get_context().get("tags", ())) < MAX_TAGS:
            add_tag(parser, term, scheme, label)

    capped.capped = True  # type: ignore[attr-defined]
    setattr(mixin, "_add_tag", capped)  # noqa: B010 (typed as its own function)


_capped_tags()


feedbases.scope_xml_bases(feedparser)


def _buffered_text() -> None:
    """feedparser's strict parser on `feedexpat`'s expat, each run of text one handler call (red team 39b: a call a
    line or reference cost 10-30x a plain feed); a feedparser without `api.PREFERRED_XML_PARSERS` is left as it is."""
    api: Any = getattr(feedparser, "api", None)
    preferred = getattr(api, "PREFERRED_XML_PARSERS", None)
    if isinstance(preferred, list) and feedexpat.__name__ not in preferred:
        api.PREFERRED_XML_PARSERS = [feedexpat.__name__, *preferred]


_buffered_text()


def _run_feedparser(utf8: bytes, headers: Mapping[str, str], context: EntryContext) -> Any:
    # The bytes are UTF-8 now, so say so. No Content-Location: feedparser would resolve
    # GUIDs against it too (GUID "123" becoming a URL); links are resolved in `_xml_entry_url`.
    # No sanitising and no resolving of the URLs inside HTML: newsflow keeps only the text of a field
    # (`feedentries.html_to_text`, which skips scripts and styles), never its markup, and both passes
    # run feedparser's Python SGML parser over every field: 28.6 s for one item of 9 MB of HTML (red
    # team 27). The 436 corpus feeds give the same entries either way (red team 28).
    response_headers = {"content-type": "application/xml; charset=utf-8"}
    if "content-language" in headers:
        response_headers["content-language"] = headers["content-language"]
    try:
        return _feedparser(utf8, response_headers)
    except Exception as error:  # untrusted input must be an outcome, never a crash
        reason = f"feedparser failed: {type(error).__name__}: {error}"
        failure = context.error(reason)
        failure.__cause__ = error
    last: list[Any] = []  # the last feed that parsed and its reading: the one read apart, parsed already or not

    def parses(feed: bytes) -> bool:
        try:
            last[:] = [feed, _feedparser(feed, response_headers)]
        except Exception:  # any exception out of feedparser is what is looked for
            return False
        return True

    apart = read_apart(utf8, parses)
    if apart is None:
        raise failure
    try:  # the channel's elements then the items that made it raise read apart (red teams 33b, 35b)
        parsed = last[1] if last and last[0] is apart[0] else _feedparser(apart[0], response_headers)
    except Exception:  # raising only together, past the budget: the feed's error stands
        raise failure from None
    parsed["bozo"], parsed["bozo_exception"] = 1, ItemsReadApart(f"{apart[1]}; {reason}")
    return parsed


class ItemsReadApart(ValueError):
    """feedparser raised on the feed, and the channel elements or items that made it raise were read apart."""


def _feedparser(utf8: bytes, response_headers: dict[str, str]) -> Any:
    return feedparser.parse(utf8, response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False)


def _why_not_a_feed(utf8: bytes, parsed: Any, feed_url: str) -> str:
    if _HTML_PAGE.search(utf8[:4096]):
        return "an HTML page, not a feed; " + _feed_it_links_to(utf8, feed_url)
    if parsed.get("bozo"):
        return f"not a feed: {_bozo_reason(parsed)}"
    return "no RSS, Atom or RDF root element"


def _feed_it_links_to(utf8: bytes, page_url: str) -> str:
    """What to do about a feed URL that answers with a page: the feed the page advertises, if any."""
    try:
        links = find_feed_links(utf8[:HTML_LINK_SCAN_BYTES].decode("utf-8", "replace"), page_url)
    except ValueError:  # a <base href> or link urljoin cannot read
        links = []
    if links:
        return f"the page links to the feed {collapse_line(links[0], 300)}: put that URL in the config"
    return f"run `newsflow feeds discover {collapse_line(page_url, 300)}` to find the site's feeds"


def _bozo_reason(result: Mapping[str, Any]) -> str | None:
    error = result.get("bozo_exception")
    if not result.get("bozo") or error is None or type(error).__name__ in _BOZO_IGNORED:
        return None
    return f"{type(error).__name__}: {error}"


def _xml_entry(raw: Any, context: EntryContext) -> FeedEntry | None:
    url = _xml_entry_url(raw, context.feed_url)
    if url is None:
        return None
    summary_html = raw.get("summary") or _first_content(raw.get("content"))
    return make_entry(
        context,
        guid=raw.get("id"),
        url=url,
        title=raw.get("title"),
        summary_html=summary_html,
        published_at=(dated := _entry_date(raw, place := feed_place(url, context.feed_url, context.language)))[0],
        zone_read=dated[1],
        updated_at=_updated_date(raw, place),
    )


def _updated_date(raw: Any, place: str | None) -> datetime | None:
    """The entry's `updated` (`<updated>`, `<atom:updated>`, `dcterms:modified`) as an instant, when the feed's text
    gives one with its zone: the date a refetch compares between polls (docs/search.md, "Updates 58"). A wall clock
    with no zone is left out: which instant it is, is a guess, and a guess that moved would refetch."""
    moment = _feed_date(_struct_time_utc(raw.get("updated_parsed")), raw.get("updated"), place)
    return moment.astimezone(UTC) if moment is not None and moment.tzinfo is not None else None


def _entry_date(raw: Any, place: str | None) -> tuple[datetime | None, bool]:
    """The published date, else the updated date, that the feed's own text really says; and whether its zone was
    read: False for one read as UTC whose text does not say UTC (a military letter, an unknown name); a zero offset
    `zoned_local` read ("WET", "GMT+0", "+0") was read (review of the forty-seventh pass)."""
    for field in ("published", "updated"):
        moment = _feed_date(_struct_time_utc(raw.get(f"{field}_parsed")), raw.get(field), place)
        if moment is not None:
            written = raw.get(field)
            return moment, (bool(moment.utcoffset()) or not isinstance(written, str) or says_utc(written)
                            or zoned_local(written, place) is not None)
    return None, True


def _feed_date(instant: datetime | None, written: Any, place: str | None = None) -> datetime | None:
    """feedparser bends an ISO 8601 date it cannot read into one it can: year 10000 became
    2010-12-01, month 13 the next January, 30 February 2 March, hour 25 the next day, `2024-W22-6`
    2024-12-01. A date written year first is read by Python's strict reader instead, and is absent
    when that refuses it (a year or a month alone, W3C's short forms, are left to feedparser). One feedparser cannot
    read may name its weekday or month in the publisher's language (`feeddates.foreign_rfc822`). A date naming no
    zone is its wall clock, naive (`feeddates.zoneless_local`, forty-fifth pass); a zone's name of two meanings is read
    in `place`'s (`localtime.feed_place`, forty-seventh pass)."""
    if isinstance(written, str) and (wall := zoneless_local(written)) is not None:
        return wall  # no zone written: `make_entry` places the wall clock and marks it
    if isinstance(written, str) and (zoned := zoned_local(written, place)) is not None:
        return zoned  # a colon offset or a zone's name feedparser misreads as UTC (review F2)
    if isinstance(written, str) and _ISO_FAMILY.match(written) and not _YEAR_OR_MONTH.match(written):
        local = parse_local(written)
        return local.replace(microsecond=0) if local is not None else None
    if instant is None and isinstance(written, str):
        return foreign_rfc822(written)
    return _in_feed_offset(instant, written)


def _xml_entry_url(raw: Any, feed_url: str) -> str | None:
    link = raw.get("link")
    if raw.get("guidislink") and link == raw.get("id") and not str(link).startswith("/"):
        # feedparser's copy of an RSS <guid> (isPermaLink defaults to true) into a missing <link>:
        # a podcast's "ep1" is no page to resolve against the feed URL (it was fetched, 404, parked
        # after three runs). The GUID stands in below when it is an absolute URL; a path ("/2026/a")
        # is still resolved.
        link = None
    for candidate in [link, *_alternate_links(raw)]:
        if isinstance(candidate, str) and (url := resolve_url(candidate, feed_url)):
            return url
    guid = raw.get("id")  # an Atom id or RSS guid that is an absolute URL stands in for the link
    return resolve_url(guid, "") if isinstance(guid, str) else None


def _alternate_links(raw: Any) -> list[Any]:
    return [link.get("href") for link in raw.get("links") or () if link.get("rel") == "alternate"]


def _xml_link_candidates(raw: Any) -> list[Any]:
    return [raw.get("link"), *_alternate_links(raw), raw.get("id")]


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
