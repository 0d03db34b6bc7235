"""parse_feed on hand-written feeds: entries, keys, dates, text, hints, JSON Feed, errors, entity attacks."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from newsflow.errors import FeedParseError
from newsflow.feedprep import neutralize_doctype
from newsflow.feeds import MAX_SUMMARY_CHARS, parse_feed
from newsflow.models import ParsedFeed
from tests.localserver import LocalServer, Page

FEED_URL = "https://news.example.com/feeds/world.xml"
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def rss(items: str, channel_extra: str = "", prolog: str = '<?xml version="1.0" encoding="utf-8"?>\n') -> bytes:
    return (
        f'{prolog}<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">'
        f"<channel><title>World</title><link>https://news.example.com/</link>{channel_extra}{items}"
        "</channel></rss>"
    ).encode()


def item(link: str = "https://news.example.com/a", guid: str | None = None, title: str = "A", extra: str = "") -> str:
    guid_xml = f"<guid>{guid}</guid>" if guid is not None else ""
    return f"<item><title>{title}</title><link>{link}</link>{guid_xml}{extra}</item>"


def parse(body: bytes, headers: dict[str, str] | None = None) -> ParsedFeed:
    return parse_feed(body, feed_id="world", feed_url=FEED_URL, headers=headers, now=NOW)


# --- entries ------------------------------------------------------------------------------


def test_relative_links_resolve_against_the_feed_url() -> None:
    feed = parse(rss(item(link="/2024/05/story?id=7")))
    assert feed.entries[0].url == "https://news.example.com/2024/05/story?id=7"


def test_xml_base_wins_over_the_feed_url_for_relative_links() -> None:
    body = rss(item(link="story")).replace(b"<channel>", b'<channel xml:base="https://cdn.example.org/x/">')
    assert parse(body).entries[0].url == "https://cdn.example.org/x/story"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi", "mailto:a@b.c"])
def test_entries_whose_link_is_not_http_are_dropped(link: str) -> None:
    feed = parse(rss(item(link=link, guid="g1") + item(link="https://news.example.com/ok", guid="g2")))
    assert [e.key for e in feed.entries] == ["g2"]


def test_key_is_the_guid_else_the_canonical_link() -> None:
    feed = parse(rss(item(guid="urn:x:1") + item(link="https://news.example.com/b?utm_source=rss")))
    assert [e.key for e in feed.entries] == ["urn:x:1", "https://news.example.com/b"]


def test_a_permalink_guid_stands_in_for_a_missing_link() -> None:
    body = rss("<item><title>T</title><guid>https://news.example.com/p/1</guid></item>")
    assert parse(body).entries[0].url == "https://news.example.com/p/1"


def test_entries_without_link_or_guid_are_dropped() -> None:
    feed = parse(rss("<item><title>orphan</title></item>" + item()))
    assert [e.title for e in feed.entries] == ["A"]


def test_duplicate_keys_keep_the_first_entry() -> None:
    feed = parse(rss(item(guid="same", title="first") + item(guid="same", title="second")))
    assert [e.title for e in feed.entries] == ["first"]


def test_canonical_url_drops_tracking_parameters_but_url_keeps_them() -> None:
    entry = parse(rss(item(link="https://News.Example.com/a?utm_medium=rss&id=3#top"))).entries[0]
    assert entry.url == "https://News.Example.com/a?utm_medium=rss&id=3#top"
    assert entry.canonical_url == "https://news.example.com/a?id=3"


# --- dates --------------------------------------------------------------------------------


def test_dates_become_utc_aware() -> None:
    entry = parse(rss(item(extra="<pubDate>Fri, 31 May 2024 09:30:00 +0200</pubDate>"))).entries[0]
    assert entry.published_at == datetime(2024, 5, 31, 7, 30, tzinfo=UTC)


def test_updated_date_is_used_when_published_is_missing() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>tag:x,2024:1</id><title>e</title>'
        b'<link href="https://news.example.com/e"/><updated>2024-05-30T10:00:00-05:00</updated></entry></feed>'
    )
    assert parse(body).entries[0].published_at == datetime(2024, 5, 30, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("date", ["Sun, 01 Jan 1989 00:00:00 GMT", "Sat, 08 Jun 2024 00:00:00 GMT", "not a date"])
def test_implausible_or_broken_dates_become_none(date: str) -> None:
    assert parse(rss(item(extra=f"<pubDate>{date}</pubDate>"))).entries[0].published_at is None


def test_a_date_less_than_a_day_ahead_is_kept() -> None:
    entry = parse(rss(item(extra="<pubDate>Sat, 01 Jun 2024 20:00:00 GMT</pubDate>"))).entries[0]
    assert entry.published_at == datetime(2024, 6, 1, 20, 0, tzinfo=UTC)


# --- text ---------------------------------------------------------------------------------


def test_title_is_plain_text_on_one_line() -> None:
    body = rss(item(title="&lt;b&gt;Big&lt;/b&gt;\n   news &amp;amp; more"))
    assert parse(body).entries[0].title == "Big news & more"


def test_summary_is_plain_text_and_truncated() -> None:
    html = "<p>" + "word " * 1000 + "</p><script>var x = 1;</script>"
    entry = parse(rss(item(extra=f"<description><![CDATA[{html}]]></description>"))).entries[0]
    assert entry.summary is not None
    assert entry.summary.startswith("word word")
    assert len(entry.summary) <= MAX_SUMMARY_CHARS
    assert entry.summary.endswith("…")
    assert "<" not in entry.summary and "var x" not in entry.summary


def test_atom_content_stands_in_for_a_missing_summary() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>i</id><title>e</title>'
        b'<link href="https://news.example.com/e"/><content type="html">&lt;p&gt;Body text&lt;/p&gt;</content>'
        b"</entry></feed>"
    )
    assert parse(body).entries[0].summary == "Body text"


# --- feed hints ---------------------------------------------------------------------------


def test_rss_ttl_is_minutes() -> None:
    assert parse(rss(item(), channel_extra="<ttl>15</ttl>")).ttl_seconds == 900


def test_syndication_period_divided_by_frequency() -> None:
    extra = "<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>4</sy:updateFrequency>"
    assert parse(rss(item(), channel_extra=extra)).update_period_seconds == 21600


@pytest.mark.parametrize("ttl", ["0", "-5", "soon"])
def test_meaningless_ttl_is_ignored(ttl: str) -> None:
    assert parse(rss(item(), channel_extra=f"<ttl>{ttl}</ttl>")).ttl_seconds is None


# --- encodings and framing ----------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_feeds_parse(codec: str) -> None:
    text = rss(item(title="Grüße"), prolog="").decode()
    feed = parse(text.encode(codec))
    assert feed.entries[0].title == "Grüße"


def test_charset_from_the_content_type_header_is_honoured() -> None:
    body = rss(item(title="Café"), prolog='<?xml version="1.0"?>\n').decode().encode("iso-8859-1")
    feed = parse(body, headers={"Content-Type": "application/rss+xml; charset=ISO-8859-1"})
    assert feed.entries[0].title == "Café"


def test_whitespace_before_the_xml_declaration_is_tolerated() -> None:
    feed = parse(b"\n\n  " + rss(item()))
    assert feed.bozo is False
    assert len(feed.entries) == 1


def test_gzip_body_that_the_http_layer_left_packed_is_unpacked() -> None:
    assert parse(gzip.compress(rss(item()))).entries[0].title == "A"


def test_gzip_bomb_is_refused() -> None:
    with pytest.raises(FeedParseError, match="gzip body unpacks to more than"):
        parse(gzip.compress(b"<" + b" " * 20_000_000))


# --- errors and recovery ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty body"),
        (b"  \n\t", "empty body"),
        (b"<!DOCTYPE html><html><head><title>Hi</title></head><body><p>page</p></body></html>", "HTML page"),
        (b"\x00\x01\x02garbage\xff\xfe", "feed world"),
        (b'{"not": "a feed"}', "not a JSON Feed"),
        (b"{broken json", "invalid JSON"),
    ],
)
def test_non_feeds_raise_feed_parse_error_naming_the_feed(body: bytes, reason: str) -> None:
    with pytest.raises(FeedParseError, match=reason) as raised:
        parse(body)
    message = str(raised.value)
    assert "world" in message and FEED_URL in message and "\n" not in message


def test_ill_formed_feed_keeps_its_entries_and_says_why() -> None:
    body = rss(item(title="one", guid="1") + item(title="two &nbsp; <br>", guid="2"))
    feed = parse(body)
    assert [e.title for e in feed.entries] == ["one", "two"]
    assert feed.bozo is True
    assert feed.bozo_reason is not None and "\n" not in feed.bozo_reason


def test_a_valid_feed_with_no_items_is_not_an_error() -> None:
    feed = parse(rss(""))
    assert feed.title == "World" and feed.entries == () and feed.bozo is False


# --- JSON Feed ----------------------------------------------------------------------------


def json_feed(items: list[dict[str, object]], version: str = "https://jsonfeed.org/version/1.1") -> bytes:
    return json.dumps({"version": version, "title": "J", "items": items}).encode()


def test_json_feed_items_become_entries() -> None:
    body = json_feed([
        {"id": "1", "url": "/p/1?utm_source=x", "title": "<i>One</i>", "content_text": "Text",
         "date_published": "2024-05-01T10:00:00+02:00"},
        {"id": 2, "external_url": "https://other.example.org/x", "summary": "S"},
        {"id": "3", "url": "javascript:void(0)"},
    ])
    feed = parse(body, headers={"content-type": "application/feed+json"})
    first, second = feed.entries
    assert (first.key, first.url, first.canonical_url) == (
        "1", "https://news.example.com/p/1?utm_source=x", "https://news.example.com/p/1"
    )
    assert (first.title, first.summary, first.published_at) == ("One", "Text", datetime(2024, 5, 1, 8, tzinfo=UTC))
    assert (second.key, second.url, second.summary) == ("2", "https://other.example.org/x", "S")


def test_json_feed_is_recognised_by_its_body_without_a_json_content_type() -> None:
    feed = parse(json_feed([{"id": "1", "url": "https://x.example/1"}], "https://jsonfeed.org/version/1"),
                 headers={"content-type": "text/plain"})
    assert feed.title == "J" and len(feed.entries) == 1


def test_deeply_nested_json_is_a_parse_error() -> None:
    with pytest.raises(FeedParseError, match="invalid JSON"):
        parse(b"{" + b'"a":[' * 100_000)


# --- entity attacks -----------------------------------------------------------------------


def measured(body: bytes) -> tuple[ParsedFeed, float, float]:
    """(feed, seconds, peak MB allocated while parsing)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        feed = parse(body)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return feed, time.perf_counter() - started, peak / 1e6


