"""How the extraction benchmark times its two sides (bench/extraction.py, speed41): by blocks of pages, in turns.

Not a timing: the two extractors are replaced by recorders, so what is checked is the order the pages are timed in
(in turns by blocks, the two sides on blocks half a round apart, so
neither extracts a page the other has just extracted; the side that goes first swapped each round), that every page is
timed on both sides every round, and that each page keeps its own result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pytest
from bench import extraction
from bench.corpora import CorpusPage


def _pages(count: int) -> list[CorpusPage]:
    return [CorpusPage("fundus", f"page{index}", f"<p>{index}</p>", f"https://example.com/{index}")
            for index in range(count)]


def test_sides_take_turns_by_blocks_half_a_round_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []
    monkeypatch.setattr(extraction, "prepare_extractor", lambda: None)

    def recorder(side: str) -> Callable[[str, str], str]:
        def extract(html: str, url: str) -> str:
            calls.append((side, url))
            return url

        return extract

    monkeypatch.setattr(extraction, "trafilatura_alone", recorder("alone"))
    monkeypatch.setattr(extraction, "extract_article", recorder("newsflow"))
    pages = _pages(5 * extraction.BLOCK_PAGES + 3)  # five whole blocks and a short last one

    results, first_ratio = extraction.extract_pages(pages, rounds=2)

    blocks = [range(start, min(start + extraction.BLOCK_PAGES, len(pages)))
              for start in range(0, len(pages), extraction.BLOCK_PAGES)]
    half = len(blocks) // 2
    expected = []
    for round_number in range(2):
        for index, block in enumerate(blocks):
            alone = [("alone", pages[page].url) for page in block]
            newsflow = [("newsflow", pages[page].url) for page in blocks[(index + half) % len(blocks)]]
            expected += alone + newsflow if round_number == 0 else newsflow + alone
    assert calls == expected
    for side in ("alone", "newsflow"):  # every page once a round on each side
        assert sorted(url for name, url in calls if name == side) == sorted(2 * [page.url for page in pages])
    first_round = calls[: 2 * len(pages)]
    position = {call: index for index, call in enumerate(first_round)}
    gaps = [abs(position[("alone", page.url)] - position[("newsflow", page.url)]) for page in pages]
    assert min(gaps) > 2 * extraction.BLOCK_PAGES  # no page extracted by one side just after the other
    assert [cast(str, result.article) for result in results] == [page.url for page in pages]  # each its own output
    assert all(result.newsflow_seconds >= 0 and result.trafilatura_seconds >= 0 for result in results)
    assert first_ratio >= 0
