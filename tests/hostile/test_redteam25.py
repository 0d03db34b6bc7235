"""Red team 25: what a page's metadata can do to its text (docs/security.md, "Red team 25").

A page whose metadata is hostile must still have its text stored. Each page here is served by a real loopback
server, fetched by the fetcher and extracted by the worker's own function (`extract_with_deadline`: the time
limit and the outcome a worker reports), so a fault in metadata shows as the worker records it.

1. JSON-LD nested past Python's stack (`[` 200,000 times): `json.loads` raised `RecursionError` in
   `newsflow.jsonld` (an `extract_error`: the text lost for a metadata problem). The block is now skipped as
   unreadable, as invalid JSON was, and the page's other blocks still read.
2. A JSON-LD `headline` that is a number, a list or an object (`"headline": 2026`): trafilatura took it for
   the title and `normalize_text` raised `TypeError`: `extract_error`. The title is now `<title>`'s.
3. People's names in JSON-LD: trafilatura's `normalize_authors` is cubic in distinct names (1,000 people in a
   45 KB page took 23-26 s of the worker, broken JSON or valid: `extract_timeout`, the text lost). An author
   string is capped at 100 names, and the other author pattern's delete-and-search loop at 100 rounds.
4. Markup nested 1,000 deep after the story (review): kept from the recursion of newsflow's own tree walks by
   libxml2's 255-level limit; the branch's `huge_tree` (a story past 255 levels kept) let it through, and
   `headline_date._node_texts` raised `RecursionError`: `extract_error`. `huge_tree` reverted.
5. Accept-Encoding (pinned, passes on main): every request advertises only what the bounded decoder undoes.
"""

from __future__ import annotations

import gzip
import itertools
import random
import zlib

import pytest

from newsflow.contentcoding import BoundedDecoder
from newsflow.extract import prepare_extractor
from newsflow.extractworker import PageToExtract, extract_article, extract_with_deadline
from newsflow.fetch import ACCEPT_ENCODING
from newsflow.jsonauthors import MAX_AUTHOR_NAMES
from newsflow.models import Outcome
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_article, fetch_feed, settings
from tests.hostile.test_redteam23 import with_length

STORY = "The council voted on the new budget for the city schools today after a long debate. "


def article_page(head: str, before: str = "") -> bytes:
    body = "".join(f"<p>{STORY * 3}</p>" for _ in range(4))
    return (f"<!doctype html><html><head><title>Budget vote</title>{head}</head><body>{before}<article>"
            f"<h1>Budget vote</h1>{body}</article></body></html>").encode()


def ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def served_and_extracted(html: bytes, timeout: float = 20.0) -> tuple[Outcome, str | None, str | None, str | None]:
    """The page served by a loopback server, fetched, then extracted as a worker does: outcome, text, title, author."""
    server = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", html))
    try:
        fetched = fetch_article(settings(respect_robots=False, timeout=10.0), server.url("/news/1"))
    finally:
        server.close()
    assert fetched.outcome is Outcome.OK and fetched.html is not None, fetched.error
    prepare_extractor()  # as a worker does before its first page: the language model is no page's time
    result = extract_with_deadline(PageToExtract("k", fetched.html, fetched.final_url or ""), timeout, extract_article)
    article = result.article
    if article is None:
        return result.outcome, result.error, None, None
    return result.outcome, article.text, article.title, article.author


AUTHOR_BLOCK = ld('{"@context":"https://schema.org","@type":"NewsArticle",'
                  '"author":{"@type":"Person","name":"Jane Doe"}}')


@pytest.mark.parametrize("head", [
    ld("[" * 200_000) + AUTHOR_BLOCK,  # nested past the stack; a later valid block still read
    ld('{"@context":"https://schema.org","@type":"NewsArticle","headline":2026}') + AUTHOR_BLOCK,
    ld('{"@context":"https://schema.org","@type":"NewsArticle","headline":["Budget","vote"]}') + AUTHOR_BLOCK,
], ids=["nested-200k-deep", "headline-a-number", "headline-a-list"])
def test_a_page_whose_json_ld_is_hostile_keeps_its_text_and_title(head: str) -> None:
    """Before: `extract_error` (`RecursionError`, `TypeError: expected string ... got 'int'`): the text lost."""
    outcome, text, title, author = served_and_extracted(article_page(head))
    assert outcome is Outcome.OK, text
    assert text is not None and "city schools" in text
    assert title == "Budget vote"
    assert author == "Jane Doe"


