"""Pictures' captions and credits that trafilatura keeps as lines of the story.

trafilatura leaves out `<figure>`, `<figcaption>` and blocks whose class says "caption", but not a
caption its rules do not name: a French or Italian template's `<p class="legende">`, a German
`<span class="bildunterschrift">`, a `media__description` beside a `media__copyright`, a credit in a
`div.caption__credit`. The caption then sits in the text between two paragraphs of the story ("Das
Wasser aus Bächen und Flüssen kocht man lieber ab.", "Kjell Holmner/Göteborg & Co"), and the
references leave it out (trafilatura's evaluation pages count it as boilerplate, fundus's bodies
have no captions; docs/extraction.md, "Fifteenth pass").

This module reads the page's structure, not the caption's wording: a line goes when the page shows
it only inside a caption, that is inside an element whose class names a caption or a credit
(`CAPTION_WORDS`), or a `<figcaption>`, or inside the small wrapper that holds such an element
beside its picture (the credit and the caption in sibling blocks). A line the page also shows
anywhere else (a caption that repeats a sentence of the story) stays, and so does the text's first
line (a lead set in a hero picture's caption). When such lines would be over `MAX_CAPTION_SHARE` of
the text's words the page is a gallery or a list of pictures whose captions are its content, and
nothing goes.
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.standfirst import class_words
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

CAPTION_MAX_WORDS = 60
"""A caption (or a picture's wrapper with its caption and credit) has at most this many words; a
longer block named "caption" or "credit" is something else (a film's credits, a whole card)."""
CREDIT_MAX_WORDS = 8
"""A picture's wrapper is read with its caption when it adds at most this many words: a credit
("Kjell Holmner/Göteborg & Co", "Foto: Jan Example"), not a paragraph."""
MAX_CAPTION_SHARE = 0.3
"""Captions over this share of the text's words are the page's content: a gallery, a list of
costumes each under its photo (a tune page of the blind set, popsugar)."""
CAPTION_WORDS = frozenset({
    "caption", "captions", "figcaption", "credit", "credits", "copyright", "legend", "legende", "legenda",
    "bildunterschrift",
})  # fmt: skip
"""Words of a class that name a picture's caption or credit, in the languages of the corpora (French
and Italian "légende", German "Bildunterschrift"); whole words, so "accredited" names nothing, nor
"hasCaption" (a header that holds a caption somewhere: `standfirst.class_words`). A credit in its
own block beside the caption ("bildquelle", "photo-source") goes with the picture's wrapper."""
_CANDIDATE_CLASS = re.compile("aption|redit|egend|opyright|ildunter")
"""A first filter on the raw class (the words above decide). One walk over the page's elements with
this test costs 0.76 ms a page on the corpora (load 15-20), against 1.17 ms for the same filter as an
XPath (`contains()` five times an element) and 27 s for 40,000 parents by the attribute axis
(`//@class[...]/..`: libxml2 sorts them in quadratic time). Ids and rarer names are not searched."""
_PICTURE_TAGS = ("img", "picture", "video")
_STORY_TAGS = frozenset({"article", "main", "body", "html"})


def drop_caption_lines(text: str, tree: Any) -> str:
    """The text without the lines (but its first) that the page shows only inside a picture's caption
    or credit, unless those are over MAX_CAPTION_SHARE of its words."""
    if tree is None or PARAGRAPH_SEPARATOR not in text:
        return text
    captions = caption_texts(tree)
    if not captions:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    joined = "\n".join(captions)  # a line holds no newline: its count here is its count in the captions
    longest = max(len(caption) for caption in captions)
    shown: str | None = None  # the page's whole text, read only when a line is in a caption
    dropped: set[int] = set()
    for index, line in enumerate(lines[1:], start=1):
        inside = joined.count(line) if len(line) <= longest else 0  # a longer line is in no caption
        if not inside:
            continue
        shown = shown if shown is not None else _page_text(tree)
        if shown.count(line) <= inside:
            dropped.add(index)
    words = sum(word_count(lines[index]) for index in dropped)
    if not dropped or words > MAX_CAPTION_SHARE * word_count(text):
        return text
    return PARAGRAPH_SEPARATOR.join(line for index, line in enumerate(lines) if index not in dropped)


def caption_texts(tree: Any) -> list[str]:
    """The normalised texts of the page's captions and credits, each text once; a caption inside
    another one (a credit in a caption's wrapper) is part of the outer one's text. Linear in the
    number of captions (ancestors looked up in a set), so a page of many thousands stays cheap."""
    nodes = [
        _with_picture_wrapper(node)
        for node in tree.iter("*")  # elements only, no comments
        if (node.tag == "figcaption" or _CANDIDATE_CLASS.search(node.get("class") or "")) and _is_caption(node)
    ]
    chosen = set(nodes)
    outer = (node for node in nodes if not any(ancestor in chosen for ancestor in node.iterancestors()))
    return list(dict.fromkeys(text for node in outer for text in _caption_text(node)))


def _is_caption(node: Any) -> bool:
    return node.tag not in _STORY_TAGS and (node.tag == "figcaption" or _names_caption(node))


def _names_caption(node: Any) -> bool:
    """Whether the node's class or id words name a caption ("photoCredit" -> photo, credit), utility
    classes left out as for standfirsts ("hasCaption", "caption-s5": a layout, a type size)."""
    return not CAPTION_WORDS.isdisjoint(class_words(node))


def _with_picture_wrapper(node: Any) -> Any:
    """The caption's parent when that is the picture's own wrapper (a picture among its children or
    theirs, and at most CREDIT_MAX_WORDS words beside the caption's): the credit then goes with the
    caption. A paragraph that holds a picture and its caption is no wrapper: its words are the story's."""
    parent = node.getparent()
    if parent is None or parent.tag in _STORY_TAGS:
        return node
    if not any(child.tag in _PICTURE_TAGS or any(g.tag in _PICTURE_TAGS for g in child) for child in parent):
        return node
    beside = word_count(normalized_line(" ".join(parent.itertext()))) - word_count(" ".join(node.itertext()))
    return parent if beside <= CREDIT_MAX_WORDS else node


def _caption_text(node: Any) -> list[str]:
    text = normalized_line(" ".join(node.itertext()))
    return [text] if text and word_count(text) <= CAPTION_MAX_WORDS else []


def _page_text(tree: Any) -> str:
    body = tree.find("body")
    return normalized_line(" ".join((body if body is not None else tree).itertext()))
