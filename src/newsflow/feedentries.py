"""Feed entries, shared by the XML and JSON Feed parsers: building, deduplicating, capping.

Pure code, no parser library. See `feeds` for what an entry holds (`key`, `url`, dates, text).
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from typing import Any

from newsflow.datechecks import plausible
from newsflow.errors import FeedParseError
from newsflow.localtime import url_zone
from newsflow.models import FeedEntry
from newsflow.urls import MAX_URL_CHARS, canonicalize_url, fetched_url, former_canonical_url

MAX_TITLE_CHARS = 500
MAX_SUMMARY_CHARS = 2000
MAX_KEY_CHARS = 2048
MIN_STAMPED_ENTRIES = 3
"""A feed needs this many dated entries before their dates can be told to be the feed's own stamp."""
POLL_STAMP_WINDOW = timedelta(minutes=2)
"""Dates all this close to the poll are the moment the feed was rendered, not the items' publication."""
MIN_SPREAD_ENTRIES = 5
"""So many items or more, all dated within `POLL_STAMP_WINDOW` of each other, were stamped in one go."""


MAX_FEED_FIELD_TAGS = 30_000
"""Tags Python's HTML parser reads in a feed's titles and summaries, about 0.12 s (some 4 microseconds a tag, 12 a
`<![CDATA[`); the fields after are read by pattern (`_text_by_pattern`). Red team 37b: 1,000 entries whose content
nested 400 `<div>`s around a word (4.6 MB) cost 6.7x the normal feed of 9.6 MB, the parser reading 800,000 tags;
`MAX_FIELD_TAGS` bounds each field, not the feed. A real field gives its `MAX_SUMMARY_CHARS` in a few hundred. Red
team 39b: at 100,000, `&lt;br/&gt;` repeated in 100 descriptions of 12 KB cost 7.5-8.3x a plain feed of the same
bytes (the budget's 0.4 s); the corpus's most is 14,795 (`invalid-characters-gzipped.xml`), so no corpus feed reaches
the pattern."""


@dataclass
class MarkupBudget:
    """What is left of a feed's MAX_FEED_FIELD_TAGS."""

    tags_left: int = MAX_FEED_FIELD_TAGS


@dataclass(frozen=True)
class EntryContext:
    feed_id: str
    feed_url: str
    now: datetime
    max_entries: int | None = None
    markup: MarkupBudget = field(default_factory=lambda: MarkupBudget(MAX_FEED_FIELD_TAGS))
    language: str | None = None  # the feed's declared language: `localtime.feed_place`

    def error(self, what: str) -> FeedParseError:
        return parse_error(self.feed_id, self.feed_url, what)


def parse_error(feed_id: str, feed_url: str, what: str) -> FeedParseError:
    return FeedParseError(f"feed {feed_id} ({feed_url}): {collapse_line(what, 300)}")


def make_entry(
    context: EntryContext,
    *,
    guid: Any,
    url: str,
    title: Any,
    summary_html: Any,
    published_at: datetime | None,
    zone_read: bool = True,
    updated_at: datetime | None = None,
) -> FeedEntry:
    """An entry; `zone_read` False where the feed's text names a zone that was read as UTC though it says none
    (`feeddates.says_utc`: its mark is then 'unread', not 'utc')."""
    former = former_canonical_url(url)  # the key before Analyst 54, to match what was stored by it
    url = fetched_url(url)  # an AMP cache's copy: the publisher's page is fetched and stored (Analyst 54)
    canonical = canonicalize_url(url)
    key = guid.strip()[:MAX_KEY_CHARS] if isinstance(guid, str) and guid.strip() else canonical
    published, zone_given = placed(published_at, url)
    zone_given = "unread" if zone_given == "utc" and not zone_read else zone_given
    published = published if plausible(published, context.now) else None
    return FeedEntry(
        feed_id=context.feed_id,
        key=key,
        url=url,
        canonical_url=canonical,
        former_canonical_url=former,
        title=clean_title(title, context.markup),
        summary=clean_summary(summary_html, context.markup),
        published_at=published.astimezone(UTC) if published is not None else None,
        published_date=_feed_day(published),
        published_zone_given=zone_given if published is not None else None,
        updated_at=updated_at if updated_at is not None and plausible(updated_at, context.now) else None,
    )


