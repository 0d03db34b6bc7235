"""A summary box above the story: a label over a list of the story's points, in a box the page marks as a summary.

Norwegian papers open a story with a model-written summary the desk approved ("Kort fortalt" at Dagbladet,
"Kortversjonen" at VG: four "- " items) in a container classed as one (`aiArticleSummary`, `_summary_z2qlv_1`).
trafilatura keeps it as the text's first lines, above or below the standfirst; the references leave it out
(fundus's Dagbladet page 0.943 -> 0.995 without it). The label's words are any language's: the box is known by the
page's markup, never by a phrase, so a story's own "Key points:" over its lines stays (thirty-first pass's review;
docs/extraction.md, "Thirty-sixth pass, text"). A fragment of such a box without its label, the lone point a split
story's cascade leaves at the text's top, goes too; a marked box's points all there are the story's own bullets and
stay, as fundus's Business Insider and Tages-Anzeiger references keep them ("Thirty-ninth pass, text").
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from newsflow.leadins import LIST_ITEM_MARK
from newsflow.pageblocks import TEXT_HOLDING, bounded_text, printed_outside, text_element
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

LABEL_MAX_INDEX = 2
"""The label is among the text's first LABEL_MAX_INDEX + 1 lines: above the story, a standfirst and a kicker at most
before it."""
LABEL_MAX_WORDS = 5
SUMMARY_MIN_ITEMS = 2
SUMMARY_MAX_DEPTH = 4
"""The box is the label's element or one of its SUMMARY_MAX_DEPTH nearest ancestors."""
SUMMARY_MAX_CHARACTERS = 2000
"""A summary box is short; a container this long is the story's (a template that classes its whole body as an
"entry-summary") and is not read to its end."""
MAX_LABELS_READ = 5
_SUMMARY_MARK = re.compile(r"summary|tldr|sammendrag|zusammenfassung", re.IGNORECASE)
"""Words of a summary box's class or id: markup's English word (Dagbladet's `aiArticleSummary`, VG's
`_summary_z2qlv_1`), "tldr", and Norwegian's and German's word for it, as a template may name its classes in its
own language (not seen in the corpora)."""
_SENTENCE_END = (".", "!", "?")
_ITEM_IS_ONE_OF = "boolean(//body//li[normalize-space(.) = $a or normalize-space(.) = $b or normalize-space(.) = $c])"
"""Whether a list item's whole text is one of the text's first lines (as points): most pages' are not, and then the
page's marks are not read."""
_CLASSES_AND_IDS = "//body//@class | //body//@id"
MAX_BOXES_READ = 5
MAX_ITEMS_READ = 50
"""A summary box is short: a page's marked elements past the first MAX_BOXES_READ, and a marked element's list items
past MAX_ITEMS_READ, are not read (a hostile page marking every element)."""

