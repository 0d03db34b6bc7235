"""readability-lxml's extraction read block by block, and the story's paragraphs it has that the text lacks.

`block_texts` and `block_elements` list the paragraphs, list items, headings, quotes and cells of
readability's output element in page order, captions left out (`completion` compares them with the text).
`restore_dropped_paragraphs` puts back a long paragraph that readability-lxml's extraction has
between two paragraphs that the text has (or before the first), and the text lacks: an intro box or
a quoted letter that trafilatura's container leaves out (a 52-word chapô, watson's opening quote);
not a list of links (a sidebar's table cell of headlines, fourteenth pass).

Pure functions over normalised text, readability's paragraphs and an lxml tree (only its methods are
used; lxml is not imported). Chosen on the tune half of ../shared/corpora (docs/extraction.md, "Sixth
pass, text"). Split out of `continuation`, whose split-story rules share its text helpers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from newsflow.continuation import DROPPED_MAX_LINK_SHARE, element_text, merged_lines, paragraph_key
from newsflow.refine import drop_marked_lines
from newsflow.text import PARAGRAPH_SEPARATOR, normalize_text, word_tokens

DROPPED_MIN_WORDS = 40
DROPPED_MAX_COVERED = 0.7
NEIGHBOUR_MIN_COVERED = 0.9
"""A dropped paragraph: one of readability's paragraphs of DROPPED_MIN_WORDS words or more with
under DROPPED_MAX_COVERED of its words in the text, whose neighbours in readability's text have
NEIGHBOUR_MIN_COVERED or more of theirs in it (the previous one, unless it is the first). Tune half:
trafilatura-eval +0.004 (two pages), the others unchanged; 15-25 words took fact boxes and
captions (fundus -0.0003 to -0.001)."""

_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td")


def restore_dropped_paragraphs(text: str, paragraphs: Sequence[str], link_shares: Sequence[float] = ()) -> str:
    """The text with the long paragraphs that readability-lxml has inside the story and it lacks; not one
    whose characters are DROPPED_MAX_LINK_SHARE or more link text (`link_shares`, one a paragraph)."""
    shares = zip(paragraphs, link_shares, strict=False)  # no shares given: none is skipped
    linked = {paragraph for paragraph, share in shares if share >= DROPPED_MAX_LINK_SHARE}
    paragraphs = [paragraph for paragraph in paragraphs if any(char.isalnum() for char in paragraph)]
    # a token is at least one character: pages with no paragraph that long are done here
    if not text or not any(len(paragraph) >= DROPPED_MIN_WORDS for paragraph in paragraphs):
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    coverage = _Coverage(lines)
    found: list[tuple[int, str]] = []
    for index, paragraph in enumerate(paragraphs):
        if len(paragraph) < DROPPED_MIN_WORDS or paragraph in linked or coverage.of(paragraph) >= DROPPED_MAX_COVERED:
            continue
        if len(word_tokens(paragraph)) < DROPPED_MIN_WORDS:
            continue
        before = coverage.of(paragraphs[index - 1]) >= NEIGHBOUR_MIN_COVERED if index > 0 else True
        after = index + 1 < len(paragraphs) and coverage.of(paragraphs[index + 1]) >= NEIGHBOUR_MIN_COVERED
        # a notice the text had dropped stays out (twenty-second pass: ebike-mtb's appeal for support)
        kept = drop_marked_lines(normalize_text(paragraph).replace(PARAGRAPH_SEPARATOR, " "))
        if before and after and kept:
            follows = coverage.line_of(paragraphs[index - 1]) if index > 0 else -1
            found.append((follows, kept))
    return merged_lines(lines, found) if found else text


class _Coverage:
    """The share of a paragraph's words that the text has; a paragraph that is one of the text's
    lines is recognised by its normalised string, so most paragraphs are never tokenized."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.index_of = {paragraph_key(line): index for index, line in enumerate(lines)}
        self.known: set[str] | None = None

    def of(self, paragraph: str) -> float:
        if paragraph_key(paragraph) in self.index_of:
            return 1.0
        if self.known is None:
            self.known = set(word_tokens(PARAGRAPH_SEPARATOR.join(self.lines)))
        tokens = word_tokens(paragraph)
        return sum(token in self.known for token in tokens) / len(tokens) if tokens else 0.0

    def line_of(self, paragraph: str) -> int:
        """The index of the text's line that is the paragraph, or else that shares the most words with it."""
        index = self.index_of.get(paragraph_key(paragraph))
        return index if index is not None else _closest_line(self.lines, word_tokens(paragraph))


def block_texts(summary: Any) -> list[str]:
    """The texts of an extraction's paragraphs, list items, headings, quotes and cells (readability-lxml's
    output element), in page order, leaving out captions (a `figure`, or a class or id with "caption")."""
    return [text for _, text in block_elements(summary)]


def block_elements(summary: Any) -> list[tuple[Any, str]]:
    """(element, its text) for each of `block_texts`. A block that only wraps blocks is listed once, not besides
    them (its text would be the story's twice): a quote whole, as one block (its paragraphs are one quote, and a
    short one alone is no prose), a list item's or a cell's paragraphs by themselves."""
    if summary is None:
        return []
    found = []
    # each quote read once (asked per paragraph, a quote of n paragraphs cost n times n: 10 s for 2,000); the set
    # holds the proxies, so lxml returns the same ones below
    whole_quotes = {quote for quote in summary.iter("blockquote") if _quotes_paragraphs(quote)}
    for element in summary.iter(*_BLOCKS):
        ancestors = list(element.iterancestors())
        if any(_is_caption(node) for node in (element, *ancestors)):
            continue
        if whole_quotes and any(node in whole_quotes for node in ancestors):
            continue  # the quote's own block holds it
        text = element_text(element)
        if element.tag in ("p", "blockquote") or not _wraps_blocks(element, text):
            found.append((element, text))
    return found


def _quotes_paragraphs(quote: Any) -> bool:
    """Whether a `<blockquote>` holds paragraphs only (a quote; one that holds a table or a list, as LWN sets its
    tables, is listed as before, block by block)."""
    return all(node.tag == "p" for node in quote.iterdescendants(*_BLOCKS))


def _wraps_blocks(element: Any, text: str) -> bool:
    """Whether the element's text is all its outermost block descendants' (a `<blockquote><p>…</p></blockquote>`)."""
    inner = [node for node in element.iterdescendants(*_BLOCKS) if next(node.iterancestors(*_BLOCKS)) is element]
    return bool(inner) and " ".join(element_text(node) for node in inner) == text


def _is_caption(element: Any) -> bool:
    names = f"{element.get('class') or ''} {element.get('id') or ''}".casefold()
    return element.tag in ("figure", "figcaption") or "caption" in names


def _closest_line(lines: list[str], words: list[str]) -> int:
    """The index of the text's line that shares the most words with a paragraph."""
    wanted = set(words)
    return max(range(len(lines)), key=lambda index: len(wanted.intersection(word_tokens(lines[index]))))
