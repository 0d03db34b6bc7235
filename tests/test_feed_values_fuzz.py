"""Fuzzing feed values as a server would send them: RSS, Atom and JSON Feed with hostile values.

The fetcher hands the pipeline a body and headers (tests/hostile/test_fetch_fuzz.py fuzzes
that step). This test fuzzes the next one: values inside a feed (dates, TTLs, update periods,
links, GUIDs, titles) and the Content-Type charset beside it. Parsing may refuse a feed with
`FeedParseError`, nothing else, and what it returns is what the pipeline can use: absolute
http(s) entry links, aware datetimes, and publisher hints that plan a next poll without
overflowing a datetime.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import polling
from newsflow.errors import FeedParseError
from newsflow.feeds import parse_feed
from newsflow.models import ParsedFeed

NOW = datetime(2026, 12, 1, tzinfo=UTC)
CONTENT_TYPES = st.sampled_from([
    "application/rss+xml; charset=base64", "text/xml; charset=rot13", "application/json; charset=zlib",
    "application/feed+json", "text/xml; charset=utf-16", "text/html; charset=idna", "application/xml",
    "application/rss+xml; charset=utf-7", "", "text/xml; charset=\x00",
]) | st.text(max_size=30)  # fmt: skip
VALUES = st.sampled_from([
    "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 00 Jan 0000 00:00:00 GMT", "99999999999999999999", "9" * 5000,
    "-1", "nan", "http://[", "http://h:99999/", "javascript:alert(1)", "\x00", "2026-13-45T99:99:99Z",
    "0001-01-01T00:00:00-23:59", "9999-12-31T23:59:59+00:00", "1e308", "&#0;", "&#xD800;", "\ud800",
]) | st.text(max_size=30)  # fmt: skip
SY = "xmlns:sy='http://purl.org/rss/1.0/modules/syndication/'"


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;") if "&#" not in value else value


def rss(v: list[str]) -> str:
    v = [_xml_escape(x) for x in v]
    return (
        f"<?xml version='1.0'?><rss version='2.0' {SY}><channel><title>{v[0]}</title><ttl>{v[1]}</ttl>"
        f"<sy:updatePeriod>{v[2]}</sy:updatePeriod><sy:updateFrequency>{v[3]}</sy:updateFrequency>"
        f"<item><title>{v[4]}</title><link>{v[5]}</link><guid>{v[6]}</guid><pubDate>{v[7]}</pubDate></item>"
        "</channel></rss>"
    )


def atom(v: list[str]) -> str:
    v = [_xml_escape(x).replace("'", "&apos;") for x in v]
    return (
        f"<feed xmlns='http://www.w3.org/2005/Atom'><title>{v[0]}</title><entry><id>{v[1]}</id>"
        f"<link href='{v[2]}'/><updated>{v[3]}</updated><published>{v[4]}</published><title>{v[5]}</title>"
        f"<summary>{v[6]}</summary></entry><subtitle>{v[7]}</subtitle></feed>"
    )


def json_feed(v: list[str]) -> str:
    item = {"id": v[1], "url": v[2], "date_published": v[3], "date_modified": v[4], "title": v[5],
            "content_html": v[6], "external_url": v[7]}  # fmt: skip
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": v[0], "items": [item]})


@st.composite
def feed_bodies(draw: st.DrawFn) -> bytes:
    values = [draw(VALUES) for _ in range(8)]
    text = draw(st.sampled_from([rss, atom, json_feed]))(values)
    body = text.encode(draw(st.sampled_from(["utf-8", "utf-16"])), errors="surrogatepass")
    if draw(st.booleans()):  # a few stray bytes somewhere
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(max_size=8)) + body[at:]
    return body


def check_usable(parsed: ParsedFeed) -> None:
    for entry in parsed.entries:
        assert entry.url.startswith(("http://", "https://")), entry.url
        assert entry.published_at is None or entry.published_at.tzinfo is not None
    hint = polling.publisher_hint_seconds(parsed.ttl_seconds, parsed.update_period_seconds, {})
    seen = polling.PollObservation(NOW, None, 200, len(parsed.entries), len(parsed.entries), hint_seconds=hint)
    plan = polling.plan_next_poll(polling.PollHistory(), seen, min_interval=600, max_interval=86_400)
    assert NOW < plan.next_poll_at <= NOW.replace(day=2)


@settings(max_examples=150, deadline=None)
@given(body=feed_bodies(), content_type=CONTENT_TYPES)
def test_feed_values_never_raise_past_the_parser_and_plan_a_next_poll(body: bytes, content_type: str) -> None:
    with contextlib.suppress(FeedParseError):
        parsed = parse_feed(body, feed_id="fuzz", feed_url="http://example.com/feed", headers={
            "content-type": content_type})  # fmt: skip
        check_usable(parsed)
