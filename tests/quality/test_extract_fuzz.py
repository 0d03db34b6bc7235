"""Mangled real pages never crash extraction: every page ends in an outcome.

Real news pages from ../shared/corpora are damaged the way the web damages pages (flipped,
inserted and deleted bytes, cut-off downloads, tags nested thousands deep, stray NULs and
BOMs), decoded as a fetched page is (`charset.decode_html`), then extracted:

- in this process through `extract_with_deadline`, which must never raise;
- in batches through `ExtractorPool.extract_many` with a short time limit, which must return
  one result per page, in order, each OK, EXTRACT_EMPTY, EXTRACT_TIMEOUT or EXTRACT_ERROR.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow.charset import decode_html
from newsflow.extract import extract_article, is_article_text
from newsflow.extractpool import ExtractionResult, ExtractorPool, PageToExtract, extract_with_deadline
from newsflow.models import Outcome

pytestmark = pytest.mark.corpus

PAGES = (
    "readability-testpages-news/ars-1/source.html.gz",
    "readability-testpages-news/heise/source.html.gz",
    "readability-testpages-news/la-nacion/source.html.gz",
    "readability-testpages-news/lemonde-1/source.html.gz",
    "fundus-news/cn/People_2024_04_24.html.gz",
    "fundus-news/at/ORF_2024_11_22.html.gz",
)
OUTCOMES = {Outcome.OK, Outcome.EXTRACT_EMPTY, Outcome.EXTRACT_TIMEOUT, Outcome.EXTRACT_ERROR}
POOL_TIMEOUT = 2.0
_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


def fuzz(examples: int) -> settings:
    """Few examples (each extraction takes 20-200 ms), no per-example deadline, nothing saved to disk."""
    return settings(max_examples=examples, deadline=None, database=None, suppress_health_check=_QUIET)

# --- mutations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    kind: str
    at: int  # reduced modulo the page length
    size: int
    junk: bytes

    def apply(self, body: bytes) -> bytes:
        at = self.at % (len(body) + 1)
        if self.kind == "flip":
            end = min(len(body), at + self.size)
            return body[:at] + bytes(b ^ 0xFF for b in body[at:end]) + body[end:]
        if self.kind == "insert":
            return body[:at] + self.junk + body[at:]
        if self.kind == "delete":
            return body[:at] + body[at + self.size * 97:]
        if self.kind == "truncate":
            return body[:at]
        if self.kind == "nest":
            depth = self.size * 40
            return body[:at] + b"<div><span><b>" * depth + self.junk + body[at:]
        if self.kind == "unclose":
            return body[:at] + b"<table><tr><td><p><ul><li><a href='" + self.junk + body[at:]
        raise AssertionError(self.kind)


JUNK = st.one_of(
    st.binary(max_size=64),
    st.sampled_from([b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"<!--", b"]]>", b"<script>", b"</html>", b"&#0;",
                     b"&#xD800;", b"<![CDATA[", b"<?xml version='1.0' encoding='utf-16'?>", b"\r\r\r\n",
                     "\u202e\u200b\ufffd".encode(), b"<meta charset='x-unknown'>"]),
)
MUTATION = st.builds(
    Mutation,
    kind=st.sampled_from(["flip", "insert", "delete", "truncate", "nest", "unclose"]),
    at=st.integers(min_value=0, max_value=10**7),
    size=st.integers(min_value=1, max_value=50),
    junk=JUNK,
)


def mangle(body: bytes, mutations: list[Mutation]) -> str:
    for mutation in mutations:
        body = mutation.apply(body)
    return decode_html(body, "text/html")  # the fetcher's decoding, which must cope too


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(corpora: Path) -> dict[str, bytes]:
    return {name: gzip.decompress((corpora / name).read_bytes()) for name in PAGES}


@pytest.fixture(scope="module")
def pool() -> Iterator[ExtractorPool]:
    with ExtractorPool(2, POOL_TIMEOUT) as extractor_pool:
        yield extractor_pool


def check_result(result: ExtractionResult) -> None:
    assert result.outcome in OUTCOMES
    if result.outcome is Outcome.OK:
        assert result.article is not None and is_article_text(result.article.text)
        assert result.article.text == result.article.text.strip()
    else:
        assert result.article is None
    if result.outcome is Outcome.EXTRACT_ERROR:
        assert result.error, "an error outcome says what failed"


# --- tests ---------------------------------------------------------------------------------------


def test_unmangled_pages_extract(pages: dict[str, bytes]) -> None:
    """Control: the pages fuzzed below are real articles, so OK is a reachable outcome."""
    for name, body in pages.items():
        assert extract_article(decode_html(body, "text/html"), f"https://example.org/{name}") is not None, name


@fuzz(150)
@given(name=st.sampled_from(PAGES), mutations=st.lists(MUTATION, min_size=1, max_size=6))
def test_mangled_page_extracts_to_an_outcome_in_process(
    pages: dict[str, bytes], name: str, mutations: list[Mutation]
) -> None:
    page = PageToExtract(key=name, html=mangle(pages[name], mutations), url=f"https://example.org/{name}")
    result = extract_with_deadline(page, None, extract_article)  # no alarm here: pytest-timeout owns SIGALRM
    check_result(result)


@fuzz(25)
@given(batch=st.lists(st.tuples(st.sampled_from(PAGES), st.lists(MUTATION, max_size=4)), min_size=1, max_size=6))
def test_mangled_batch_through_the_pool_gives_one_outcome_per_page_in_order(
    pages: dict[str, bytes], pool: ExtractorPool, batch: list[tuple[str, list[Mutation]]]
) -> None:
    inputs = [PageToExtract(key=f"{i}:{name}", html=mangle(pages[name], mutations), url=f"https://example.org/{i}")
              for i, (name, mutations) in enumerate(batch)]
    results = pool.extract_many(inputs)
    assert [r.key for r in results] == [p.key for p in inputs]
    for result in results:
        check_result(result)
