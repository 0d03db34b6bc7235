"""Red team 26: hostile pages that cost a worker its time or a story its text (docs/security.md, "Red team 26").

Each page is served by a real loopback server and fetched by the fetcher; the page tests extract it with the
worker's own `extract_with_deadline` (its time limit and the outcome a worker records), and one whole run
(`run_ingest`) takes all of them from one feed beside a normal article.

1. `<i></i>` a million times (7 MB): 25 s of a worker's CPU, an `extract_timeout` under a 10 s limit, the story
   lost. Empty elements' tags (and runs of `<br>`) are dropped before the parse on a page of over 100,000 tags.
2. A PNG, JPEG, PDF, zip or random bytes served as `text/html`: decoded and extracted (`extract_empty`, seconds
   of a worker). Refused from its first bytes, `not_html` naming what it is; no corpus page is refused.
3. A JSON-LD block of 10 MB that does not parse: 6.5-8.6 s (trafilatura's regexes and htmldate's over the page
   source). Cut to its first 64 KB, which still give the author.
4. A story nested 300 or 1,500 levels deep: libxml2 dropped all past 255 (`extract_empty`, the story lost). Parsed
   again with `huge_tree` and flattened to 240 levels; markup 1,500 deep after a story stays `ok` (red team 25).
5. (found) A feed item of 100,000 `<category>`s: feedparser's quadratic `_add_tag`, over 23 s of a parse worker, a
   `parse_error` every run. 100 categories kept.
"""

from __future__ import annotations

import asyncio
import gzip
import io
import random
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow.binaryhead import binary_kind
from newsflow.config import load_config
from newsflow.extract import page_tree, prepare_extractor
from newsflow.extractworker import PageToExtract, extract_article, extract_with_deadline
from newsflow.models import Outcome
from newsflow.pagebounds import MAX_DEPTH
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.rawserver import RawServer
from tests.hostile.servers import fetch_article, settings
from tests.hostile.test_redteam23 import with_length
from tests.sitefactory import rss_feed
from tests.test_unstoppable import query

STORY = "The council voted on the new budget for the city schools today after a long debate. "
CORPORA = [Path(__file__).resolve().parents[3] / "shared" / "corpora", Path("/work/shared/corpora")]


def article_page(head: str = "", before: str = "", after: str = "", story: str = STORY) -> bytes:
    body = "".join(f"<p>Part {part}. {story * 3}</p>" for part in range(1, 5))
    return (f"<!doctype html><html><head><title>Budget vote</title>{head}</head><body>{before}<article>"
            f"<h1>Budget vote</h1>{body}</article>{after}</body></html>").encode()


def ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


BROKEN_LD = ld('{"@context":"https://schema.org","@type":"NewsArticle","author":{"@type":"Person","name":"Jane Doe"},'
               + '"x":"y",' * 1_200_000)  # 9.6 MB (under the 10 MB cap), never closed
WORDS = random.Random(26).sample(["harbour", "council", "river", "budget", "school", "market", "bridge", "station",
                                  "library", "garden", "museum", "festival", "theatre", "hospital", "stadium",
                                  "airport", "factory", "forest", "valley", "island"], 20)


def story_of(number: int) -> str:
    """A story of its own (a run stores the same text once): its words drawn for `number`."""
    words = random.Random(number).choices(WORDS, k=14)
    return f"The city schools story {number} tells of the {' and the '.join(words)} in a long debate today. "


HOSTILE_SHAPES = {
    "million-empty-elements": {"after": "<i></i>" * 1_000_000},
    "million-empty-divs": {"after": '<div class="x"> </div>' * 400_000},
    "million-line-breaks": {"after": "<br>\n" * 1_000_000},
    "broken-json-ld-10mb": {"head": BROKEN_LD},
    "story-300-deep": {"before": "<div>" * 300},
    "story-1500-deep": {"before": "<div>" * 1_500},
}
HOSTILE_PAGES = {name: article_page(**shape) for name, shape in HOSTILE_SHAPES.items()}
NORMAL_TEXT = "\n".join(f"Part {part}. {STORY * 3}".strip() for part in range(1, 5))


