"""Extraction quality on real news pages from ../shared/corpora, against their ground truth.

All pages of three sets go through one `ExtractorPool` (2 workers) once per module:
- readability-testpages-news: token F1 against Readability's expected text (tags stripped);
  yahoo-2 is a front page and is left out.
- fundus-news: token F1 against the body fundus parsed (summary, subheads, paragraphs), and
  whether title and publishing date agree.
- trafilatura-eval-news: share of the human-chosen `with` snippets found in the text and of
  the `without` (boilerplate) snippets kept out of it.
Thresholds sit a little below what was measured; the measured figures are in docs/extraction.md.
"""

from __future__ import annotations

import csv
import gzip
import json
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsflow.extractpool import ExtractionResult, ExtractorPool, PageToExtract
from newsflow.models import Outcome
from newsflow.text import normalize_text, token_f1

pytestmark = pytest.mark.corpus

FRONT_PAGES = {"yahoo-2"}
MIN_TITLE_MATCH = 0.82  # measured 0.88: the fundus title is within ours (ours may add a kicker or site)
MIN_SAME_DAY = 0.93  # measured 0.97


@dataclass(frozen=True)
class Reference:
    page: PageToExtract
    set_name: str
    text: str = ""
    title: str | None = None
    published: str | None = None
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_tags(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def gunzip_text(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")


def readability_references(root: Path) -> list[Reference]:
    references = []
    for folder in sorted(p for p in (root / "readability-testpages-news").iterdir() if p.is_dir()):
        if folder.name in FRONT_PAGES:
            continue
        page = PageToExtract(folder.name, gunzip_text(folder / "source.html.gz"), f"https://example.test/{folder.name}")
        expected = strip_tags(gunzip_text(folder / "expected.html.gz"))
        references.append(Reference(page, "readability", text=expected))
    return references


def fundus_references(root: Path) -> list[Reference]:
    base = root / "fundus-news"
    references = []
    with (base / "INDEX.csv").open(encoding="utf-8") as index:
        for row in csv.DictReader(index):
            truth = json.loads((base / row["expected_json"]).read_text(encoding="utf-8"))[row["version_key_inferred"]]
            body = truth.get("body") or {}
            paragraphs = list(body.get("summary", []))
            for section in body.get("sections", []):
                paragraphs += section.get("headline", []) + section.get("paragraphs", [])
            page = PageToExtract(row["html_file"], gunzip_text(base / row["html_file"]), row["url"])
            references.append(Reference(page, "fundus", text="\n".join(paragraphs), title=truth.get("title"),
                                        published=row["publishing_date"] or None))
    return references


def trafilatura_eval_references(root: Path) -> list[Reference]:
    base = root / "trafilatura-eval-news"
    entries = json.loads((base / "evaldata-news.json").read_text(encoding="utf-8"))
    references = []
    for url, entry in sorted(entries.items()):
        page = PageToExtract(url, gunzip_text(base / "html" / f"{entry['file']}.gz"), url)
        references.append(Reference(page, "trafilatura-eval", with_snippets=tuple(entry["with"]),
                                    without_snippets=tuple(entry["without"])))
    return references


@pytest.fixture(scope="module")
def extracted(corpora: Path) -> list[tuple[Reference, ExtractionResult]]:
    references = readability_references(corpora) + fundus_references(corpora) + trafilatura_eval_references(corpora)
    with ExtractorPool(workers=2, timeout=30) as pool:
        results = pool.extract_many([reference.page for reference in references])
    return list(zip(references, results, strict=True))


def text_of(result: ExtractionResult) -> str:
    return result.article.text if result.article else ""


def f1_scores(extracted: list[tuple[Reference, ExtractionResult]], set_name: str) -> list[float]:
    return [token_f1(text_of(result), ref.text) for ref, result in extracted if ref.set_name == set_name]


def test_every_page_extracts_without_error_or_timeout(extracted: list[tuple[Reference, ExtractionResult]]) -> None:
    failed = [(ref.page.key, result.outcome) for ref, result in extracted
              if result.outcome in (Outcome.EXTRACT_ERROR, Outcome.EXTRACT_TIMEOUT)]
    assert failed == []
    empty = [ref.page.key for ref, result in extracted if result.outcome is Outcome.EXTRACT_EMPTY]
    assert len(empty) <= 2, empty  # measured: 1, a Next.js page whose text is only in scripts


def test_readability_pages_token_f1(extracted: list[tuple[Reference, ExtractionResult]]) -> None:
    scores = f1_scores(extracted, "readability")
    assert len(scores) == 39
    assert statistics.median(scores) >= 0.93  # measured 0.98
    assert statistics.mean(scores) >= 0.90  # measured 0.95
    assert sum(score >= 0.9 for score in scores) / len(scores) >= 0.8  # measured 0.90


def test_fundus_pages_token_f1(extracted: list[tuple[Reference, ExtractionResult]]) -> None:
    scores = f1_scores(extracted, "fundus")
    assert len(scores) == 209
    assert statistics.median(scores) >= 0.93  # measured 0.98
    assert statistics.mean(scores) >= 0.90  # measured 0.95
    assert sum(score >= 0.9 for score in scores) / len(scores) >= 0.85  # measured 0.90


def test_trafilatura_eval_snippets(extracted: list[tuple[Reference, ExtractionResult]]) -> None:
    found = kept_out = total_with = total_without = 0
    for ref, result in extracted:
        text = text_of(result)
        found += sum(snippet in text for snippet in ref.with_snippets)
        kept_out += sum(snippet not in text for snippet in ref.without_snippets)
        total_with += len(ref.with_snippets)
        total_without += len(ref.without_snippets)
    assert total_with == 455 and total_without == 476
    assert found / total_with >= 0.92  # measured 0.94
    assert kept_out / total_without >= 0.90  # measured 0.93


def test_fundus_titles_match(extracted: list[tuple[Reference, ExtractionResult]]) -> None:
    pairs = [(ref.title, result.article.title if result.article else None)
             for ref, result in extracted if ref.set_name == "fundus" and ref.title]
    matching = sum(bool(found) and normalize_text(expected).casefold() in found.casefold() for expected, found in pairs)
    assert matching / len(pairs) >= MIN_TITLE_MATCH


def test_fundus_publishing_dates_fall_on_the_same_day(extracted: list[tuple[Reference, ExtractionResult]]) -> None:
    pairs = [(datetime.fromisoformat(ref.published), result.article.published_at if result.article else None)
             for ref, result in extracted if ref.set_name == "fundus" and ref.published]
    same_day = sum(found is not None and found.date() in {expected.date(), expected.astimezone(UTC).date()}
                   for expected, found in pairs)
    assert same_day / len(pairs) >= MIN_SAME_DAY
