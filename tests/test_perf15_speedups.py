"""perf15's speed changes return what the code before them returned.

- `text.normalize_text` takes two short ways for a text whose only white space is " " and "\\n":
  the text itself when it is already in normal form (every text extraction stores, which
  `content_hash` normalises again), and `str.split` per line otherwise. Checked against the general
  way it replaced, on any text.
- `localtime.publisher_zone` and `declareddates`' metas are kept for the last page asked about: the
  date rules and the stored zone asked 2-3 times a page, each asking walked the page's links or metas.
  Each page still gets its own, whichever page came before; one extraction walks each once.
- `polling.page_digests`: a batch's pages are hashed (the catch-all probe's search, then the
  intercepts') only when pages of 3 sites share their length: the same verdicts as hashing all.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsflow import catchall, declareddates, intercepts, localtime, polling, portals
from newsflow.extract import extract_article, page_tree
from newsflow.models import FetchKind, FetchResult, Outcome
from newsflow.text import PARAGRAPH_SEPARATOR, content_hash, normalize_text

_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
_INLINE_SPACE = re.compile(r"[^\S\n]+")


def _reference_normal_form(text: str) -> str:
    """`normalize_text` as it was before perf15: every text through splitlines and a regex per line."""
    visible = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in visible.splitlines())
    return PARAGRAPH_SEPARATOR.join(line for line in lines if line)


_CHARACTERS = st.sampled_from(list("ab  \n\n\t\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\u00a0\u2009\u3000"
                                   "\u00ad\u200b\u2060\ufeff\u200de\u0301\u00e9\u0915\u094d"))


@given(text=st.text(_CHARACTERS, max_size=60) | st.text(max_size=60))
@example(text="")
@example(text="\n")
@example(text=" ")
@example(text="a\u00ad \nb")
@example(text="e\u0301 \u200b b")
def test_the_normal_form_is_the_general_ways_on_any_text(text: str) -> None:
    """Line breaks of every kind, Unicode spaces, invisible characters (which may leave two spaces or
    a blank line behind once removed), decomposed accents: the same text as the general way, which
    comes back as it is when normalised again (not rebuilt line by line; unless Python's NFC check
    builds a copy, as for a combining mark)."""
    normal = normalize_text(text)
    assert normal == _reference_normal_form(text)
    assert normalize_text(normal) == normal
    if unicodedata.normalize("NFC", normal) is normal:
        assert normalize_text(normal) is normal


@given(words=st.lists(st.text(st.sampled_from(list("abé\u0915\u094d.,")), min_size=1, max_size=8), max_size=12),
       breaks=st.lists(st.sampled_from([" ", "  ", "\n", " \n ", "\n\n"]), max_size=12))
def test_texts_spaced_only_with_spaces_and_newlines_are_normalised_as_before(words: list[str],
                                                                            breaks: list[str]) -> None:
    """The short ways' own inputs: words between runs of spaces and newlines, at the ends too."""
    text = "".join(word + space for word, space in zip(words, breaks, strict=False))
    for variant in (text, f" {text}", f"\n{text} ", text.replace("\n", "\r\n")):
        normal = normalize_text(variant)
        assert normal == _reference_normal_form(variant)
        if unicodedata.normalize("NFC", normal) is normal:
            assert normalize_text(normal) is normal


def test_a_text_already_in_normal_form_is_returned_as_it_is() -> None:
    """No line of it is rebuilt: `content_hash` of every stored article normalises a text that
    extraction already normalised (0.19 ms an article, perf14)."""
    text = "A headline line\nFirst paragraph of the story, with words.\nSecond one \u00e9t\u00e9 here."
    assert normalize_text(text) is text
    assert content_hash(text) == content_hash(" " + text.replace("\n", " \n\n"))


_STORY = " ".join(["The council approved the budget for schools and roads after a long debate."] * 8)


def _page(lang: str, canonical: str, published: str) -> str:
    return (f"<html lang='{lang}'><head><title>Council approves budget</title>"
            f"<link rel='canonical' href='{canonical}'>"
            f"<meta property='article:published_time' content='{published}'>"
            "<meta property='article:modified_time' content='2026-03-02T10:00:00'>"
            "<meta name='description' content='The council approved it.'></head>"
            f"<body><article><h1>Council approves budget</h1><p>{_STORY}</p><p>{_STORY}</p></article></body></html>")


