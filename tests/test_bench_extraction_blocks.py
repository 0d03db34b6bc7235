"""How the extraction benchmark times its two sides (bench/extraction.py, speed41): by blocks of pages, in turns.

Not a timing: the two extractors are replaced by recorders, so what is checked is the order the pages are timed in
(each block through both sides before the next block, the side that goes first swapped each round), that every page is
timed on both sides every round, and that each page keeps its own result.
"""

from __future__ import annotations

import pytest
from bench import extraction
from bench.corpora import CorpusPage


def _pages(count: int) -> list[CorpusPage]:
    return [CorpusPage("fundus", f"page{index}", f"<p>{index}</p>", f"https://example.com/{index}")
            for index in range(count)]


def test_sides_alternate_by_block_and_swap_first_each_round(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(extraction, "prepare_extractor", lambda: None)
    monkeypatch.setattr(extraction, "trafilatura_alone", lambda html, url: calls.append(("alone", url)))
    monkeypatch.setattr(extraction, "extract_article", lambda html, url: calls.append(("newsflow", url)) or url)
    pages = _pages(2 * extraction.BLOCK_PAGES + 3)  # two whole blocks and a short last one

    results, first_round = extraction.extract_pages(pages, rounds=2)

    blocks = [range(start, min(start + extraction.BLOCK_PAGES, len(pages)))
              for start in range(0, len(pages), extraction.BLOCK_PAGES)]
    expected = []
    for round_number in range(2):
        sides = ("alone", "newsflow") if round_number == 0 else ("newsflow", "alone")
        for block in blocks:
            for side in sides:
                expected += [(side, pages[index].url) for index in block]
    assert calls == expected
    assert [result.article for result in results] == [page.url for page in pages]  # each page keeps its own output
    assert all(result.newsflow_seconds >= 0 and result.trafilatura_seconds >= 0 for result in results)
    assert first_round >= 0