def drop_summary_box(text: str, tree: Any) -> str:
    """The text without a summary box's label and items among its first lines, when the page marks a box holding
    them all as a summary (`_SUMMARY_MARK` in its class or id); the text as it is otherwise. Where the cheap text
    test (a short label over SUMMARY_MIN_ITEMS list items near the top) rules the box out, the tree is not read."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    for index, line in enumerate(lines[: LABEL_MAX_INDEX + 1]):
        items = _items_after(lines, index)
        if items < SUMMARY_MIN_ITEMS or not _is_label(line) or tree is None:
            continue
        points = [item[len(LIST_ITEM_MARK):] for item in lines[index + 1: index + 1 + items]]
        if index + 1 + items == len(lines):
            return text  # no story under the list: the list is the story (a brief), not a box above one
        if not _in_summary_box(tree, line, points, lines[index + 1 + items]):
            return text
        return PARAGRAPH_SEPARATOR.join(lines[:index] + lines[index + 1 + items:])
    return _drop_unlabelled_points(lines, text, tree)


def _drop_unlabelled_points(lines: list[str], text: str, tree: Any) -> str:
    """The text without a run of a summary box's points among its first lines when neither the box's label nor its
    other points came with them: a story split over two containers under the box, where trafilatura's text opened
    with the box's last point alone (thirty-ninth pass). Each line of the run is the whole text of a list item of one
    box the page marks as a summary, holding SUMMARY_MIN_ITEMS items or more and not the line after the run."""
    first, second, third = ([_point(line) for line in lines[: LABEL_MAX_INDEX + 1]] * 3)[:3]
    if tree is None or not tree.xpath(_ITEM_IS_ONE_OF, a=first, b=second, c=third):
        return text  # no first line is a list item's whole text: one walk in C, the page's marks not read
    boxes = _marked_points(tree)
    if not boxes:
        return text
    for index in range(min(LABEL_MAX_INDEX + 1, len(lines) - 1)):
        box = boxes.get(_point(lines[index]))
        if box is None:
            continue
        end = index + 1
        while end < len(lines) - 1 and boxes.get(_point(lines[end])) is box:
            end += 1
        shown = bounded_text(box, SUMMARY_MAX_CHARACTERS)
        if shown is None or _unspaced(lines[end]) in _unspaced(shown):
            return text  # the marked element holds the story too: the story's container, no box above it
        if not _a_fragment(box, lines[index:end], text) or _printed_by_the_story(tree, lines[index:end]):
            return text
        return PARAGRAPH_SEPARATOR.join(lines[:index] + lines[end:])
    return text


def _a_fragment(box: Any, run: list[str], text: str) -> bool:
    """Whether the run is a fragment of the box: fewer lines than its items, and none of its other items anywhere in
    the text. A box's points all in the text are the story's own bullets, which fundus's references keep (Business
    Insider's "summary-list", Tages-Anzeiger's "SummaryList" without its label); a lone point left by a split story's
    cascade is not (thirty-ninth pass)."""
    items = {_item_text(item) for item in islice(box.iter("li"), MAX_ITEMS_READ)}
    points = {_point(line) for line in run}
    shown = _unspaced(text)
    others = [item for item in items - points if item]
    return len(points) < len(items) and not any(_unspaced(item) in shown for item in others)


def _printed_by_the_story(tree: Any, run: list[str]) -> bool:
    """Whether the page prints a line of the run outside every box it marks as a summary: a box repeating the story's
    lead word for word, the box itself not in the text, leaves the story's own first line there (review of the
    thirty-ninth pass)."""
    return any(printed_outside(tree, _point(line), _in_a_marked_box) for line in run)


def _in_a_marked_box(element: Any) -> bool:
    return bool(_SUMMARY_MARK.search(f"{element.get('class', '')} {element.get('id', '')}")) or \
        _marked_ancestor(element) is not None


def _marked_points(tree: Any) -> dict[str, Any]:
    """Each list item's whole text in a box the page marks as a summary (`_SUMMARY_MARK` among the item's
    SUMMARY_MAX_DEPTH nearest ancestors; the nearest such box), the box holding SUMMARY_MIN_ITEMS items or more; at
    most MAX_BOXES_READ marked elements, MAX_ITEMS_READ items each. Most pages mark nothing as a summary: then one
    walk over the page's classes and ids and one search find nothing, and no element is visited."""
    attributes = tree.xpath(_CLASSES_AND_IDS)
    if not _SUMMARY_MARK.search(" ".join(attributes)):
        return {}
    points: dict[str, Any] = {}
    marked = [attribute.getparent() for attribute in attributes if _SUMMARY_MARK.search(attribute)]
    for element in marked[:MAX_BOXES_READ]:
        for count, item in enumerate(element.iter("li")):
            if count == MAX_ITEMS_READ:
                break
            box = _marked_ancestor(item)
            if box is not None and sum(1 for _ in islice(box.iter("li"), SUMMARY_MIN_ITEMS)) == SUMMARY_MIN_ITEMS:
                points.setdefault(_item_text(item), box)
    points.pop("", None)
    return points


def _item_text(item: Any) -> str:
    return normalized_line(bounded_text(item, SUMMARY_MAX_CHARACTERS) or "")


def _point(line: str) -> str:
    return line[len(LIST_ITEM_MARK):] if line.startswith(LIST_ITEM_MARK) else line


def _marked_ancestor(item: Any) -> Any:
    element = item.getparent()
    for _ in range(SUMMARY_MAX_DEPTH):
        if element is None or not isinstance(element.tag, str):
            return None
        if _SUMMARY_MARK.search(f"{element.get('class', '')} {element.get('id', '')}"):
            return element
        element = element.getparent()
    return None


def _items_after(lines: list[str], index: int) -> int:
    count = 0
    for line in lines[index + 1:]:
        if not line.startswith(LIST_ITEM_MARK):
            break
        count += 1
    return count


def _is_label(line: str) -> bool:
    return (not line.startswith(LIST_ITEM_MARK) and word_count(line) <= LABEL_MAX_WORDS
            and not line.endswith(_SENTENCE_END))


def _in_summary_box(tree: Any, label: str, points: list[str], after: str) -> bool:
    """Whether an element whose own text is `label` has, among itself and its SUMMARY_MAX_DEPTH nearest ancestors,
    one marked as a summary (`_SUMMARY_MARK` in its class or id) that holds every one of `points`: the box, read to
    SUMMARY_MAX_CHARACTERS at most. The label's own element may be marked ("summaryTitle"), so the walk goes on up to
    the box that holds the list. A marked element that holds the text's line `after` the points too is the story's
    container (a short body classed "entry-summary"), not a box above the story: no box then (review)."""
    for count, node in enumerate(tree.xpath(TEXT_HOLDING, probe=label)):
        if count == MAX_LABELS_READ:
            break
        if normalized_line(str(node)) != label:
            continue
        element = text_element(node)
        for _ in range(SUMMARY_MAX_DEPTH + 1):
            if element is None or not isinstance(element.tag, str):
                break
            if _SUMMARY_MARK.search(f"{element.get('class', '')} {element.get('id', '')}"):
                box = bounded_text(element, SUMMARY_MAX_CHARACTERS)
                if box is None:
                    break
                shown = _unspaced(box)
                if _unspaced(after) in shown:
                    return False
                if all(_unspaced(point) in shown for point in points):
                    return True
            element = element.getparent()
    return False


def _unspaced(text: str) -> str:
    """The text without its whitespace: the stored line and the box's pieces differ in spaces around an emphasised
    word ("<em>is</em>," stored as "is,", "fe<b>rr</b>y" as "ferry"; review)."""
    return "".join(text.split())