def _counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    calls = [0]
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_each_page_gets_its_own_zone_and_metas_whatever_page_came_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked again about the same page, neither walks the page again; asked about another, it does."""
    countries = _counting(monkeypatch, localtime, "url_countries")
    names = _counting(monkeypatch, declareddates, "_meta_name")
    german = page_tree(_page("de", "https://example.de/a", "2026-03-01T09:00:00"))
    japanese = page_tree(_page("ja", "https://example.jp/b", "2026-03-05T09:00:00"))
    for _ in range(2):
        assert localtime.zone_name("https://example.de/a", german) == "Europe/Berlin"
        assert localtime.zone_name("https://example.jp/b", japanese) == "Asia/Tokyo"
        assert declareddates.published_metas(german) == ["2026-03-01T09:00:00"]
        assert declareddates.published_metas(japanese) == ["2026-03-05T09:00:00"]
        assert declareddates.modified_metas(japanese) == ["2026-03-02T10:00:00"]
        assert declareddates.modified_metas(japanese) == ["2026-03-02T10:00:00"]
    assert countries[0] == 4  # each page once a round: the other page came between
    assert names[0] == 4 * 3
    us = page_tree(_page("en", "https://example.com/c", "2026-03-01T09:00:00"))
    assert localtime.zone_name("https://example.com/c", us) is None
    assert localtime.zone_name("https://example.com/c", us, "ET") == "America/New_York"  # another abbreviation
    assert localtime.zone_name("https://example.fr/c", us) == "Europe/Paris"  # another URL


def test_one_extraction_walks_the_pages_links_and_metas_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zone was worked out three times a page (the date's, the image check's, the stored zone),
    the metas read three times (published, modified, the cross-check): now once each."""
    countries = _counting(monkeypatch, localtime, "url_countries")
    names = _counting(monkeypatch, declareddates, "_meta_name")
    article = extract_article(_page("de", "https://example.de/a", "2026-03-01T09:00:00"), "https://example.de/a")
    assert article is not None and article.publisher_zone == "Europe/Berlin"
    assert article.published_date is not None and article.published_date.isoformat() == "2026-03-01"
    assert countries[0] == 1
    assert names[0] == 3  # the page's three metas, each named once


# Pages of a batch: 300 bytes and up (a shorter one is no portal's), some of one length with other bytes.
_BODIES = (b"<html>portal " + b"x" * 300, b"<html>portal " + b"y" * 300, b"<html>shared " + b"z" * 400,
           b"<html>own " + b"w" * 500, b"<html>tiny")


def _fetched(site: int, body: int, ok: bool, redirected: bool, address: int) -> FetchResult:
    url = f"http://site{site}.example/article-{body}"
    final = "http://portal.example/login" if redirected else url
    return FetchResult(url, final, FetchKind.ARTICLE, Outcome.OK if ok else Outcome.HTTP_ERROR,
                       datetime(2026, 3, 1, tzinfo=UTC), 200 if ok else 500, html=_BODIES[body] if ok else b"",
                       redirects=((302, final),) if redirected else (), address=f"10.0.0.{address}")


_RESULTS = st.lists(st.builds(_fetched, st.integers(0, 5), st.integers(0, len(_BODIES) - 1), st.booleans(),
                              st.integers(0, 4).map(lambda n: n == 0), st.integers(0, 3)), max_size=14)


@given(results=_RESULTS, answered=st.sets(st.sampled_from(["site0.example", "site6.example"])))
def test_pages_are_hashed_only_when_their_length_is_shared_by_three_sites_with_the_same_verdicts(
    results: list[FetchResult], answered: set[str]
) -> None:
    """The catch-all probe's pages and the intercepts' verdicts with the length filter, and with every
    page hashed (the code before perf15): the same, for batches with portals, redirects, short pages,
    failures and pages of one length but other bytes."""
    batch = list(range(len(results)))
    found = (catchall.repeated_pages(results), intercepts.without_intercepted(batch, results, answered))  # type: ignore[arg-type]
    with mock.patch.object(polling, "page_digests", lambda pages: [polling.page_digest(body) for _, body in pages]):
        assert (catchall.repeated_pages(results),
                intercepts.without_intercepted(batch, results, answered)) == found  # type: ignore[arg-type]


def test_a_batch_of_pages_no_three_sites_share_is_not_hashed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, each page of each batch was hashed twice (sha256 of ~300 KB; the catch-all probe's
    search, then the intercepts'), though only a page 3 sites share can be a portal's."""
    hashed = _counting(monkeypatch, portals, "page_digest")
    results = [_fetched(site, body, True, False, 1) for site, body in ((0, 0), (1, 1), (2, 0), (3, 3), (0, 2))]
    assert catchall.repeated_pages(results) == {}
    kept = intercepts.without_intercepted(list(range(5)), results)  # type: ignore[arg-type]
    assert kept == (list(range(5)), results)
    assert hashed[0] == 3 * 2  # only the 3 sites' pages of one length (two texts), by each of the two
