"""`newsflow.justextlinear` gives jusText's classes, paragraph for paragraph, in linear time (red team 27)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import justext.core
import pytest
import trafilatura.external as trafilatura_external
from hypothesis import given
from hypothesis import strategies as st

from newsflow.extract import extract_article, page_tree, prepare_extractor
from newsflow.justextlinear import revise_paragraph_classification
from tests.hostile.test_redteam26 import article_page


@dataclass
class Paragraph:
    """What jusText's classification reads and writes of a paragraph."""

    cf_class: str
    heading: bool
    text: str
    class_type: str = ""


CLASSES = ["short", "good", "bad", "neargood"]
PARAGRAPHS = st.lists(st.builds(Paragraph, st.sampled_from(CLASSES), st.booleans(), st.text("ab ", max_size=90),
                                st.sampled_from(["", *CLASSES])), max_size=60)


@given(PARAGRAPHS, st.sampled_from([0, 20, 150, 200]))
def test_the_classes_are_justexts_own(paragraphs: list[Paragraph], distance: int) -> None:
    """Any sequence of classes, headings, lengths (none too) and classes before the call (jusText's first heading
    loop reads the later paragraphs' before it copies theirs): the same final classes as jusText 3.0.2's own
    function (this fails if a jusText upgrade changes its rules: then this copy must follow)."""
    theirs = [Paragraph(p.cf_class, p.heading, p.text, p.class_type) for p in paragraphs]
    justext.core.revise_paragraph_classification(theirs, distance)
    revise_paragraph_classification(paragraphs, distance)
    assert [p.class_type for p in paragraphs] == [p.class_type for p in theirs]


def test_a_long_run_of_short_paragraphs_is_classified_in_linear_time() -> None:
    """50,000 short paragraphs between two good ones, with near-good ones and headings among them: jusText's walks
    take N² steps (20,000 took 52 s inside an extraction; 50,000 minutes); here a fraction of a second."""
    paragraphs = [Paragraph("good", False, "story " * 30)]
    paragraphs += [Paragraph(("short", "short", "neargood")[n % 3], n % 7 == 0, "ab") for n in range(50_000)]
    paragraphs.append(Paragraph("good", False, "story " * 30))
    started = time.process_time()
    revise_paragraph_classification(paragraphs, 150)
    assert time.process_time() - started < 5.0
    assert {p.class_type for p in paragraphs} == {"good"}


def test_headings_of_no_text_are_classified_in_linear_time() -> None:
    """Review: jusText's heading walks stop after `max_heading_distance` characters, but a heading of no text (a
    `<br>` alone: jusText keeps its space, then strips it) counts none, so 30,000 of them before a good paragraph
    cost 30,000 walks of the whole run (N²: minutes). Here one pass, the classes jusText's."""
    paragraphs = [Paragraph("short", True, "") for _ in range(30_000)] + [Paragraph("good", False, "story " * 30)]
    started = time.process_time()
    revise_paragraph_classification(paragraphs, 150)
    assert time.process_time() - started < 5.0
    assert {p.class_type for p in paragraphs} == {"good"}


def test_trafilatura_alone_keeps_justexts_own_classification_after_an_extraction(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: the benchmarks' baseline, trafilatura alone, runs in the process that extracted: its jusText fallback
    must stay the library's own (jusText's walks), as extract.py's other hooks do outside `extract_article`."""
    walks: list[int] = []
    own = justext.core.get_prev_neighbour
    monkeypatch.setattr(justext.core, "get_prev_neighbour",
                        lambda *args, **kwargs: walks.append(1) or own(*args, **kwargs))
    page = article_page(after="<p>word</p>" * 300).decode()
    prepare_extractor()
    extract_article(page, "http://example.com/news/1")
    trafilatura_external.try_justext(page_tree(page), "http://example.com/news/1", "en")
    assert walks