def placed(published_at: datetime | None, url: str) -> tuple[datetime | None, str | None]:
    """A feed date as an instant in the offset the feed wrote, and the zone it gave: 'offset', 'utc' (Z, GMT, +00:00)
    or 'none' ('unread' is `make_entry`'s).
    A naive date is a wall clock the feed wrote with no zone (`feeddates.zoneless_local`): placed in the
    zone of the item URL's country, else in UTC, a guess the article's stage makes again with its page's zone
    (`articledates.placed_feed_date`); its day stays the written one (forty-fifth pass)."""
    if published_at is None:
        return None, None
    if published_at.tzinfo is None:
        return published_at.replace(tzinfo=url_zone(url) or UTC), "none"  # its date() is still the written day
    return published_at, "utc" if published_at.utcoffset() == timedelta(0) else "offset"


def long_links(items: Iterable[tuple[FeedEntry | None, Iterable[Any]]]) -> int:
    """How many items gave no entry while one of their link candidates was over `MAX_URL_CHARS`:
    dropped for that length alone, which the poll reports (a feed's CMS bug, not silence)."""
    return sum(
        1 for entry, candidates in items
        if entry is None and any(isinstance(c, str) and len(c.strip()) > MAX_URL_CHARS for c in candidates)
    )


def _feed_day(published: datetime | None) -> date | None:
    """The day of a feed date in the offset the feed wrote it with: the publisher's local day."""
    return published.date() if published is not None else None


def unique_entries(entries: Iterable[FeedEntry | None]) -> tuple[FeedEntry, ...]:
    """Entries in feed order; the first of several with one key and one canonical URL wins, and so
    does the first of several with one canonical URL and title and the same summary (or one of them
    without), whatever their keys: the same item listed twice under two GUIDs (as
    `warehouse.insert_entries` decides)."""
    kept: list[FeedEntry] = []
    keys: set[tuple[str, str]] = set()
    summaries: dict[tuple[str, str | None], list[str | None]] = {}
    for entry in entries:
        if entry is None or (entry.key, entry.canonical_url) in keys:
            continue
        seen = summaries.setdefault((entry.canonical_url, entry.title), [])
        if any(s is None or entry.summary is None or s == entry.summary for s in seen):
            continue
        kept.append(entry)
        keys.add((entry.key, entry.canonical_url))
        seen.append(entry.summary)
    return tuple(kept)


def without_feed_stamps(entries: tuple[FeedEntry, ...], now: datetime) -> tuple[FeedEntry, ...]:
    """The entries without their dates when those date the feed, not the items: every entry is
    dated (at least `MIN_STAMPED_ENTRIES`), none is a round time (a date-only feed's midnight, in any
    offset: many items of one day share it, and it is their day), and they carry one instant, or
    all fall within `POLL_STAMP_WINDOW` of the poll, or (`MIN_SPREAD_ENTRIES` or more) of each
    other. Some feeds stamp each item with the moment they were rendered (or imported); such a
    date would otherwise date every article that its page does not. The same rule drops the
    entries' `updated` dates: a feed built with every item "updated" at the build time would note
    every stored entry changed at each poll, and refetch them all (review of Updates 58, finding 3)."""
    if _stamped([entry.updated_at for entry in entries], now):
        entries = tuple(replace(entry, updated_at=None) for entry in entries)
    if not _stamped([entry.published_at for entry in entries], now):
        return entries
    return tuple(replace(entry, published_at=None, published_date=None, published_zone_given=None)
                 for entry in entries)


