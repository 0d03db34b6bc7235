"""What pages put after the story, inside the container trafilatura takes: cut from the text's end.

Pure functions over normalised text (one paragraph per line), readability-lxml's text of the page
and an lxml tree of the page (only its methods are used; lxml is not imported). Chosen on the tune
half of ../shared/corpora (docs/extraction.md, "Fifth pass, text"):

- `drop_unconfirmed_tail`: the lines at the end that readability-lxml's extraction lacks, whatever
  their length (an appeal to support the paper, an account or paywall notice), when the two texts
  agree on the rest;
- `drop_signature_line`: an agency's or editor's signature as the last line ("aja/PAP", "(dpa)",
  "(grh)");
- `drop_linked_tail`: a run of short lines at the end that are each mostly the text of one of the
  page's links (other stories' headlines, with no "Related" heading above them; the heading case
  is `refine.drop_related_tail`).

Only the end is trimmed: at the start, a line that readability lacks is as often the lead or a
subhead, and a linked line is as often the story's kicker.
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.text import PARAGRAPH_SEPARATOR, token_f1, word_count, word_tokens

TAIL_MIN_AGREEMENT = 0.8
TAIL_MAX_COVERED = 0.7
TAIL_MAX_SHARE = 0.3
"""The lines at the end of which under TAIL_MAX_COVERED of the words are in readability's text are
dropped when the two texts agree at token F1 >= TAIL_MIN_AGREEMENT and those lines hold at most
TAIL_MAX_SHARE of the text's words (so a readability that stopped early never cuts the story).
On the tune half: agreement 0.8 (0.7 cut a story whose readability text was a third of it; 0.9
kept a donation appeal), any coverage in 0.5-0.8 and share in 0.3-0.5 change the same pages."""
LINKED_LINE_MAX_WORDS = 25
LINKED_LINE_SHARE = 0.6
LINKED_MIN_LINES = 2
LINK_MIN_WORDS = 3
"""A run of at least LINKED_MIN_LINES lines at the end, each of at most LINKED_LINE_MAX_WORDS words
and for LINKED_LINE_SHARE or more of its characters the text of one link of the page (of
LINK_MIN_WORDS words or more), is a list of other stories. A single linked last line stays: it
is as often the story's own "read the report" link."""

_SIGNATURE = re.compile(r"^\(?[^\W\d_]{1,5}\)?$|^\(?[^\W\d_]{1,7}(?:\s*[/,]\s*[^\W\d_]{1,7}){1,3}\)?$")
"""A signature: a group of at most five letters, or two to four of at most seven joined by "/" or ",",
maybe in brackets ("DS", "(dpa)", "aja/PAP", "jm/AFP/Reuters")."""


def drop_story_tail(text: str, readability: str | None, tree: Any) -> str:
    """The text without the unconfirmed block, the linked lines and the signature at its end."""
    return drop_signature_line(drop_linked_tail(drop_unconfirmed_tail(text, readability), tree))


def drop_signature_line(text: str) -> str:
    """The text without a last line that is only a signature: initials and agencies ("aja/PAP",
    "(dpa)", "(grh)", "jm/AFP/Reuters"), which close a story and are not part of it."""
    head, separator, last = text.rpartition(PARAGRAPH_SEPARATOR)
    return head if separator and _SIGNATURE.match(last) else text


def drop_unconfirmed_tail(text: str, second_opinion: str | None) -> str:
    """The text without the block of lines at its end that a second extraction of the page lacks.

    trafilatura's container often ends with what the page adds after the story (an appeal to
    support the paper, a paywall or account notice, "This is a breaking story - more to follow");
    readability-lxml stops at the story's last paragraph.
    """
    if not second_opinion:
        return text
    confirmed = set(word_tokens(second_opinion))
    lines = text.split(PARAGRAPH_SEPARATOR)
    end = len(lines)
    while end > 0 and not _is_confirmed(lines[end - 1], confirmed):
        end -= 1
    if end == len(lines) or token_f1(text, second_opinion) < TAIL_MIN_AGREEMENT:
        return text  # the agreement (the costly part) only when there is something to cut
    return _cut(text, lines, end)


def drop_linked_tail(text: str, tree: Any) -> str:
    """The text without a run of other stories' linked headlines at its end (see LINKED_MIN_LINES)."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    if len(lines) <= LINKED_MIN_LINES or any(
        word_count(line) > LINKED_LINE_MAX_WORDS for line in lines[-LINKED_MIN_LINES:]
    ):
        return text  # the page's links are read only when the last lines are short enough to be teasers
    anchors = link_texts(tree)
    end = len(lines)
    while end > 0 and word_count(lines[end - 1]) <= LINKED_LINE_MAX_WORDS and _is_linked(lines[end - 1], anchors):
        end -= 1
    if len(lines) - end < LINKED_MIN_LINES:
        return text
    return _cut(text, lines, end)


def link_texts(tree: Any) -> list[str]:
    """The texts of the page's links of LINK_MIN_WORDS words or more, as casefolded word tokens."""
    texts = (" ".join(word_tokens(" ".join(anchor.itertext()))) for anchor in tree.iterfind(".//a"))
    return [text for text in texts if text.count(" ") >= LINK_MIN_WORDS - 1]


def _is_linked(line: str, anchors: list[str]) -> bool:
    folded = " ".join(word_tokens(line))
    share = LINKED_LINE_SHARE * len(folded)
    return bool(folded) and any(anchor in folded and len(anchor) >= share for anchor in anchors)


def _is_confirmed(line: str, confirmed: set[str]) -> bool:
    tokens = word_tokens(line)
    return not tokens or sum(token in confirmed for token in tokens) >= TAIL_MAX_COVERED * len(tokens)


def _cut(text: str, lines: list[str], end: int) -> str:
    """The first `end` lines, unless that is nothing, everything, or drops over TAIL_MAX_SHARE of the words."""
    if end in (0, len(lines)):
        return text
    kept = PARAGRAPH_SEPARATOR.join(lines[:end])
    if word_count(text) - word_count(kept) > TAIL_MAX_SHARE * word_count(text):
        return text
    return kept