def test_markup_nested_a_thousand_deep_after_the_story_keeps_the_text() -> None:
    """Review of red team 25: with `huge_tree` (2,048 levels) this page was an `extract_error` (`RecursionError`
    in `headline_date._node_texts`, a recursive walk): the text lost. libxml2's 255-level limit keeps it `ok`."""
    page = article_page(AUTHOR_BLOCK).replace(b"</article>", b"</article>" + b"<div>" * 1_500 + b"x")
    outcome, text, title, _ = served_and_extracted(page)
    assert outcome is Outcome.OK, text
    assert text is not None and "city schools" in text and title == "Budget vote"


def people(count: int, template: str) -> str:
    rng = random.Random(25)
    syllables = ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(4)) for _ in range(count)]
    return "".join(template % f"{first.title()} {last.title()}" for first, last in itertools.pairwise(syllables))


BROKEN = '{"@context":"https://schema.org","@type":"NewsArticle",'


@pytest.mark.parametrize("block", [
    BROKEN + people(1_001, '{"@type":"Person","name":"%s"},'),
    BROKEN + people(1_001, '"author":{"name":"%s"},'),
    BROKEN + '"author":[' + people(1_001, '{"@type":"Person","name":"%s"},').rstrip(",") + "]}",
], ids=["person-pattern", "author-pattern", "valid-json"])
def test_a_page_naming_a_thousand_people_in_json_ld_is_extracted_in_its_time(block: str) -> None:
    """1,000 distinct names in a JSON-LD block (~40-50 KB), broken or valid. Before: 23-26 s of CPU in trafilatura's
    `normalize_authors` (cubic), past the time limit: `extract_timeout`, the text lost."""
    outcome, text, _, author = served_and_extracted(article_page(ld(block)), timeout=10.0)
    assert outcome is Outcome.OK, text
    assert author is not None and author.count("; ") + 1 <= MAX_AUTHOR_NAMES


@pytest.mark.parametrize("head", [
    ld('{"@context":"https://schema.org","@type":"NewsArticle","author":"' + people(20_001, "%s, ") + '"}'),
    f'<meta name="author" content="{people(20_001, "%s; ")}">',
    people(1_001, '<meta name="author" content="%s">'),
], ids=["json-ld-one-string", "one-meta-tag", "a-meta-tag-each"])
def test_a_page_naming_thousands_in_one_author_string_or_in_meta_tags_is_extracted_in_its_time(head: str) -> None:
    """Review of red team 25: 20,000 names in one author string (JSON-LD or a meta tag, ~380 KB) took 31.6 s
    of CPU in one `normalize_authors` call (quadratic), and 1,000 meta tags its cubic case (600: 5.5 s): the
    cap held neither (metadata.py calls its own import). `extract_timeout`, the text lost."""
    outcome, text, _, author = served_and_extracted(article_page(head), timeout=10.0)
    assert outcome is Outcome.OK, text
    assert author is not None and author.count("; ") + 1 == MAX_AUTHOR_NAMES


def test_a_page_of_author_openings_that_never_match_is_extracted_in_its_time() -> None:
    """Review of red team 25: `"author" ` 20,000 times in JSON-LD that does not parse (180 KB): trafilatura's
    `JSON_AUTHOR_1` search alone was quadratic (8,000: 3.6 s; this page over 2 minutes): `extract_timeout`."""
    outcome, text, title, _ = served_and_extracted(article_page(ld('{"x":' + '"author" ' * 20_000)), timeout=10.0)
    assert outcome is Outcome.OK, text
    assert text is not None and "city schools" in text and title == "Budget vote"


def test_every_request_advertises_only_the_codings_newsflow_undoes() -> None:
    """Pinned (passes on main): an article, its robots.txt and a feed all say `gzip, deflate`, each of which
    the bounded decoder undoes; `br` and `zstd`, which it refuses (`parse_error`), are never advertised."""
    feed = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
    server = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", feed if path == "/feed" else article_page(""),
                                                b"text/plain" if path == "/robots.txt" else b"text/html"))
    try:
        fetch_article(settings(), server.url("/news/1"))
        fetch_feed(settings(), server.url("/feed"))
    finally:
        server.close()
    assert sorted(request.path for request in server.requests) == ["/feed", "/news/1", "/robots.txt"]
    assert {request.header("accept-encoding") for request in server.requests} == {ACCEPT_ENCODING}
    packers = {"gzip": gzip.compress, "deflate": zlib.compress}
    for coding in [name.strip() for name in ACCEPT_ENCODING.split(",")]:
        decoder = BoundedDecoder(coding, 1_000)
        assert decoder.feed(packers[coding](b"<p>x</p>")) == b"<p>x</p>" and decoder.complete
    for coding in ("br", "zstd"):
        assert coding not in ACCEPT_ENCODING
