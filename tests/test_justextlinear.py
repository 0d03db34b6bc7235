"""`newsflow.justextlinear` gives jusText's classes, paragraph for paragraph, in linear time (red team 27)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import justext.core
from hypothesis import given
from hypothesis import strategies as st

from newsflow.justextlinear import revise_paragraph_classification


@dataclass
class Paragraph:
    """What jusText's classification reads and writes of a paragraph."""

    cf_class: str
    heading: bool
    text: str
    class_type: str = ""


PARAGRAPHS = st.lists(st.builds(Paragraph, st.sampled_from(["short", "good", "bad", "neargood"]), st.booleans(),
                                st.text("ab ", max_size=90)), max_size=60)


@given(PARAGRAPHS, st.sampled_from([0, 20, 150, 200]))
def test_the_classes_are_justexts_own(paragraphs: list[Paragraph], distance: int) -> None:
    """Any sequence of classes, headings and lengths: the same final classes as jusText 3.0.2's own function (this
    fails if a jusText upgrade changes its rules: then this copy must follow)."""
    theirs = [Paragraph(p.cf_class, p.heading, p.text) for p in paragraphs]
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