def _stamped(moments: list[datetime | None], now: datetime) -> bool:
    dated = [moment for moment in moments if moment is not None]
    if len(dated) < MIN_STAMPED_ENTRIES or len(dated) < len(moments) or any(map(_round_time, dated)):
        return False
    at_the_poll = all(abs(moment - now) <= POLL_STAMP_WINDOW for moment in dated)
    return at_the_poll or max(dated) - min(dated) <= (POLL_STAMP_WINDOW if len(dated) >= MIN_SPREAD_ENTRIES
                                                      else timedelta(0))


def _round_time(moment: datetime) -> bool:
    """Whether a time is on a quarter hour to the second: a day's midnight in some offset, or a
    time an editor typed, not a machine's clock."""
    return moment.second == 0 and moment.microsecond == 0 and moment.minute % 15 == 0


def newest(entries: tuple[FeedEntry, ...], limit: int | None) -> tuple[FeedEntry, ...]:
    """The `limit` newest entries, in feed order: dated ones first, newest first, then undated ones."""
    if limit is None or len(entries) <= limit:
        return entries
    chosen = heapq.nsmallest(limit, range(len(entries)), key=lambda i: newest_first(entries[i].published_at, i))
    return tuple(entries[i] for i in sorted(chosen))


def newest_first(moment: datetime | None, position: int) -> tuple[int, float, int]:
    return (0, -moment.timestamp(), position) if moment is not None else (1, 0.0, position)


def clean_title(html: Any, budget: MarkupBudget | None = None) -> str | None:
    """Plain text on one line: tags stripped, entities decoded, whitespace collapsed."""
    if not isinstance(html, str):
        return None
    text = collapse_line(html_to_text(html, enough=MAX_TITLE_CHARS, budget=budget), MAX_TITLE_CHARS)
    return text or None


def clean_summary(html: Any, budget: MarkupBudget | None = None) -> str | None:
    if not isinstance(html, str):
        return None
    text = collapse_line(html_to_text(html, enough=MAX_SUMMARY_CHARS, budget=budget), MAX_SUMMARY_CHARS)
    return text or None


def collapse_line(text: str, limit: int) -> str:
    collapsed = " ".join(text.split())
    if len(collapsed) <= limit:
        return collapsed
    cut = collapsed[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut) + "…"


class _TextCollector(HTMLParser):
    _SKIPPED = frozenset({"script", "style", "template", "noscript", "applet"})  # applet: as feedparser's sanitiser
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


_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
"""Control characters a field's text drops. A pattern, not `str.translate`: translate's table is a Python dict
looked up for every character of a string that is not ASCII (red team 39b: 0.2 microseconds a character, a quarter
of what 100 descriptions of `x&#xE9;` lines cost; a plain feed in any script but Latin pays it too)."""


def _without_controls(text: str) -> str:
    return _CONTROL_CHARS.sub("", text)


HTML_CHUNK_CHARS = 16_384
"""A field's HTML is read this much at a time, so reading can stop once it has given enough text."""
MAX_FIELD_TAGS = 20_000
"""Tags read of one field before its text is taken as it stands. Python's HTML parser takes ~4 microseconds a
tag: an item whose description was 9 MB of `<p>word <b>x</b></p>` took 6.8 s of a parse worker here after
feedparser's sanitiser was off, 28.6 s with it (red team 27); 20,000 tags are ~0.1 s. No real item has that many
tags before its first `MAX_SUMMARY_CHARS` of text."""
MAX_FIELD_HTML_CHARS = 1_000_000
"""Characters read of one field before its text is taken as it stands (an inline image of 500 KB is read past;
an unclosed comment over a whole 9 MB field is not rescanned at every chunk); `feedbounds.MAX_TEXT_BYTES` hands
feedparser no more of a text element."""


