"""Extraction's shortcuts change nothing on real pages: a sample of ../shared/corpora extracted with
trafilatura's category, tag and license search skipped (as `extract_article` runs) and in full.

The whole corpus, every field, before and after a change: `python -m bench.identity save|check`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench.corpora import all_pages

from newsflow.extract import extract_article
from tests.test_extract_shortcuts import trafilatura_metadata_in_full

pytestmark = pytest.mark.corpus

EVERY = 10  # ~40 pages of the three sets: each extracted twice


def test_skipping_unused_metadata_changes_no_field_on_real_pages(corpora: Path) -> None:
    pages = all_pages(corpora)[::EVERY]
    fast = [extract_article(page.html, page.url) for page in pages]
    with trafilatura_metadata_in_full():
        full = [extract_article(page.html, page.url) for page in pages]
    assert sum(article is not None for article in fast) >= 0.9 * len(pages)
    differing = [page.key for page, one, other in zip(pages, fast, full, strict=True) if one != other]
    assert differing == []