def big_entity_feed(*, value_chars: int = 30_000, references: int = 2_000, ill_formed: bool = True) -> bytes:
    # On its own lines, as feedparser's loose parser wants it; `<br>` makes the strict parser give up.
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "{"A" * value_chars}">\n]>\n'
        f'<rss version="2.0"><channel><title>{"&big;" * references}</title>{"<br>" if ill_formed else ""}'
        "<item><title>x &big;</title><link>https://news.example.com/a</link></item></channel></rss>"
    ).encode()


def billion_laughs(one_line: bool) -> bytes:
    # On one line with the XML declaration, feedparser's regexes miss the DOCTYPE and expat gets it.
    separator = "" if one_line else "\n"
    entities = separator.join(
        ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    )
    return (
        f'<?xml version="1.0"?>{separator}<!DOCTYPE rss [{separator}{entities}{separator}]>\n'
        '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>x</title><link>https://news.example.com/a</link></item></channel></rss>"
    ).encode()


ATTACKS: dict[str, Callable[[], bytes]] = {
    "large entity, loose parser (40 KB)": big_entity_feed,
    "large entity, strict parser": lambda: big_entity_feed(value_chars=10_000, references=300, ill_formed=False),
    "billion laughs, one line": lambda: billion_laughs(one_line=True),
    "billion laughs, one per line": lambda: billion_laughs(one_line=False),
    "large entity, UTF-16": lambda: big_entity_feed().decode().encode("utf-16"),
    "DOCTYPE hidden in a comment": lambda: big_entity_feed().replace(b"<!DOCTYPE", b"<!--\n<!DOCTYPE")
    .replace(b"]>\n<rss", b"]>\n-->\n<rss"),
    "]> inside an entity value": lambda: big_entity_feed().replace(b"<!ENTITY big", b'<!ENTITY q "]>">\n<!ENTITY big'),
}


