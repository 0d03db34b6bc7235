"""A valid feed of tens of thousands of items (red team 5): its newest are kept before feedparser.

feedparser takes about 0.85 ms an item on this machine class: 20,000 small items (2.9 MB, well
under `fetch.max_bytes`) took 17 s and 80,000 took 78 s, so such a feed met the parse limit
(`extract.timeout`) on every poll and was never ingested. `feedprep.keep_newest_items` keeps the
`2 * max_entries` newest items, chosen as `feedentries.newest` chooses, before feedparser runs.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from newsflow.feedpool import FeedParserPool
from newsflow.feedprep import PRECUT_ITEMS, keep_newest_items
from newsflow.feeds import parse_feed
from newsflow.models import Outcome

T0 = datetime(2025, 6, 1, tzinfo=UTC)


def rss(items: list[tuple[int, str | None]]) -> bytes:
    rendered = "".join(
        f"<item><title>Item {n}</title><link>https://big.example/a/{n}</link><guid>g{n}</guid>"
        + (f"<pubDate>{date}</pubDate>" if date else "") + "</item>" for n, date in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
            f"<link>https://big.example/</link>{rendered}</channel></rss>").encode()


def rfc822(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def test_a_feed_of_fifteen_thousand_items_oldest_first_parses_within_the_limit_to_its_newest() -> None:
    count = 15_000
    body = rss([(n, rfc822(T0 + timedelta(minutes=n))) for n in range(count)])  # oldest first, ~2 MB

    async def parse() -> tuple[Outcome, list[str]]:
        with FeedParserPool(1, 5.0, 200) as pool:
            parsed = await pool.parse(body, "big", "https://big.example/feed", {})
        return parsed.outcome, [e.key for e in parsed.parsed.entries] if parsed.parsed else []

    outcome, keys = asyncio.run(parse())
    assert outcome is Outcome.OK, "parsed within the 5 s limit"
    assert keys == [f"g{n}" for n in range(count - 200, count)]


def test_cutting_first_keeps_what_parsing_everything_keeps() -> None:
    """Mixed dates: RFC 822 with offsets, ISO 8601, none, the year 9999 (no date to feedentries),
    a month that does not exist; the 200 entries kept are the same with the cut and without it."""
    rng = random.Random(5)
    items: list[tuple[int, str | None]] = []
    for n in range(PRECUT_ITEMS + 300):
        moment = T0 + timedelta(seconds=rng.randrange(10_000_000))
        items.append((n, rng.choice([
            rfc822(moment), moment.strftime("%a, %d %b %Y %H:%M:%S -0500"), moment.isoformat(),
            moment.strftime("%Y-%m-%dT%H:%M:%SZ"), None, "Fri, 01 Jan 9999 00:00:00 GMT",
            "Mon, 01 Foo 2025 10:00:00 GMT"])))
    body = rss(items)
    assert keep_newest_items(body, 200).count(b"<item>") == 400
    cut = parse_feed(body, feed_id="big", feed_url="https://big.example/feed", max_entries=200)
    whole = parse_feed(body, feed_id="big", feed_url="https://big.example/feed")
    newest = sorted(whole.entries, key=lambda e: (e.published_at is None, -(e.published_at or T0).timestamp()))
    assert {e.key for e in cut.entries} == {e.key for e in newest[:200]}


def test_a_feed_of_ordinary_size_is_left_as_it_is() -> None:
    body = rss([(n, rfc822(T0 + timedelta(minutes=n))) for n in range(PRECUT_ITEMS)])
    assert keep_newest_items(body, 200) is body


def test_items_that_never_close_are_cut_like_closed_ones() -> None:
    """100,000 `<item>` start tags and no end tag. Each end tag is looked for only up to the next
    item, so this takes one pass, not one pass per item; an item with none ends where the next one
    starts, as feedparser's loose parser reads it. Before red team 11 such a feed went to feedparser
    whole: one unclosed item among 50,000 cost a parser 16 s a poll (tests/hostile/test_redteam11.py)."""
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
            + b"<item><title>a</title>" * 100_000 + b"</channel></rss>")
    kept = keep_newest_items(body, 200)
    assert kept.count(b"<item>") == 400 and kept.endswith(b"</channel></rss>")
