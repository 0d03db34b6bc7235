"""Pictures' captions and credits that stay in the text, found in readability-lxml's output.

trafilatura leaves out `<figure>`, `<figcaption>` and blocks whose class says "caption", but not a
caption its rules do not name (a French `<p class="legende">`, a German `<span class="bildunterschrift">`,
a credit in a `div.caption__credit`), and not one that comes through its fallback (readability-lxml,
which keeps captions). The caption then sits in the text between two of the story's paragraphs
("Das Wasser aus Bächen und Flüssen kocht man lieber ab.", "Kjell Holmner/Göteborg & Co"), and the
references leave it out (docs/extraction.md, "Fifteenth pass" and "Eighteenth pass, text").

The fifteenth and sixteenth passes searched the page for such captions and cost 0.5-1 ms a page, too
much for their gain. This form reads readability-lxml's output instead, which trafilatura computes on
every page anyway and `completion.story_blocks` walks already: a short tree of the story alone, whose
elements keep their class. A short line of the text that readability shows only inside a caption's
element (named by its class words or a `<figcaption>`) is no line of the story: `drop_unconfirmed_lines`
has already removed the short lines readability lacks, so a caption that is still in the text is, as a
rule, in readability's output too. No wording is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsflow.standfirst import class_words
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

CAPTION_MAX_WORDS = 60
"""A caption has at most this many words; a longer block named "caption" or "credit" is something
else (a film's credits, a whole card)."""
MAX_CAPTION_SHARE = 0.3
"""Captions over this share of the text's words are the page's content: a gallery, a list of pictures
each under its photo."""
CAPTION_WORDS = frozenset({
    "caption", "captions", "figcaption", "credit", "credits", "copyright", "legend", "legende", "legenda",
    "bildunterschrift",
})  # fmt: skip
"""Words of a class or id that name a picture's caption or credit (French and Italian "légende",
German "Bildunterschrift"); whole words, utility classes left out (`standfirst.class_words`)."""
_CANDIDATE = ("aption", "redit", "egend", "opyright", "ildunter")
"""A first filter on an element's raw class and id (the words above decide)."""


def summary_captions(summary: Any) -> list[str]:
    """The normalised texts of the captions and credits in readability-lxml's output, outermost only."""
    if summary is None:
        return []
    found: list[str] = []
    _collect(summary, found)
    return found


def _collect(element: Any, found: list[str]) -> None:
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if _is_caption(child):
            text = normalized_line(" ".join(child.itertext()))
            if text and word_count(text) <= CAPTION_MAX_WORDS:
                found.append(text)
            continue
        _collect(child, found)


def _is_caption(element: Any) -> bool:
    if element.tag == "figcaption":
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return any(mark in names for mark in _CANDIDATE) and not CAPTION_WORDS.isdisjoint(class_words(element))


def drop_caption_lines(text: str, captions: Sequence[str], story: Sequence[str]) -> str:
    """The text without the lines (but its first) that readability shows inside a caption (`captions`)
    and in none of its other blocks (`story`, `completion.story_blocks`' texts, which leave captions
    out), unless those are over MAX_CAPTION_SHARE of its words."""
    if not captions or PARAGRAPH_SEPARATOR not in text:
        return text
    joined = "\n".join(captions)
    lines = text.split(PARAGRAPH_SEPARATOR)
    dropped = {index for index, line in enumerate(lines[1:], start=1) if line in joined}
    if not dropped:
        return text
    elsewhere = "\n".join(story)
    dropped = {index for index in dropped if lines[index] not in elsewhere}
    words = sum(word_count(lines[index]) for index in dropped)
    if not dropped or words > MAX_CAPTION_SHARE * word_count(text):
        return text
    return PARAGRAPH_SEPARATOR.join(line for index, line in enumerate(lines) if index not in dropped)
