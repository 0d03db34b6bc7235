"""jusText's context-sensitive classification (`justext.core.revise_paragraph_classification`, 3.0.2) in linear time:
the same classes, paragraph for paragraph (red team 27).

trafilatura falls back to jusText on a page its own extraction finds short. jusText gives each 'short' or
'neargood' paragraph the classes of its nearest 'good' or 'bad' neighbours, found by walking from it, paragraph by
paragraph, each time: a run of N short paragraphs costs N² steps. A page of 5,000 one-word `<p>`s (or `<li>`s,
`<td>`s, `<div>`s, `<h2>`s) took 3.7 s of a worker's CPU, 20,000 (200 KB) 52 s, past the 30 s limit: an
`extract_timeout` every run, the story lost, for a page a tenth the size of many real ones. Here each neighbour is
read from one pass over the paragraphs in each direction, and so is the nearest good paragraph after each heading
(jusText's heading walks stop after `max_heading_distance` characters, but a paragraph of no text, a `<br>` alone,
counts none).

No import of jusText: `newsflow.extract` installs this in place of trafilatura's reference to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

GOOD_OR_BAD = frozenset({"good", "bad"})
NOT_SHORT = frozenset({"good", "bad", "neargood"})


def nearest_classes(classes: Sequence[str], kept: frozenset[str], backwards: bool) -> list[str]:
    """For each paragraph, the class of the nearest one before it (after it, `backwards`) whose class is in `kept`;
    'bad' when there is none, as jusText's walk returns at either end."""
    found = ["bad"] * len(classes)
    last = "bad"
    order = range(len(classes) - 1, -1, -1) if backwards else range(len(classes))
    for index in order:
        found[index] = last
        if classes[index] in kept:
            last = classes[index]
    return found


def revise_paragraph_classification(paragraphs: Sequence[Any], max_heading_distance: int = 200) -> None:
    """jusText's `revise_paragraph_classification`, its neighbour walks replaced by `nearest_classes` and its
    heading walks by `_good_within`."""
    near = _good_within(paragraphs, [p.class_type for p in paragraphs], max_heading_distance)
    for index, paragraph in enumerate(paragraphs):  # good headings (jusText's loop reads the later ones' classes
        paragraph.class_type = paragraph.cf_class  # before it copies them: the classes as they came)
        if paragraph.heading and paragraph.class_type == "short" and near[index]:
            paragraph.class_type = "neargood"
    _classify_short(paragraphs)
    _revise_neargood(paragraphs)
    near = _good_within(paragraphs, [p.class_type for p in paragraphs], max_heading_distance)
    for index, paragraph in enumerate(paragraphs):  # more good headings (each reads only later, unchanged ones)
        if paragraph.heading and paragraph.class_type == "bad" and paragraph.cf_class != "bad" and near[index]:
            paragraph.class_type = "good"


def _good_within(paragraphs: Sequence[Any], classes: Sequence[str], max_distance: int) -> list[bool]:
    """For each paragraph, whether jusText's heading walk from it finds a 'good' one: the next good paragraph, with
    at most `max_distance` characters in the paragraphs between. One pass backwards (jusText walks from each
    heading, which is quadratic when the paragraphs between have no text: `<h2><br></h2>`, review of red team 27);
    a paragraph's text is measured only when a heading may walk over it."""
    found = [False] * len(classes)
    if not any(p.heading for p in paragraphs):
        return found
    good_after, between = False, 0
    for index in range(len(classes) - 1, -1, -1):
        found[index] = good_after and between <= max_distance
        if classes[index] == "good":
            good_after, between = True, 0
        elif good_after and between <= max_distance:
            between += len(paragraphs[index].text)
    return found


def _classify_short(paragraphs: Sequence[Any]) -> None:
    """Each short paragraph good between good ones, bad between bad ones; between a good and a bad one, good when
    the bad side's nearest paragraph that is not short is near-good. All are judged before any changes."""
    classes = [paragraph.class_type for paragraph in paragraphs]
    before, after = nearest_classes(classes, GOOD_OR_BAD, False), nearest_classes(classes, GOOD_OR_BAD, True)
    any_before, any_after = nearest_classes(classes, NOT_SHORT, False), nearest_classes(classes, NOT_SHORT, True)
    new_classes = {}
    for index, kind in enumerate(classes):
        if kind != "short":
            continue
        previous, following = before[index], after[index]
        if previous == following:
            new_classes[index] = previous
        elif (previous == "bad" and any_before[index] == "neargood") or (
                following == "bad" and any_after[index] == "neargood"):
            new_classes[index] = "good"
        else:
            new_classes[index] = "bad"
    for index, kind in new_classes.items():
        paragraphs[index].class_type = kind


def _revise_neargood(paragraphs: Sequence[Any]) -> None:
    """Each near-good paragraph bad between bad ones, else good. jusText revises them in order, so the one before
    may be one just revised (the running `previous`); the one after is read as it stands."""
    following = nearest_classes([paragraph.class_type for paragraph in paragraphs], GOOD_OR_BAD, True)
    previous = "bad"
    for index, paragraph in enumerate(paragraphs):
        if paragraph.class_type == "neargood":
            paragraph.class_type = "bad" if (previous, following[index]) == ("bad", "bad") else "good"
        if paragraph.class_type in GOOD_OR_BAD:
            previous = paragraph.class_type