@pytest.mark.parametrize("name", list(ATTACKS))
def test_entities_never_expand(name: str) -> None:
    feed, seconds, peak_mb = measured(ATTACKS[name]())
    title = feed.title or ""
    assert "AAAA" not in title and "lollol" not in title
    assert len(title) <= 500
    assert all("AAAA" not in (e.title or "") for e in feed.entries)
    assert peak_mb < 20, f"{name}: {peak_mb:.1f} MB"
    assert seconds < 10, f"{name}: {seconds:.2f} s"


def test_external_entities_are_never_read(server: LocalServer) -> None:
    secret = server.add("/secret", Page(b"SECRET-FROM-SERVER", content_type="text/plain"))
    dtd = server.add("/evil.dtd", Page(b'<!ENTITY leak SYSTEM "file:///etc/hostname">', content_type="text/xml"))
    for doctype in (
        f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "{secret}">\n]>',
        '<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>',
        f'<!DOCTYPE rss [\n<!ENTITY % ext SYSTEM "{dtd}">\n%ext;\n]>',
        f'<!DOCTYPE rss SYSTEM "{dtd}">',
    ):
        body = rss(item(title="t &xxe; &leak;"), prolog=f'<?xml version="1.0"?>\n{doctype}\n')
        feed = parse(body)
        assert "SECRET" not in (feed.entries[0].title or "") and "root:" not in (feed.entries[0].title or "")
    assert server.hits("/secret") == [] and server.hits("/evil.dtd") == []


