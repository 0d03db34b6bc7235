"""A video box's chrome: the label, play button and running time a video player prints round its `<video>`.

A story shows a video mid-story in a box: a site's own player (a label "Video", the `<video>`, a "Play video" button,
the title, "2:14") or an embedded player's `<iframe>` in a `<figure>`. trafilatura keeps some of the box's short
texts as lines of their own (the label, on a story of short paragraphs or split over two containers); a reader
never wants them. A line that is wholly the text of a short element of a player's box, outside its `<p>`s, caption
and headings, and printed nowhere else on the page, goes. The title (in a `<p>` or the caption) is a caption, left
to the caption rules (docs/extraction.md, "Fortieth pass, text").
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from newsflow.pageblocks import bounded_text, printed_outside
from newsflow.text import PARAGRAPH_SEPARATOR

_PLAYER_TAGS = ("video", "iframe")
"""The page's players, found by lxml's tag filter in C (an `<iframe>` is any embedded frame: only a box named for a
video counts)."""
_NAMED_PLAYER = re.compile(r"video|player", re.IGNORECASE)
MAX_PLAYERS_READ = 10
BOX_LEVELS = 3
"""A player's box is at most this many levels above its `<video>` or `<iframe>` (a frame's wrapper, the figure)."""
BOX_MAX_CHARACTERS = 400
"""A player's box prints a label, a button, a title and a time: a longer element holds a story, not a player."""
MAX_CHROME_READ = 12
CHROME_MAX_CHARACTERS = 40
CHROME_MAX_WORDS = 3
"""A player's chrome is a word or three ("Video", "Play video", "Video abspielen", "2:14"), never a sentence."""
_SENTENCE_END = (".", "!", "?", "\u2026")
_STORY_TAGS = frozenset(("body", "article", "main"))
_CHROME = ("descendant::*[not(*) and normalize-space()][not(ancestor-or-self::p or ancestor-or-self::figcaption or "
           "ancestor-or-self::h1 or ancestor-or-self::h2 or ancestor-or-self::h3 or ancestor-or-self::h4 or "
           "ancestor-or-self::h5 or ancestor-or-self::h6)]")
"""A box's leaf elements that print something, outside its paragraphs, caption and headings (every level: a story's
`<h5>` subhead in a wrapper round a `<video>` is the story's, review of the fortieth text pass)."""


def drop_video_chrome(text: str, tree: Any) -> str:
    """The text without the lines that are wholly a video box's chrome; the text as it is when the page has none."""
    if tree is None or not text:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    sentences = [" ".join(line.split()) for line in lines
                 if line.rstrip().endswith(_SENTENCE_END) and len(line.split()) > CHROME_MAX_WORDS]
    boxes = {box for box in _player_boxes(tree) if not _holds_story_sentence(box, sentences)}
    chrome = _chrome_texts(boxes)
    if not chrome:
        return text

    def in_box(element: Any) -> bool:  # a story's own subhead printing the same words is not
        return any(ancestor in boxes for ancestor in element.iterancestors()) or element in boxes

    kept = [line for line in lines if " ".join(line.split()) not in chrome or printed_outside(tree, line, in_box)]
    return text if len(kept) == len(lines) else PARAGRAPH_SEPARATOR.join(kept)


def _player_boxes(tree: Any) -> set[Any]:
    boxes = (_player_box(player) for player in islice(tree.iter(*_PLAYER_TAGS), MAX_PLAYERS_READ))
    return {box for box in boxes if box is not None}


def _holds_story_sentence(box: Any, sentences: list[str]) -> bool:
    """Whether the box prints one of the stored sentences (of more than CHROME_MAX_WORDS words): then it is a short
    story's own container (a video page's `div.video-page`, a `<video>`'s parent that is the story body), whose
    subheads and one-line paragraphs are the story's, not a player's chrome (review of the fortieth text pass)."""
    if not sentences:
        return False
    shown = {" ".join((bounded_text(box, BOX_MAX_CHARACTERS, separator) or "").split()) for separator in ("", " ")}
    return any(sentence in printed for sentence in sentences for printed in shown)


def _chrome_texts(boxes: set[Any]) -> set[str]:
    """Each box's short texts outside its paragraphs, caption and headings: a word or three, no sentence."""
    found: set[str] = set()
    for box in boxes:
        for element in box.xpath(_CHROME)[:MAX_CHROME_READ]:
            shown = " ".join((bounded_text(element, CHROME_MAX_CHARACTERS) or "").split())
            if shown and len(shown.split()) <= CHROME_MAX_WORDS and not shown.endswith(_SENTENCE_END):
                found.add(shown)
    return found


def _player_box(player: Any) -> Any:
    """The box round a player: its nearest ancestor named for a video or a player (BOX_LEVELS up at most), else a
    `<video>`'s parent (the element says what it is); None when that box prints more than a player does."""
    box, element = None, player.getparent()
    for _ in range(BOX_LEVELS):
        if element is None or element.tag in _STORY_TAGS:
            break
        if _NAMED_PLAYER.search(f"{element.get('class', '')} {element.get('id', '')}"):
            box = element
            break
        element = element.getparent()
    if box is None and player.tag == "video":
        box = player.getparent()
    if box is None or box.tag in _STORY_TAGS or bounded_text(box, BOX_MAX_CHARACTERS) is None:
        return None
    return box
