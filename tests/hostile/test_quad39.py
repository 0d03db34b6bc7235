"""Quad 39: a text stage quadratic in a block's siblings (docs/security.md, "Quad 39").

Bare cards by the thousand between a story's headline and its first line, one `<div>` their parent, each linking its
author: `newsflow.standfirst` asked, for each card, whether a picture sits among its parent's children, so n cards
cost n² (1,000: 1.7 s, 2,000: 6.7 s, 8,000: about 90 s of CPU, an `extract_timeout` where trafilatura alone answers in
2-3 s). The page is served by a loopback server and extracted by the worker's own `extract_with_deadline`; its cost is
bounded against trafilatura alone on the same page, measured in the same test (CPU, not time: load does not count).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

import trafilatura

from newsflow.models import Outcome
from tests.hostile.test_redteam26 import NORMAL_TEXT, STORY, extracted, served

T = TypeVar("T")
CARDS = 1_500
MAX_RATIO = 2.5
"""newsflow's extraction over trafilatura's alone on this page: 1.0-1.2x now (2,500 to 8,000 cards); 5.4x at 1,500
cards before, 7x at 2,000 (and growing with the cards' number)."""


def author_cards_page(cards: int) -> bytes:
    """A story under its headline, with `cards` bare cards (an author link, a story link) between the two."""
    card = '<div><a href="/author/jane-doe-{0}">By Jane Doe</a> <a href="/news/story-{0}">The harbour market story ' \
           'number {0} tells of the river and the bridge in town</a></div>'
    body = "".join(f"<p>Part {part}. {STORY * 3}</p>" for part in range(1, 5))
    return (f"<!doctype html><html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1>"
            f"<div>{''.join(card.format(n) for n in range(cards))}</div>{body}</article></body></html>").encode()


def _cpu_of(work: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    gc.disable()  # a collection inside one measure and not the other is noise, not cost
    try:
        started = time.process_time()
        result = work()
        return time.process_time() - started, result
    finally:
        gc.enable()


def test_bare_cards_by_the_thousand_under_the_headline_cost_about_what_trafilatura_alone_does() -> None:
    """Before: 5.4x trafilatura alone at 1,500 cards, 90 s of CPU at 8,000. Now within MAX_RATIO, the story whole."""
    outcome, html, error, _ = served(author_cards_page(CARDS))
    assert outcome is Outcome.OK, error
    extracted(author_cards_page(2))  # the extractor's first use (its own warm-up) is not the page's cost
    alone, _ = _cpu_of(lambda: trafilatura.bare_extraction(html.decode(), url="http://127.0.0.1/news/1"))
    ours, (outcome, text, _) = _cpu_of(lambda: extracted(html))
    assert outcome is Outcome.OK, text
    assert text == NORMAL_TEXT  # the cards are no story text, and none is taken for a standfirst
    assert ours <= MAX_RATIO * alone + 0.1, (ours, alone)
