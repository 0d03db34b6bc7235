"""Extraction's shortcuts change nothing on real pages: a sample of ../shared/corpora extracted with
trafilatura's category, tag and license search skipped (as `extract_article` runs, read from the run's shared
extraction of the corpus) and in full.

The whole corpus, every field, before and after a change: `python -m bench.identity save|check`.
"""

from __future__ import annotations

import pytest
from bench.corpora import CorpusPage

from newsflow.extract import extract_article
from newsflow.extractpool import ExtractionResult
from newsflow.models import Outcome
from tests.test_extract_shortcuts import trafilatura_metadata_in_full

pytestmark = pytest.mark.corpus

EVERY = 10  # ~40 pages of the three sets: each extracted twice
Extracted = list[tuple[CorpusPage, ExtractionResult]]
FAILED = (Outcome.EXTRACT_ERROR, Outcome.EXTRACT_TIMEOUT)


def test_skipping_unused_metadata_changes_no_field_on_real_pages(extracted_corpus: Extracted) -> None:
    # `fast` is extract_article's own result, run by the pool this run already extracted every page with
    # (tests/quality/conftest.py); a page the pool failed on is extracted here again.
    sample = extracted_corpus[::EVERY]
    pages = [page for page, _ in sample]
    fast = [result.article if result.outcome not in FAILED else extract_article(page.html, page.url)
            for page, result in sample]
    with trafilatura_metadata_in_full():
        full = [extract_article(page.html, page.url) for page in pages]
    assert sum(article is not None for article in fast) >= 0.9 * len(pages)
    differing = [page.key for page, one, other in zip(pages, fast, full, strict=True) if one != other]
    assert differing == []
