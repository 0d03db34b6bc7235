"""Quad 39: a text stage quadratic in a block's siblings (docs/security.md, "Quad 39").

Bare cards by the thousand between a story's headline and its first line, one `<div>` their parent, each linking its
author: `newsflow.standfirst` asked, for each card, whether a picture sits among its parent's children, so n cards
cost n² (1,000: 1.7 s, 2,000: 6.7 s, 8,000: about 90 s of CPU, an `extract_timeout` where trafilatura alone answers in
2-3 s). The page is served by a loopback server and extracted by the worker's own `extract_with_deadline`; its cost is
bounded against trafilatura alone on the same page, measured in the same test (CPU, not time: load does not count).
The same shape found by profiling: hidden sentences above a long story (each looked for in the whole text) and menu
bars inside a story (each walking every other bar's row).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
import trafilatura

from newsflow.extract import page_tree
from newsflow.models import Outcome
from newsflow.standfirst import MAX_STANDFIRST_CANDIDATES, restore_standfirst
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


def hidden_sentences_page(sentences: int, story_lines: int) -> bytes:
    """`sentences` hidden sentences under the headline (no reader sees them, trafilatura leaves them out) above a story
    of `story_lines` lines: every one passes the standfirst's tests but the text's own."""
    hidden = "".join(f"<p>The harbour market story number {n} tells of the river and the bridge in the old town.</p>"
                     for n in range(sentences))
    story = "".join(f"<p>Part {n}. The council voted on the new budget {n} for the city schools after a debate.</p>"
                    for n in range(story_lines))
    return (f"<!doctype html><html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1>"
            f'<div style="display:none">{hidden}</div>{story}</article></body></html>').encode()


HIDDEN = 400
HIDDEN_MAX_RATIO = 15
"""Over trafilatura alone on the hidden page (0.03 s): 6x now, most of it `newsflow.continuation`'s line index
(docs/security.md, "Quad 39", what is left); 86x before."""


def test_hidden_sentences_by_the_hundred_above_a_long_story_are_not_each_looked_for_in_its_text() -> None:
    """Before: each of n hidden sentences was looked for in the whole story's text (n x lines): 400 above 400 lines
    took 2.2 s of CPU, 2,000 above 2,000 lines 62 s. Past MAX_STANDFIRST_CANDIDATES none is looked for now: 0.16 s."""
    outcome, html, error, _ = served(hidden_sentences_page(HIDDEN, HIDDEN))
    assert outcome is Outcome.OK, error
    extracted(author_cards_page(2))
    alone, _ = _cpu_of(lambda: trafilatura.bare_extraction(html.decode(), url="http://127.0.0.1/news/1"))
    ours, (outcome, text, _) = _cpu_of(lambda: extracted(html))
    assert outcome is Outcome.OK, text
    assert text is not None and text.startswith("Part 0. ") and text.count("\n") == HIDDEN - 1  # the story, whole
    assert "harbour" not in text
    assert ours <= HIDDEN_MAX_RATIO * alone + 0.3, (ours, alone)


@pytest.mark.parametrize(("others", "restored"),
                         [(MAX_STANDFIRST_CANDIDATES - 1, True), (MAX_STANDFIRST_CANDIDATES, False)])
def test_the_standfirst_tests_run_up_to_the_bound_and_not_past_it(others: int, restored: bool) -> None:
    """Guard of the bound: a standfirst the text lacks, under the headline among `others` sentences the text holds
    further down, is restored while they number under MAX_STANDFIRST_CANDIDATES with it, and not past that."""
    standfirst = "The council met in the town hall on Monday night to settle the budget of the city schools."
    shown = [f"The harbour market story number {n} tells of the river and the bridge in the old town." for n in
             range(others)]
    page = (f"<html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1><p>{standfirst}</p>"
            + "".join(f"<p>{line}</p>" for line in [*shown, *NORMAL_TEXT.split("\n"), *shown])
            + "</article></body></html>")
    text = "\n".join([NORMAL_TEXT, *shown])
    first = restore_standfirst(text, page_tree(page), "Budget vote").split("\n")[0]
    assert first == (standfirst if restored else "Part 1. " + STORY * 3).strip()


BARS = 800
BARS_MAX_RATIO = 4
"""Over trafilatura alone: 2.2-2.3x now (500 to 2,000 bars); 12x before at 800, 10x at 1,000, growing with them."""
MENU_BAR = "<table><tr>" + "".join(f"<td>{label}</td>" for label in ("Home", "Markets", "Sports", "Culture",
                                                                     "Weather", "Travel")) + "</tr></table>"


def menu_bars_page(bars: int) -> bytes:
    story = "".join(f"<p>Part {n}. The council voted on the new budget {n} for the city schools after a debate.</p>"
                    for n in range(20))
    return (f"<!doctype html><html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1>{story}"
            f"{MENU_BAR * bars}</article></body></html>").encode()


def test_menu_bars_by_the_hundred_inside_the_story_cost_about_what_trafilatura_alone_does() -> None:
    """`newsflow.layouttables` asked of each menu bar whether a sentence stands before and after it, walking every
    other bar's row: 800 bars between the story's paragraphs took 3.3 s (12x trafilatura alone), 1,000 2.3 s on an
    idler machine. Now each node is walked once a direction."""
    outcome, html, error, _ = served(menu_bars_page(BARS))
    assert outcome is Outcome.OK, error
    extracted(author_cards_page(2))
    alone, _ = _cpu_of(lambda: trafilatura.bare_extraction(html.decode(), url="http://127.0.0.1/news/1"))
    ours, (outcome, text, _) = _cpu_of(lambda: extracted(html))
    assert outcome is Outcome.OK, text
    assert text is not None and text.startswith("Part 0. ") and "Part 19. " in text
    assert ours <= BARS_MAX_RATIO * alone + 0.1, (ours, alone)
