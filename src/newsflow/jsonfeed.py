"""JSON Feed (jsonfeed.org 1.0 and 1.1), which feedparser does not read, parsed with `json`.

A JSON Feed's items are cut to `max_entries`, the newest, before any entry is built from them.
"""

from __future__ import annotations

import heapq
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from newsflow.feeddates import zoned_local, zoneless_local
from newsflow.feedentries import (
    EntryContext,
    clean_title,
    long_links,
    make_entry,
    newest,
    newest_first,
    unique_entries,
    without_feed_stamps,
)
from newsflow.localtime import feed_place
from newsflow.models import FeedEntry, ParsedFeed
from newsflow.urls import resolve_url

_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/")


def looks_like_json(body: bytes, headers: Mapping[str, str]) -> bool:
    """The first character decides; only when it is neither `{` nor `<` does the Content-Type."""
    first = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first in (b"{", b"<"):
        return first == b"{"
    media_type = headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type in ("application/feed+json", "application/json")


def parse_json_feed(body: bytes, context: EntryContext) -> ParsedFeed:
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise context.error(f"invalid JSON: {error}") from error
    if not _is_json_feed(document):
        raise context.error("JSON but not a JSON Feed (no jsonfeed.org version and no items)")
    items = _newest_items([item for item in document.get("items") if isinstance(item, dict)], context.max_entries)
    language = document.get("language")
    context = replace(context, language=language if isinstance(language, str) else None)
    built = [_json_entry(item, context) for item in items]
    candidates = ((item.get("url"), item.get("external_url"), item.get("id")) for item in items)
    return ParsedFeed(
        title=clean_title(_str_or_none(document.get("title"))),
        entries=newest(without_feed_stamps(unique_entries(built), context.now), context.max_entries),
        long_links=long_links(zip(built, candidates, strict=True)),
    )


def _newest_items(items: list[dict[str, Any]], limit: int | None) -> list[dict[str, Any]]:
    """The `limit` newest JSON Feed items, in feed order, before any entry is built from them."""
    if limit is None or len(items) <= limit:
        return items
    dates = [_json_datetime(item.get("date_published") or item.get("date_modified")) for item in items]
    chosen = heapq.nsmallest(limit, range(len(items)), key=lambda i: newest_first(dates[i], i))
    return [items[i] for i in sorted(chosen)]


def _is_json_feed(document: Any) -> bool:
    """jsonfeed.org 1.0/1.1 by its version URL; an object with `items` and no version is accepted too."""
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return False
    version = document.get("version")
    return version is None or (isinstance(version, str) and bool(_JSON_FEED_VERSION.match(version)))


def _json_entry(item: Mapping[str, Any], context: EntryContext) -> FeedEntry | None:
    url = _json_item_url(item, context.feed_url)
    if url is None:
        return None
    summary = item.get("summary") or item.get("content_text") or item.get("content_html")
    guid = item.get("id")
    return make_entry(
        context,
        guid=str(guid) if isinstance(guid, str | int) and not isinstance(guid, bool) else None,
        url=url,
        title=_str_or_none(item.get("title")),
        summary_html=_str_or_none(summary),
        published_at=_json_local(item.get("date_published") or item.get("date_modified"),
                                 feed_place(url, context.feed_url, context.language)),
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
    if local is None:
        return None
    return local.astimezone(UTC) if local.tzinfo is not None else local.replace(tzinfo=UTC)  # a wall clock: a guess


def _json_local(value: Any, place: str | None = None) -> datetime | None:
    """As `_json_datetime`, in the offset the feed wrote; a zone's name or an offset Python does not read ("EST",
    "+530") as `feeddates.zoned_local` reads it (forty-seventh pass)."""
    if not isinstance(value, str):
        return None
    if (wall := zoneless_local(value)) is not None:
        return wall  # no zone written: naive, `make_entry` places it (forty-fifth pass)
    if (zoned := zoned_local(value, place)) is not None:
        return zoned
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