def served(body: bytes, content_type: bytes = b"text/html") -> tuple[Outcome, bytes, str | None, int]:
    """The body served as an article by a loopback server and fetched: outcome, page, error, bytes read."""
    server = RawServer(lambda path: with_length(b"HTTP/1.1 200 OK", body, content_type))
    try:
        fetched = fetch_article(settings(respect_robots=False, timeout=10.0), server.url("/news/1"))
    finally:
        server.close()
    return fetched.outcome, fetched.html, fetched.error, fetched.bytes_read


CPU_BUDGET_S = 5.0
"""CPU seconds a hostile page may take to extract here; the same page with no hostile markup takes 0.05-0.1 s, and
before this pass a million empty elements took 25 s (CPU, not wall time: the machine's load does not count)."""


def extracted(html: bytes, timeout: float = 30.0) -> tuple[Outcome, str | None, str | None]:
    """Extracted as a worker does, under the default 30 s limit, and within CPU_BUDGET_S of this process's CPU."""
    prepare_extractor()  # as a worker does before its first page
    started = time.process_time()
    result = extract_with_deadline(PageToExtract("k", html, "http://127.0.0.1/news/1"), timeout, extract_article)
    assert time.process_time() - started < CPU_BUDGET_S, result.outcome
    if result.article is None:
        return result.outcome, result.error, None
    return result.outcome, result.article.text, result.article.author


@pytest.mark.parametrize("name", list(HOSTILE_PAGES))
def test_a_hostile_page_keeps_its_story_within_the_time_limit(name: str) -> None:
    """Before: 25 s of CPU for a million empty elements (an `extract_timeout` on a loaded machine), 6.5-8.6 s for
    the 10 MB broken JSON-LD, `extract_empty` for a story nested past 255 levels. Now `ok` within CPU_BUDGET_S, the
    text the same page gives without the hostile markup."""
    outcome, html, error, _ = served(HOSTILE_PAGES[name])
    assert outcome is Outcome.OK, error
    outcome, text, author = extracted(html)
    assert outcome is Outcome.OK, text
    assert text == NORMAL_TEXT  # the text the same page without the hostile markup gives
    if name == "broken-json-ld-10mb":
        assert author == "Jane Doe"  # the block's first 64 KB are still read


def test_a_page_nested_past_libxml2s_limit_is_flattened_to_a_depth_the_tree_walks_bear() -> None:
    """The flattened tree holds every character of the story, and nothing deeper than MAX_DEPTH (newsflow's and
    trafilatura's walks recurse: 1,000 levels raised `RecursionError`, review of red team 25)."""
    page = article_page(before="<div><span>" * 500, after="<div>" * 900 + "tail words").decode()  # 1,900 deep
    tree = page_tree(page)
    assert tree.text_content().count(STORY) == 12 and "tail words" in tree.text_content()
    assert not tree.xpath("/".join(["*"] * (MAX_DEPTH + 1)))


def test_markup_nested_a_thousand_deep_after_the_story_still_keeps_the_text() -> None:
    """Red team 25's pin, with this pass's re-parse: 1,500 unclosed `<div>`s after the story stay `ok`."""
    outcome, html, error, _ = served(article_page(after="<div>" * 1_500 + "x"))
    assert outcome is Outcome.OK, error
    outcome, text, _ = extracted(html)
    assert outcome is Outcome.OK and text is not None and "city schools" in text


def zipped() -> bytes:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("story.txt", STORY * 100)
    return packed.getvalue()


RANDOM = random.Random(26)
BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n" + RANDOM.randbytes(200_000),
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + RANDOM.randbytes(200_000),
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" + RANDOM.randbytes(200_000),
    "zip": zipped() + RANDOM.randbytes(200_000),
    "random-bytes": RANDOM.randbytes(200_000),
    "gzip-of-random-bytes": gzip.compress(RANDOM.randbytes(200_000)),  # the undeclared layer undone, then judged
}


