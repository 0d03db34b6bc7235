"""Extraction quality on real news pages from ../shared/corpora, against their ground truth.

The pages, their references and the tune/report split come from bench/corpora.py (the same as
`python -m bench --only extraction`): each page is decoded by newsflow.charset as a fetched page
would be, and all go through one `ExtractorPool` (2 workers), newsflow's own extraction path.
Text thresholds are asserted on the report half, the half no setting was chosen on; each sits a
little below what was measured (docs/extraction.md gives the figures).
"""

from __future__ import annotations

import statistics

import pytest
from bench.baselines import trafilatura_text
from bench.corpora import CorpusPage, language_matches, same_day, text_score

from newsflow.extractpool import ExtractionResult
from newsflow.models import Outcome
from newsflow.text import normalize_text, word_count

pytestmark = pytest.mark.corpus

Extracted = list[tuple[CorpusPage, ExtractionResult]]


@pytest.fixture(scope="module")
def extracted(extracted_corpus: Extracted) -> Extracted:
    """Every page through one `ExtractorPool`, extracted once per run (tests/quality/conftest.py)."""
    return extracted_corpus


def text_of(result: ExtractionResult) -> str:
    return result.article.text if result.article else ""


def report_scores(extracted: Extracted, set_name: str) -> list[float]:
    return [text_score(page, text_of(result)) for page, result in extracted
            if page.set_name == set_name and page.half == "report"]


def test_every_page_extracts_without_error_or_timeout(extracted: Extracted) -> None:
    failed = [(page.key, result.outcome) for page, result in extracted
              if result.outcome in (Outcome.EXTRACT_ERROR, Outcome.EXTRACT_TIMEOUT)]
    assert failed == []
    empty = [page.key for page, result in extracted if result.outcome is Outcome.EXTRACT_EMPTY]
    # measured: 0 (1 before newsflow.payload: a Next.js page whose text is only in its scripts)
    assert len(empty) <= 1, empty


@pytest.mark.parametrize(
    ("set_name", "pages", "minimum"),
    [
        # measured 0.9736 (0.965 before newsflow.refine, then 0.966, 0.965, 0.966, 0.967; the seventh pass's teaser
        # cards: herald-sun-1)
        ("readability", 15, 0.972),
        # measured 0.9752 (0.950, then 0.954, 0.955, 0.956; 0.9658 with the fourth pass's leads and payloads, 0.9666
        # with the fifth's; 0.9746 with the seventh pass's long continuations, teaser cards and Japanese furniture;
        # the ninth pass's prompts and links out)
        ("fundus", 105, 0.972),
        ("trafilatura-eval", 65, 0.973),  # snippet F1, measured 0.9746 (0.947, then 0.962, 0.968, 0.972, 0.972)
    ],
)
def test_report_half_mean_f1(extracted: Extracted, set_name: str, pages: int, minimum: float) -> None:
    scores = report_scores(extracted, set_name)
    assert len(scores) == pages
    assert statistics.mean(scores) >= minimum


def test_newsflow_scores_at_least_trafilatura_alone_on_the_report_half(extracted: Extracted) -> None:
    report = [(page, result) for page, result in extracted if page.half == "report"]
    ours = statistics.mean(text_score(page, text_of(result)) for page, result in report)
    alone = statistics.mean(text_score(page, normalize_text(trafilatura_text(page.html, page.url) or ""))
                            for page, _ in report)
    # measured 0.9748 against 0.949 (0.962 before the fourth pass, 0.968 before the fifth, 0.9695 before the seventh,
    # 0.9745 before the ninth)
    assert ours >= alone + 0.023, (ours, alone)


def test_trafilatura_eval_snippets(extracted: Extracted) -> None:
    found = kept_out = total_with = total_without = 0
    for page, result in extracted:
        text = " ".join(text_of(result).split())
        found += sum(" ".join(snippet.split()) in text for snippet in page.with_snippets)
        kept_out += sum(" ".join(snippet.split()) not in text for snippet in page.without_snippets)
        total_with += len(page.with_snippets)
        total_without += len(page.without_snippets)
    assert total_with == 455 and total_without == 476
    # measured 0.993, 452 of 455 (0.989 before the sixth pass's dropped paragraphs, 0.976 before leads were restored
    # line by line)
    assert found / total_with >= 0.99
    # measured 0.962 (0.929, then 0.943 with unconfirmed lines dropped, 0.952, 0.954 with notices dropped, then
    # the fifth pass's tails and notices)
    assert kept_out / total_without >= 0.958


def test_every_text_is_in_normal_form_one_paragraph_per_line(extracted: Extracted) -> None:
    texts = [text_of(result) for _, result in extracted if result.article]
    assert all(text == normalize_text(text) and "\n\n" not in text for text in texts)


def test_fundus_titles_match(extracted: Extracted) -> None:
    pairs = [(normalize_text(page.title or ""), result.article.title if result.article else None)
             for page, result in extracted if page.set_name == "fundus" and page.title]
    assert len(pairs) == 209
    matching = sum(bool(found) and expected.casefold() in (found or "").casefold() for expected, found in pairs)
    assert matching / len(pairs) >= 0.82  # measured 0.88: ours may add a kicker or the site


def test_publication_day_is_right_on_dated_pages(extracted: Extracted) -> None:
    dated = [(page, result) for page, result in extracted if page.published is not None]
    assert len(dated) == 353
    right = [same_day(page, result.article.published_date if result.article else None) for page, result in dated]
    # measured 0.966: 341 of 353 (0.963 before the fifth pass, 0.949 before the byline time,
    # yearless CJK days, published metas and named months, 0.941 before the publisher's zone and the headline
    # date, 0.921 before the local day), no feed date
    assert sum(right) / len(dated) >= 0.963
    report = [ok for ok, (page, _) in zip(right, dated, strict=True) if page.half == "report"]
    # measured 0.964: 160 of 166; 0.952 blind, 0.958 before (docs/extraction.md, "Fifth pass, dates", the misses)
    assert sum(report) / len(report) >= 0.96


def test_language_is_given_for_articles_of_50_words(extracted: Extracted) -> None:
    articles = [result.article for _, result in extracted if result.article and word_count(result.article.text) >= 50]
    assert sum(bool(article.language) for article in articles) / len(articles) >= 0.98  # measured 1.00


def test_language_is_right_where_the_corpus_knows_it(extracted: Extracted) -> None:
    known = [(page, result) for page, result in extracted if page.language and result.article]
    assert len(known) >= 180
    right = sum(language_matches(page, result.article.language if result.article else None) for page, result in known)
    assert right / len(known) >= 0.97  # measured 1.00 (declared only: 0.95)
