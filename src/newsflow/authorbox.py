"""The author's box after the story: a few lines about the writer, cut from the text's end.

Blogs and news templates close a story with a box about its writer (a picture, the name, "Jane Doe is
a reporter covering …", "Fotograf aus Hamburg …", a link to follow them). When it sits inside the
container trafilatura takes, its lines end the text as if they were the story's last paragraphs. No
wording is read: the page names the box, by a class that says so ("author-bio", "about-author",
"author-box", "autor-info"), or as the author's own schema.org Person described in place
(`itemprop="author"` with `itemscope`). Pure functions over normalised text and an lxml tree of the
page (only its methods are used; lxml is not imported). Seventeenth pass, text (docs/extraction.md).
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.text import PARAGRAPH_SEPARATOR, word_count

AUTHOR_BOX_MAX_WORDS = 150
"""A box of more words is no author's box but a container that the template marked with its author
(WordPress puts "author-jules" in the class of the whole post)."""
BIO_MAX_SHARE = 0.3
"""The lines cut are at most this share of the text's words (as for the other tails): a short text
whose lines all sit in such a box is kept."""

_HOLDING_BOXES = (
    "//body//*[(@itemprop='author' and @itemscope) or contains(@class, 'uthor') or contains(@class, 'utor')"
    " or contains(@class, 'bio') or contains(@class, 'Bio')]"
    "[contains(normalize-space(translate(., '\u00a0', ' ')), $probe)]"
)
"""The elements a class or microdata might mark as the author's that show the text's last line (its
opening, `source_probe`; no-break spaces read as spaces, as in the text); class names are read in Python
only for the few it returns. The XPath walks the whole page (~1.5 ms on a news page), so it runs only
past the gate below."""
GATE_PROBE_MIN, GATE_PROBE_MAX = 10, 16
GATE_WINDOW = 3000
GATE_MAX_OCCURRENCES = 4
_GATE_STOP = re.compile("[&<>\"'\u2018\u2019\u201c\u201d\u201e\u00ab\u00bb]")
_AUTHOR = r"aut(?:h?or(?:en)?|eur|ore)s?"
_BOX_MARK = re.compile(
    rf"""class\s*=\s*["'][^"'>]{{0,200}}?(?:{_AUTHOR}[-_]?(?:bio|box|info|about|desc|details|profile|card)"""
    rf"""|(?:about|bio)[-_]?(?:the[-_])?{_AUTHOR}|(?<![\w-])bio(?:graphy)?(?![\w-]))"""
    r"""|itemprop\s*=\s*(["'])author\1[^>]{0,200}itemscope|itemscope[^>]{0,200}itemprop\s*=\s*(["'])author\2""",
    re.IGNORECASE,
)
"""The gate, on the page's source: the last line's opening characters (up to a character the source may
write as an entity) are found in it, and a class or microdata naming an author's box as `_is_author_box`
reads names opens within GATE_WINDOW characters before one of the last GATE_MAX_OCCURRENCES places. A
string search and a regex over a few KB, where the XPath walks the page. Each repeat is bounded (200
characters), so a window of unclosed class values costs no more than its length times that."""
_MARK_WORDS = ("author", "autor", "auteur", "bio")  # the regex runs only where one of them is: a few windows
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")  # "authorBio" -> author, bio
_AUTHOR_WORDS = frozenset({"author", "authors", "autor", "autoren", "auteur", "autore"})
_BOX_WORDS = frozenset({"bio", "box", "info", "about", "desc", "description", "details", "profile", "card"})
_BIO_WORDS = frozenset({"biography", "authorbio", "authorbox", "autorenbox", "autorbox"})
_BIO_NAMES = frozenset({"bio", "biobox", "bio-box"})
"""A class name is an author's box when its own words pair an author word with a box word
("author-bio", "about-author-sec", "AuthorBox", "autor-info"), or name a biography on their own
("biography", "bio"; "bio" only as the whole name: in German it is organic food, "bio-produkte").
Names are read one at a time: "author-jules" beside "promoted-block" names a post's writer, not a box."""


def drop_author_box(text: str, tree: Any, html: str) -> str:
    """The text without the run of lines at its end that the page shows inside its author's box."""
    if text.count(PARAGRAPH_SEPARATOR) < 2 or tree is None:
        return text  # two lines or fewer: the last one is as likely the story
    if not may_end_in_box(text.rpartition(PARAGRAPH_SEPARATOR)[2], html):
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    boxes = author_box_texts(tree, source_probe(lines[-1]))
    if not boxes:
        return text
    end = len(lines)
    while end > 1 and any(lines[end - 1] in box for box in boxes):
        end -= 1
    if end == len(lines):
        return text
    kept = PARAGRAPH_SEPARATOR.join(lines[:end])
    if word_count(text) - word_count(kept) > BIO_MAX_SHARE * word_count(text):
        return text
    return kept


def source_probe(line: str) -> str:
    """The line's opening as a page's source likely writes it: up to GATE_PROBE_MAX characters, cut before
    a quotation mark, an apostrophe or "&<>" (often entities or markup there)."""
    return _GATE_STOP.split(line, 1)[0][:GATE_PROBE_MAX]


def may_end_in_box(line: str, html: str) -> bool:
    """Whether the page's source shows the line after a mark that might name an author's box."""
    probe = source_probe(line)
    if len(probe) < GATE_PROBE_MIN:
        return False  # the line opens with a quote or an entity: the rule does not look
    start = html.rfind(
        probe
    )  # from the end: the box follows the story, and most pages' heads are longer than their feet
    for _ in range(GATE_MAX_OCCURRENCES):
        if start < 0:
            return False
        window = html[max(0, start - GATE_WINDOW) : start]
        folded = window.lower()
        if any(word in folded for word in _MARK_WORDS) and _BOX_MARK.search(window):
            return True
        start = html.rfind(probe, 0, start)
    return False


def author_box_texts(tree: Any, probe: str) -> list[str]:
    """The texts (spaces collapsed, as the text's lines are) of the page's author's boxes that show
    `probe`, each twice: its pieces joined by a space (blocks without whitespace between them) and as
    they are (a link inside a sentence: "auf <a>Instagram</a>. Da" is "auf Instagram. Da" in the text)."""
    texts: list[str] = []
    for element in tree.xpath(_HOLDING_BOXES, probe=probe):
        if not _is_author_box(element):
            continue
        pieces = list(element.itertext())
        shown = " ".join(" ".join(pieces).split())
        if shown and word_count(shown) <= AUTHOR_BOX_MAX_WORDS:
            texts += (shown, " ".join("".join(pieces).split()))
    return texts


def _is_author_box(element: Any) -> bool:
    if element.get("itemprop") == "author" and element.get("itemscope") is not None:
        return True
    for name in (element.get("class") or "").split():
        if name.lower() in _BIO_NAMES:
            return True
        words = {word.lower() for word in _CLASS_WORD.findall(name)}
        if words & _BIO_WORDS or (words & _AUTHOR_WORDS and words & _BOX_WORDS):
            return True
    return False