@pytest.mark.parametrize("name", list(BINARIES))
def test_a_binary_body_declared_html_is_refused_from_its_first_bytes(name: str) -> None:
    """Before: read whole, decoded and extracted (`extract_empty`, a worker's seconds each run). Now `not_html`,
    the error naming what it is, and the body left unread after its head."""
    outcome, _, error, bytes_read = served(BINARIES[name], b"text/html; charset=utf-8")
    assert outcome is Outcome.NOT_HTML, error
    assert error is not None and "declared HTML, but the body is" in error
    if not name.startswith("gzip"):  # a packed body is judged unpacked, once it has all come
        assert bytes_read < len(BINARIES[name])


@pytest.mark.parametrize("body", [
    b"\x00" * 600 + article_page(),  # NUL padding before the page
    article_page().decode().encode("utf-16-le"),  # UTF-16 with no BOM, its charset declared
    article_page().replace(b"<p>", b"<p>\x01\x02\x03\x04\x05\x06\x07\x08 ", 2),  # odd bytes in the text
    b"BMW and ID3 " + article_page(),  # a text starting as a signature does, with no binary byte after
], ids=["nul-padded", "utf-16-no-bom", "control-bytes-in-text", "signature-like-words"])
def test_html_with_odd_bytes_is_still_read(body: bytes) -> None:
    """Controls (pass on main too): a page is refused only when its head is a binary file's."""
    content_type = b"text/html; charset=utf-16le" if body[1:2] == b"\x00" else b"text/html"
    outcome, html, error, _ = served(body, content_type)
    assert outcome is Outcome.OK, error
    assert b"city schools" in html or body.startswith(b"\x00")  # (600 NULs make the charset guess UTF-16, as on main)


CYRILLIC_FRAGMENT = ("<section><h2>Бюджет города</h2>" + "Городской совет утвердил бюджет школ на следующий год. " * 40
                     + "</section>")


@pytest.mark.parametrize("encoding, bom", [
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""), ("utf-32-le", b"\xff\xfe\x00\x00"),
])
def test_a_cyrillic_page_in_utf16_or_utf32_without_a_listed_tag_in_its_head_is_read(encoding: str, bom: bytes) -> None:
    """Review of red team 26: Cyrillic in UTF-16 has a 0x04 byte in every other one, a 'binary' share; a page
    whose first 1,024 bytes held no <html>/<p>/<div>... (a <section>, a long comment) was refused as binary
    data. It reads as UTF-16 text with no control character, so it is a page (fails before `wide_text`)."""
    body = bom + CYRILLIC_FRAGMENT.encode(encoding)
    charset = encoding.replace("-", "", 1).encode()  # utf-16le
    outcome, _, error, bytes_read = served(body, b"text/html; charset=" + charset)
    assert outcome is Outcome.OK, error  # (how it is decoded after is charset's matter, as on main)
    assert bytes_read >= len(body)


def corpus_pages() -> Iterator[Path]:
    root = next((path for path in CORPORA if path.is_dir()), None)
    assert root is not None, f"the corpora are not at {CORPORA}"
    yield from (path for path in root.rglob("*") if path.is_file() and ".htm" in path.name)


def test_no_corpus_page_is_taken_for_a_binary_file() -> None:
    """Each real page's raw bytes (1,000-odd, unpacked), judged at the 512 bytes the fetcher may first see, at
    1,024, and whole: none is binary."""
    judged = 0
    for path in corpus_pages():
        raw = path.read_bytes()
        raw = gzip.decompress(raw) if path.name.endswith(".gz") else raw
        for head in (raw[:512], raw[:1024], raw):
            assert binary_kind(head) is None, path
        judged += 1
    assert judged > 400


