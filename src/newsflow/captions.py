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
from collections.abc import Sequence
from typing import Any

from newsflow.continuation import PageParagraphs
from newsflow.standfirst import class_words
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

CAPTION_MAX_WORDS = 60
"""A caption (or a picture's wrapper with its caption and credit) has at most this many words; a
longer block named "caption" or "credit" is something else (a film's credits, a whole card)."""
CREDIT_MAX_WORDS = 8
"""A picture's wrapper is read with its caption when it adds at most this many words: a credit
("Kjell Holmner/Göteborg & Co", "Foto: Jan Example"), not a paragraph."""
WRAPPER_MAX_CHILDREN = 6
"""A picture's wrapper has at most this many children (the picture, its caption, a credit, a link or two
to enlarge or share it); a parent with more is a container of the story, never read as a wrapper."""
MAX_WIDENING = 1
"""How many levels the region is widened to show the text's other lines: one takes a hero picture's caption
beside the body (El Nuevo Día); more cost more than they found on the corpora."""
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
_CAPTION_TAGS = (
    "figcaption", "figure", "div", "p", "span", "small", "cite", "em", "i", "b", "strong", "footer", "section",
    "header", "aside",
)  # fmt: skip
"""The tags a caption or a credit is written in (blocks and runs of text), read in lxml's C walk: links,
lists, pictures, svg and form controls are skipped without a Python object each (an element's
object costs a call to lxml.html's class lookup, most of a walk's cost)."""
_STORY_TAGS = frozenset({"article", "main", "body", "html"})


def drop_caption_lines(text: str, tree: Any, page: PageParagraphs | None = None) -> str:
    """The text without the lines (but its first) that the page shows only inside a picture's caption
    or credit in the story's region (`story_region`), unless those are over MAX_CAPTION_SHARE of its
    words. `page`: the page's paragraphs, when already read (`continuation.PageParagraphs`)."""
    if tree is None or PARAGRAPH_SEPARATOR not in text:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    region = story_region(page if page is not None else PageParagraphs(tree), lines)
    captions = caption_texts(region, lines[1:]) if region is not None else []
    if not captions:
        return text
    joined = "\n".join(captions)  # a line holds no newline: its count here is its count in the captions
    shown: str | None = None  # the page's whole text, read only when a line is in a caption
    dropped: set[int] = set()
    for index, line in enumerate(lines[1:], start=1):
        inside = joined.count(line)
        if not inside:
            continue
        shown = shown if shown is not None else _page_text(tree)
        if shown.count(line) <= inside:
            dropped.add(index)
    words = sum(word_count(lines[index]) for index in dropped)
    if not dropped or words > MAX_CAPTION_SHARE * word_count(text):
        return text
    return PARAGRAPH_SEPARATOR.join(line for index, line in enumerate(lines) if index not in dropped)


def story_region(page: PageParagraphs, lines: list[str]) -> Any:
    """The element that holds the story: the smallest one holding every `<p>` of the page that is a line
    of the text, widened to its ancestors until its text shows the text's other lines too (a hero
    picture's caption beside the body, a page builder's columns), but not past an `<article>`, `<main>`
    or `<body>`; None when no `<p>` is a line of the text. Captions are searched there only: the region
    is a fraction of a page's elements (docs/extraction.md, "Sixteenth pass": the search over the
    whole page cost 3% of `extract_article`)."""
    shown = page.shown(lines)
    parents = list(dict.fromkeys(paragraph.getparent() for paragraph in shown))
    if not parents:
        return None
    common = [parents[0], *parents[0].iterancestors()][::-1]  # from the root down
    for parent in parents[1:]:
        path = [parent, *parent.iterancestors()][::-1]
        depth = 0
        while depth < min(len(common), len(path)) and common[depth] is path[depth]:
            depth += 1
        common = common[:depth]
    if not common:
        return None
    region = common[-1]
    keys = set(page.keys_of(shown))
    others = [line for line in lines[1:] if line not in keys]
    for _ in range(MAX_WIDENING):
        if not others or region.tag in _STORY_TAGS or (parent := region.getparent()) is None:
            break
        text = " ".join(" ".join(region.itertext()).split())
        others = [line for line in others if line not in text]
        if others:
            region = parent
    return region


def caption_texts(root: Any, wanted: Sequence[str] | None = None) -> list[str]:
    """The normalised texts of the captions and credits under `root`, each text once; a caption inside
    another one (a credit in a caption's wrapper) is part of the outer one's text. With `wanted` (lines
    of a text), only captions whose picture's wrapper shows one of them: most pages' captions are no
    line of the text, and reading their wrappers was most of the cost. Linear in the number of captions
    (ancestors looked up in a set), so a page of many thousands stays cheap."""
    nodes = [
        _with_picture_wrapper(node)
        for node in root.iter(*_CAPTION_TAGS)
        if (node.tag == "figcaption" or _CANDIDATE_CLASS.search(node.get("class") or ""))
        and (wanted is None or _shows_any(node, wanted))
        and _is_caption(node)
    ]
    chosen = set(nodes)
    outer = (node for node in nodes if not any(ancestor in chosen for ancestor in node.iterancestors()))
    return list(dict.fromkeys(text for node in outer for text in _caption_text(node)))


def _shows_any(node: Any, lines: Sequence[str]) -> bool:
    """Whether the node, or its parent when that may be the picture's wrapper (a few children), shows
    one of the lines: a first, cheap test before the wrapper is looked for."""
    parent = node.getparent()
    small = parent is not None and parent.tag not in _STORY_TAGS and len(parent) <= WRAPPER_MAX_CHILDREN
    shown = normalized_line(" ".join((parent if small else node).itertext()))
    return any(line in shown for line in lines)


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
    if parent is None or parent.tag in _STORY_TAGS or len(parent) > WRAPPER_MAX_CHILDREN:
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