def test_a_legitimate_doctype_is_removed_and_the_feed_stays_well_formed() -> None:
    netscape = (
        '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"\n'
        '  "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n'
    )
    feed = parse(rss(item(title="Caf&#233;"), prolog=f'<?xml version="1.0"?>\n{netscape}'))
    assert feed.bozo is False
    assert feed.entries[0].title == "Café"


def test_json_content_type_on_an_rss_body_still_parses_as_rss() -> None:
    assert parse(rss(item()), headers={"Content-Type": "application/json"}).entries[0].title == "A"


def test_neutralize_doctype_leaves_a_feed_without_doctype_byte_identical() -> None:
    body = rss(item(extra="<description><![CDATA[<!DOCTYPE html> in text]]></description>"))
    assert neutralize_doctype(body) == body


def test_neutralize_doctype_removes_the_whole_internal_subset() -> None:
    body = b'<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE rss [\n<!ENTITY a "x>y]>">\n]>\n<rss/>'
    assert neutralize_doctype(body) == b'<?xml version="1.0"?>\n<!-- c -->\n\n<rss/>'


def test_items_sharing_a_guid_with_different_links_are_different_entries() -> None:
    items = "".join(f"<item><title>t{n}</title><link>https://news.example/{n}</link><guid>same</guid></item>"
                    for n in (1, 2, 1))
    feed = parse(f"<rss version='2.0'><channel>{items}</channel></rss>".encode())
    assert [e.url for e in feed.entries] == ["https://news.example/1", "https://news.example/2"]
    assert {e.key for e in feed.entries} == {"same"}


def test_entries_are_capped_newest_first_in_rss_and_json_feed() -> None:
    dates = ["02 May 2024 10:00:00 GMT", "04 May 2024 10:00:00 GMT", "03 May 2024 10:00:00 GMT"]
    items = "".join(f"<item><link>https://news.example/{n}</link><pubDate>{d}</pubDate></item>"
                    for n, d in enumerate(dates))
    rss = parse_feed(f"<rss version='2.0'><channel>{items}<item><link>https://news.example/undated</link></item>"
                     "</channel></rss>".encode(), feed_id="world", feed_url=FEED_URL, now=NOW, max_entries=2)
    assert [e.url for e in rss.entries] == ["https://news.example/1", "https://news.example/2"]
    many = [{"id": str(n), "url": f"https://news.example/{n}", "date_published": f"2024-05-{n % 28 + 1:02d}T00:00:00Z"}
            for n in range(50_000)]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": many}).encode()
    capped = parse_feed(body, feed_id="world", feed_url=FEED_URL, now=NOW, max_entries=3)
    assert len(capped.entries) == 3 and all(e.published_at and e.published_at.day == 28 for e in capped.entries)
