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
CREDIT_MAX_WORDS = 8
"""A picture's wrapper is read with its caption when it adds at most this many words: a credit
("Kjell Holmner/Göteborg & Co", "Foto: Jan Example"), not a paragraph."""
WRAPPER_MAX_CHILDREN = 6
"""A picture's wrapper has at most this many children (the picture, its caption, a credit, a link);
a parent with more is a container of the story."""
_PICTURE_TAGS = frozenset({"img", "picture", "video"})
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
_CONTAINING_BLOCKS = frozenset({"li", "td", "blockquote"})
"""Blocks that may hold a picture and its caption (a gallery's list item, a layout table's cell): read
as blocks only when they hold no element (their paragraphs are read instead)."""
_ALT_CAPTION_TAGS = frozenset({"p", "span", "div", "small", "em"})  # a picture's own caption (drop_alt_captions)
_CANDIDATE = ("aption", "redit", "egend", "opyright", "ildunter")
"""A first filter on an element's raw class and id (the words above decide)."""
_CAPTION_NODES = (
    "descendant::figcaption | descendant::*["
    + " or ".join(f"contains(@class, '{mark}') or contains(@id, '{mark}')" for mark in _CANDIDATE)
    + "]"
)
"""The elements the filter could name, found in C: a Python object is made for these few only, not for
every element of the story (a walk over all of them cost more than the rule's whole budget)."""


def summary_captions(summary: Any) -> tuple[list[str], list[Any]]:
    """The normalised texts of the captions and credits in readability-lxml's output (outermost only,
    each with its picture's wrapper when that adds a credit), and their elements."""
    if summary is None:
        return [], []
    nodes = [node for node in summary.xpath(_CAPTION_NODES) if _is_caption(node)]
    chosen = set(nodes)
    outer = [node for node in nodes if not any(ancestor in chosen for ancestor in node.iterancestors())]
    texts: list[str] = []
    for node in outer:
        text = normalized_line(" ".join(node.itertext()))
        if text and word_count(text) <= CAPTION_MAX_WORDS:
            texts.append(text)
            parent = node.getparent()
            texts.extend(_with_credit(parent, text) if parent is not None else [])
    return texts, outer


def blocks_outside(summary: Any, captions: Sequence[Any]) -> list[str]:
    """The texts of readability's blocks (paragraphs, headings; list items, cells and quotes that hold no
    element) outside the caption elements: where a caption's line may show besides."""
    inside = set(captions)
    return [
        normalized_line(" ".join(block.itertext()))
        for block in summary.iter(*_BLOCKS, *_CONTAINING_BLOCKS)
        if (block.tag in _BLOCKS or not len(block))
        and block not in inside
        and not any(node in inside for node in block.iterancestors())
    ]


def _with_credit(wrapper: Any, caption: str) -> list[str]:
    """The text of the caption's parent when that is the picture's own wrapper (a picture among at most
    WRAPPER_MAX_CHILDREN children) and adds at most CREDIT_MAX_WORDS words: the caption with its credit
    in a sibling block ("… boarding. Foto: Jan Example"), which the text may hold as one line."""
    if len(wrapper) > WRAPPER_MAX_CHILDREN or not any(child.tag in _PICTURE_TAGS for child in wrapper):
        return []
    text = normalized_line(" ".join(wrapper.itertext()))
    return [text] if 0 < word_count(text) - word_count(caption) <= CREDIT_MAX_WORDS else []


def _is_caption(element: Any) -> bool:
    if element.tag == "figcaption":
        return True
    if len(element.xpath("descendant::p")) > 1:
        return False  # a wrapper of the story's paragraphs (`div.legend`), not one picture's caption
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return any(mark in names for mark in _CANDIDATE) and not CAPTION_WORDS.isdisjoint(class_words(element))


def drop_caption_lines(text: str, summary: Any) -> str:
    """The text without the lines (but its first) that readability-lxml's output (`summary`) shows inside a
    caption and in none of its blocks outside captions, unless those are over MAX_CAPTION_SHARE of its
    words."""
    if PARAGRAPH_SEPARATOR not in text:
        return text
    captions, nodes = summary_captions(summary)
    if not captions:
        return text
    joined = "\n".join(captions)
    lines = text.split(PARAGRAPH_SEPARATOR)
    dropped = {index for index, line in enumerate(lines[1:], start=1) if line in joined}
    if not dropped:
        return text
    elsewhere = "\n".join(blocks_outside(summary, nodes))
    dropped = {index for index in dropped if lines[index] not in elsewhere}
    words = sum(word_count(lines[index]) for index in dropped)
    if not dropped or words > MAX_CAPTION_SHARE * word_count(text):
        return text
    return PARAGRAPH_SEPARATOR.join(line for index, line in enumerate(lines) if index not in dropped)


def drop_alt_captions(text: str, tree: Any) -> str:
    """The text without the lines that repeat the alt text of a picture beside them: a paragraph in the picture's
    own wrapper (at most WRAPPER_MAX_CHILDREN children) saying what its `alt` says is the picture's caption,
    whatever its class (thirtieth pass: el mundo's `div.foto` holds `<img alt="X."><p>X.</p>`). The text's only
    line stays, and so do captions over MAX_CAPTION_SHARE of the text's words (a gallery)."""
    if PARAGRAPH_SEPARATOR not in text or tree is None:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    captions = _alt_captions(tree, set(lines))
    if not captions:
        return text
    dropped = [line for line in lines if line in captions]
    if not dropped or sum(map(word_count, dropped)) > MAX_CAPTION_SHARE * word_count(text):
        return text
    return PARAGRAPH_SEPARATOR.join(line for line in lines if line not in captions)


def _alt_captions(tree: Any, lines: set[str]) -> set[str]:
    """The alt texts that are lines of the text and captions in their picture's own wrapper (only those lines'
    wrappers are read: every picture's was, on every page)."""
    found = set()
    for picture in tree.iterfind(".//img[@alt]"):
        alt = normalized_line(picture.get("alt") or "")
        if alt not in lines:
            continue
        wrapper = picture.getparent()
        if wrapper is not None and wrapper.tag in ("a", "picture", "span"):  # a linked or sourced picture
            wrapper = wrapper.getparent()
        if not alt or word_count(alt) > CAPTION_MAX_WORDS or wrapper is None or len(wrapper) > WRAPPER_MAX_CHILDREN:
            continue
        blocks = [block for block in wrapper if block.tag in _ALT_CAPTION_TAGS]
        if any(normalized_line(" ".join(block.itertext())) == alt for block in blocks) and _holds_no_story(
            wrapper, word_count(alt)
        ):
            found.add(alt)
    return found


def _holds_no_story(wrapper: Any, caption_words: int) -> bool:
    """Whether the wrapper's words are its caption's and at most CREDIT_MAX_WORDS more: a picture's own wrapper,
    not the story's container that sets a picture over a first line its alt repeats (review)."""
    return word_count(" ".join(wrapper.itertext())) <= caption_words + CREDIT_MAX_WORDS