MAX_PENDING_CHARS = 4096
"""What the parser holds back at the end of a field from a `<` on (an unclosed comment, tag or quoted attribute)
is parsed at `close()` only when this short: `close()` reads it again from each `<` in it, quadratic in its length
(40 KB of `<a b='` took 4.7 s, 1 MB would take hours). Browsers, too, read an unclosed tag or comment as running
to the end, and give no text of it."""


def html_to_text(html: str, *, enough: int | None = None, budget: MarkupBudget | None = None) -> str:
    """The text of an HTML fragment (no markup, entities decoded, control characters removed).

    With `enough`, reading stops once the text holds over `enough` characters that are not white space (so
    `collapse_line(text, enough)` is what the whole field gives), or after `MAX_FIELD_TAGS` tags or
    `MAX_FIELD_HTML_CHARS` characters of it: a huge field costs what its first part does. With `budget`, the
    tags read are charged to it, and once it is spent the field is read by pattern. Never raises.
    """
    if "<" not in html and "&" not in html:
        return _without_controls(html)
    if budget is not None and budget.tags_left <= 0:
        return _text_by_pattern(html[:MAX_FIELD_HTML_CHARS])
    collector = _TextCollector()
    read = len(html)
    try:
        if enough is None:
            collector.feed(html)
        else:
            read = _feed_until_enough(collector, html, enough)
        pending = collector.rawdata
        if not pending.startswith("<!--") and (len(pending) <= MAX_PENDING_CHARS or not pending.startswith("<")):
            collector.close()  # (text held back for a `&` near its end is read in one pass; an unclosed comment
            # runs to the end, as the sanitiser and browsers read it: close() would give it as text)
    except AssertionError:  # Python 3.11's html.parser asserts on a `<![` with no name after it
        pass
    if budget is not None:
        budget.tags_left -= html.count("<", 0, read)
    return _without_controls("".join(collector.parts))


_SKIPPED_BY_PATTERN = re.compile(
    r"<(script|style|template|noscript|applet)\b[^<>]*+(?<!/)>.*?(?:</\1\s*>|\Z)|<!--.*?(?:-->|\Z)",
    re.IGNORECASE | re.DOTALL)
"""A skipped element (not self-closed: the parser skips nothing of `<script src="x"/>`) or a comment."""
_BLOCK_TAG = re.compile(r"</?(?:br|p|div|li|tr|td|h[1-6]|blockquote)(?:[\s/][^>]*)?>", re.IGNORECASE)
_OTHER_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<![^>]*>|<\?[^>]*>")


def _text_by_pattern(html: str) -> str:
    """The text of an HTML fragment as `_TextCollector` reads ordinary markup (skipped elements and comments
    gone, a block's tags a space, others nothing, entities decoded), in a few linear passes of C: no handler call a
    tag. An unclosed skipped element or comment runs to the end, as the parser reads it."""
    text = _SKIPPED_BY_PATTERN.sub("", html)
    # review: no tag ends after the last `>`, and a tag's pattern tried from each `<` there scanned to the end
    # (40 KB of `<a` took 0.44 s); that text stays as it is, as the parser gives a short unclosed tag
    end = text.rfind(">") + 1
    tags_gone = _OTHER_TAG.sub("", _BLOCK_TAG.sub(" ", text[:end]))
    return _without_controls(unescape(tags_gone + text[end:]))


def _feed_until_enough(collector: _TextCollector, html: str, enough: int) -> int:
    """Feeds `html` to the collector until it has given enough; returns the characters read."""
    letters = tags = read = 0
    while read < len(html):
        chunk = html[read : read + HTML_CHUNK_CHARS]
        seen = len(collector.parts)
        collector.feed(chunk)
        read += len(chunk)
        tags += chunk.count("<")
        letters += sum(len("".join(_without_controls(part).split())) for part in collector.parts[seen:])
        if letters > enough or tags > MAX_FIELD_TAGS or read >= MAX_FIELD_HTML_CHARS:
            return read
    return read
