"""The story's subheads: headings that a second opinion's silence does not remove.

`refine.drop_unconfirmed_lines` drops a short line that a second opinion of the page lacks. Its
second opinions are readability-lxml's text and then the page's JSON-LD `articleBody`, and
`articleBody` is, as publishers write it, the story's paragraphs without their subheads: every
subhead of such a page went (fundus El País, La Vanguardia, Público). A heading of trafilatura's
output that readability-lxml's text shows too, standing between two story paragraphs, is a
subhead, and the `articleBody` check leaves it (docs/extraction.md, "Nineteenth pass, text").
Readability's own silence still counts: a heading it lacks (a teaser card's linked headline in the
story, an accessibility label) goes as before.

Over normalised text and trafilatura's output elements (only their methods are used, so lxml is not
imported).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from typing import Any

from newsflow.text import normalized_line, word_count

SUBHEAD_NEIGHBOUR_WORDS = 15
"""A subhead has a line of at least this many words on either side: story paragraphs, as
`extract.MIN_PARAGRAPH_WORDS` counts them. A heading above teasers, a list or the end of the text
is no subhead."""


def shown_headings(readability: str | None, *bodies: Any) -> frozenset[str]:
    """The headings (`<head>`) of trafilatura's output elements, each as a line of the text, that
    readability-lxml's text (whitespace-normalised, one line) shows too."""
    if not readability:
        return frozenset()
    headings = (normalized_line("".join(head.itertext())) for body in bodies if body is not None
                for head in body.iter("head"))
    return frozenset(line for line in headings if line and line in readability)


class ShownHeadings:
    """`shown_headings`, found on the first question: walking trafilatura's output for its headings
    costs ~0.3 ms a page, and most pages never ask (a short line the `articleBody` lacks, between two
    story paragraphs, is rare)."""

    def __init__(self, readability: str | None, *bodies: Any) -> None:
        self._readability, self._bodies = readability, bodies
        self._lines: frozenset[str] | None = None

    def __contains__(self, line: object) -> bool:
        if self._lines is None:
            self._lines = shown_headings(self._readability, *self._bodies)
        return line in self._lines


def is_subhead(lines: Sequence[str], index: int, headings: Container[str]) -> bool:
    """Whether the line at `index` is one of `headings` with a story paragraph on either side (the
    neighbours are counted first: they are cheaper than some `headings`)."""
    if not 0 < index < len(lines) - 1:
        return False
    neighbours = min(word_count(lines[index - 1]), word_count(lines[index + 1]))
    return neighbours >= SUBHEAD_NEIGHBOUR_WORDS and lines[index] in headings