def run_one_feed_of(pages: dict[str, bytes], tmp_path: Path, name: str) -> Path:
    """One run of one feed listing `pages` (path -> body, served as HTML by a raw loopback server); the run must
    complete. Returns the run's config path, for queries of its warehouse."""
    holder: list[RawServer] = []

    def answer(path: str) -> bytes:
        if path == "/feed.xml":
            items = [(path.rsplit("/", 1)[1], holder[0].url(path), None) for path in pages]
            return with_length(b"HTTP/1.1 200 OK", rss_feed(name, items), b"application/rss+xml")
        return with_length(b"HTTP/1.1 200 OK", pages.get(path, b""), b"text/html")

    holder.append(server := RawServer(answer))
    try:
        config_path = write_config(tmp_path, "", {name: server.url("/feed.xml")}, respect_robots=False)
        result = asyncio.run(run_ingest(load_config(config_path), name, all_feeds=True))
    finally:
        server.close()
    assert result.status == "completed"
    return config_path


def test_a_run_stores_every_story_and_refuses_the_binary_beside_a_normal_article(tmp_path: Path) -> None:
    """One feed, one run: a normal article, the hostile pages above and a PNG labelled `text/html`. Before: the
    million empty elements and the 10 MB JSON-LD `extract_timeout` (10 s limit), the deep stories
    `extract_empty`, the PNG `extract_empty` after its extraction. Now every story is stored whole, the PNG is
    `not_html`, and the normal article is stored as ever."""
    pages = {f"/news/{name}": article_page(**shape, story=story_of(number))
             for number, (name, shape) in enumerate(HOSTILE_SHAPES.items())}
    pages["/news/normal"] = article_page(story=story_of(99))
    pages["/news/image"] = BINARIES["png"]
    config_path = run_one_feed_of(pages, tmp_path, "rt26")
    stored = {str(url): str(text) for url, text in query(config_path, "SELECT url, text FROM articles")}
    assert sorted(url.rsplit("/", 1)[1] for url in stored) == sorted([*HOSTILE_SHAPES, "normal"])
    assert all(text.count("city schools story") == 12 for text in stored.values())
    refused = query(config_path, "SELECT outcome, error FROM fetch_events WHERE url LIKE '%/news/image'")
    assert [outcome for outcome, _ in refused] == ["not_html"] and "a PNG image" in str(refused[0][1])


def test_a_feed_item_of_a_hundred_thousand_categories_is_parsed_in_its_time(tmp_path: Path) -> None:
    """feedparser compared each new `<category>` with every one kept (quadratic): 100,000 in one item (2.7 MB) took
    over 23 s of a parse worker (5,000: 1.2 s; quadratic, so minutes), so the feed was a `parse_error` at the time
    limit every run and its article never fetched. Now 100 are kept (newsflow reads none): ~2 s, the article stored."""
    categories = "".join(f"<category>topic {number}</category>" for number in range(100_000))
    holder: list[RawServer] = []

    def answer(path: str) -> bytes:
        if path == "/feed.xml":
            feed = rss_feed("rt26", [("Budget vote", holder[0].url("/news/1"), None)]).decode()
            feed = feed.replace("</item>", categories + "</item>").encode()
            return with_length(b"HTTP/1.1 200 OK", feed, b"application/rss+xml")
        return with_length(b"HTTP/1.1 200 OK", article_page(story=story_of(7)), b"text/html")

    holder.append(server := RawServer(answer))
    article_url = server.url("/news/1")
    try:  # the default 30 s limit: ~2 s of CPU now, minutes before
        config_path = write_config(tmp_path, "", {"rt26": server.url("/feed.xml")}, {"timeout": 30.0},
                                   respect_robots=False)
        result = asyncio.run(run_ingest(load_config(config_path), "rt26", all_feeds=True))
    finally:
        server.close()
    assert result.status == "completed"
    assert query(config_path, "SELECT outcome FROM polls") == [("ok",)]
    assert [url for (url,) in query(config_path, "SELECT url FROM articles")] == [article_url]
