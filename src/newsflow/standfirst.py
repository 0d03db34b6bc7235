"""The standfirst: the paragraph a page shows between the story's headline and its first line.

Many templates set the story's summary apart from its body: a `<p class="intro">`, a
`<div class="article-teaser">`, an `<h2>` subtitle in the header, a `<div class="chapo">`. When
trafilatura's container is the body only, the standfirst is lost, and `newsflow.refine.restore_lead`
puts it back only when the page's description (meta or JSON-LD) is that very paragraph; on many
pages it is not (a shorter summary written for search engines, or none). References keep the
standfirst: trafilatura's evaluation pages count it as content, fundus's bodies carry it as their
"summary" (docs/extraction.md, "Tenth pass").

This module reads the page itself instead of its description. Walking the page in document order, the text blocks
after the last `<h1>` before the block that starts the text's first line (whose whole text it is, for a line of
under three words; or the table whose first row it is: a data table opening the story) are candidates; one is the
standfirst when it is a sentence (12-120 words, ending like one, unless its class names it a standfirst), not mostly
a link, not the headline again, not in the text already, and not in a figure, a gallery, a list, a navigation or
another place of page furniture (by tag, and by class or id words near it; utility classes such as "caption-s5" or
"overflow-hidden" name no block). Exactly one such block must be found: two or more are something else (teaser
cards, a fact box), unless one of them alone is named a standfirst (docs/extraction.md, "Twelfth pass").
"""

from __future__ import annotations

import re
from typing import Any

from newsflow.furniture import is_dated_line
from newsflow.refine import lead_in_text
from newsflow.storystart import is_head_furniture
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count, word_tokens

KICKER_WORDS = 6
"""A kicker's words at most, before the headline in a block that holds both."""
STANDFIRST_MIN_WORDS = 12
"""Shorter blocks between headline and story are kickers, bylines, datelines and reading times."""
STANDFIRST_MAX_WORDS = 120
STANDFIRST_MAX_LINK_SHARE = 0.3
MAX_STANDFIRST_CANDIDATES = 32
"""Distinct lines between the headline and the story's first line that pass every test but the text's own: more are
not a header's (a hidden copy, a list of teasers), and none is restored. The standfirst tests search the text once a
line: this bounds them to 32 passes over it (quad39)."""
TITLE_HEADING_MIN_WORDS = 2
TITLE_HEADING_MIN_SHARE = 0.5
"""An <h1> names the page's title when it has at least TITLE_HEADING_MIN_WORDS words and holds the title,
or the title holds it and it is TITLE_HEADING_MIN_SHARE of the title's words or more."""
FIRST_LINE_PROBE_CHARS = 60
SHORT_FIRST_LINE_WORDS = 3
"""The text's first line is found on the page by its first 60 characters (a block starts with them); a line of under
SHORT_FIRST_LINE_WORDS words as a block's whole text ("In short", "Background": as a block's start it would match
a sentence that opens with the same words). Any short first line is looked for, over a list or not (review of the
thirty-seventh pass: a label with a colon or over a list's items only)."""
SENTENCE_END = tuple(".!?\"'»“”’…:)")  # noqa: RUF001 (typographic quotes close sentences)

# Blocks whose text is read; a div, section, header or span only when no block is inside it.
_CANDIDATE_TAGS = frozenset({"p", "div", "h2", "section", "header", "span"})
_INNER_BLOCK_TAGS = frozenset({
    "p", "div", "ul", "ol", "table", "h1", "h2", "h3", "h4", "section", "article", "figure", "blockquote",
    "header", "footer", "aside", "nav", "form",
})
_FURNITURE_TAGS = frozenset({
    "figure", "figcaption", "aside", "nav", "footer", "form", "button", "label", "script", "style", "noscript",
    "time", "address", "select", "ul", "ol", "table", "h1",
})
# Words of a class or id, by how far up from the block they count: a caption's or an image's own
# wrapper (two levels), furniture around it (four), a gallery or carousel anywhere near (seven).
# The story's own <article>, <main> and <body> never count: their classes name the post's tags.
_MEDIA_WORDS = frozenset({
    "caption", "credit", "credits", "image", "img", "photo", "video", "player", "figure", "media", "multimedia",
    "title", "headline",
})
FURNITURE_CLASS_WORDS = frozenset({
    "byline", "author", "breadcrumb", "breadcrumbs", "share", "sharing", "social", "related", "newsletter",
    "comment", "comments", "menu", "nav", "navigation", "copyright", "cookie", "consent", "sidebar", "widget",
    "banner", "promo", "advert", "ad", "ads", "meta", "tags", "sponsor", "sponsored", "hidden", "modal", "popup",
    "textbox", "infobox", "collapse", "footer", "toc",
})
_STANDFIRST_WORDS = frozenset({
    "standfirst", "lead", "lede", "intro", "teaser", "summary", "dek", "deck", "subtitle", "subheadline",
    "subhead", "epigraph", "excerpt", "abstract", "chapo", "chapeau", "entradilla", "sumario", "bajada",
})
_PARENT_STANDFIRST_NAMES = frozenset({
    "standfirst", "article-lead", "article__lead", "article-lede", "story-lead", "lede", "dek", "deck",
    "article-dek", "epigraph", "chapo", "chapeau", "subheadline", "subhead", "article-subtitle", "article-summary",
    "article-intro", "article__intro", "excerpt", "abstract", "entradilla", "sumario", "bajada",
})  # fmt: skip
"""A parent's class or id names the block's standfirst only as one of these whole names: a parent
"lead" or "summary" is as often a lead photo's or a teaser's box (review of the twelfth pass)."""
_TIEBREAK_EXCLUDED = frozenset({"teaser"})
"""Two qualifying blocks are teaser cards more often than not: a "teaser" breaks no tie."""
_PICTURE_TAGS = ("img", "picture", "figure")
_GALLERY_WORDS = frozenset({"gallery", "carousel", "slide", "slider", "slideshow", "gal", "lightbox"})
_MEDIA_LEVELS, _FURNITURE_LEVELS, _GALLERY_LEVELS = 2, 4, 7
_STORY_TAGS = frozenset({"article", "main", "body", "html"})
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")  # "CarouselSlide-info" -> carousel, slide, info
_UTILITY_CLASS = re.compile(
    r"(?<![\w-])(?i:(?:caption|title|headline)[-_]+(?:[a-z]?\d+|xs|sm|md|lg|xl|\d?xl)|overflow(?:-[xy])?-hidden)(?![a-z0-9])"
    r"|(?<![\w-])(?:has|with)(?:[-_]|(?=[A-Z]))[\w-]+",  # "hasRightSidebar": case matters here
)
"""Utility classes that name a style, not a block: a step of a design system's type scale
("caption-s5-fx", "headline-lg", "title-2": the size of the letters, not a caption or a headline) and
"overflow-hidden" (content clipped at its edges, not hidden). Twelfth pass: a standfirst set in
"caption-s5" type inside an "overflow-hidden" hero block was taken for furniture. And a layout
modifier that names what is beside the block ("hasRightSidebar", "has-sidebar", "with-ads"): the
story's column, not the sidebar."""
_PHOTO_CREDIT = re.compile(
    r"\((?:[^()]*/[^()]*|[^()]*(?:©|credit|photo|foto|bild|getty|reuters|dpa)[^()]*)\)$", re.IGNORECASE
)


def restore_standfirst(text: str, tree: Any, title: str | None = None) -> str:
    """The text with the page's standfirst as its first line, when the page shows one above the
    story's first line and the text lacks it, or holds it further down while the page shows it only there (a
    fallback that read the page's paragraphs out of their order: session 28, a short story split over two
    containers; a story's paragraph the page also shows above the story, as a summary, stays where it is)."""
    body = tree.find("body") if tree is not None and text else None
    lines = text.split(PARAGRAPH_SEPARATOR)
    short = word_count(lines[0]) < SHORT_FIRST_LINE_WORDS
    if body is None or (short and len(lines) < 2):
        return text
    probe = lines[0] if short else lines[0][:FIRST_LINE_PROBE_CHARS]
    blocks = _blocks_after_headline(body, probe, normalized_line(title or "").lower(), whole=short)
    headlines = _headline_texts(tree, title)
    later_lines = set(lines[1:])
    later = [line for _, line in blocks if line in later_lines]
    pictured = _PicturesBeside()
    if len(later) == 1 and lines.count(later[0]) == 1 and _shown_once(body, later[0]):
        moved = PARAGRAPH_SEPARATOR.join(line for line in lines if line != later[0])
        if any(_is_standfirst(element, line, moved, headlines, pictured)
               for element, line in blocks if line == later[0]):
            return f"{later[0]}{PARAGRAPH_SEPARATOR}{moved}"
    qualified = _standfirsts(blocks, text, headlines, pictured)
    found = {line for _, line in qualified}
    if len(found) > 1:  # two or more: teaser cards or a fact box, unless one alone is named a standfirst
        found = {line for element, line in qualified if _named_standfirst(element, pictured, _TIEBREAK_EXCLUDED)}
    if len(found) != 1:
        return text
    return f"{found.pop()}{PARAGRAPH_SEPARATOR}{text}"


def _shown_once(body: Any, line: str) -> bool:
    """Whether one text block of the page, and no other, reads `line`."""
    shown = (element for element in body.iter(*_CANDIDATE_TAGS) if _is_text_block(element))
    return sum(normalized_line(" ".join(element.itertext())) == line for element in shown) == 1


def _blocks_after_headline(
    body: Any, first_line_start: str, title: str = "", *, whole: bool = False
) -> list[tuple[Any, str]]:
    """The text blocks between the last <h1> before the story's first line and that line, with
    their normalised text; none when the page has no such <h1> or the line is not found. Once an
    <h1> naming the page's title has been met, a later <h1> that does not name it is a widget's or
    a content system's own ("This portlet should not exist anymore": twenty-second pass), not the
    headline, and the walk goes on past it."""
    blocks: list[tuple[Any, str]] = []
    seen_headline = seen_title = False
    row_start = " ".join(first_line_start.replace("|", " ").split())  # a table's row as trafilatura writes it
    for element in body.iter("h1", "table", *_CANDIDATE_TAGS):  # lxml skips the other elements (perf12)
        if element.tag == "h1":
            names_title = _names_title(element, title)
            if seen_title and not names_title:
                continue
            blocks, seen_headline, seen_title = [], True, seen_title or names_title
        elif element.tag == "table":
            if seen_headline and row_start and _first_row_text(element).startswith(row_start):
                return blocks
        elif seen_headline and _is_text_block(element):
            # before the first <h1> nothing is read: a first line found there has no standfirst above it
            line = normalized_line(" ".join(element.itertext()))
            if line == first_line_start if whole else line.startswith(first_line_start):
                return blocks
            blocks.append((element, line))
    return []


def _first_row_text(table: Any) -> str:
    """The text of a table's first row: a table that opens the text (data, which stays) has it as the text's first
    line, and nothing above it was read before (review of the thirty-third pass, text). One row a table: a page of
    50,000 rows costs no more than one of a few."""
    row = next(table.iter("tr"), None)
    return "" if row is None else normalized_line(" ".join(row.itertext()))


def _names_title(heading: Any, title: str) -> bool:
    """Whether an <h1>'s text (2+ words) holds the page's title, or is in it as TITLE_HEADING_MIN_SHARE of its
    words or more (titles carry the site's name: "Headline | Site"). Not the site's name alone: a logo's
    <h1> "Bay News" in "Ferry back | Bay News" would let the walk skip a headline that the title words
    otherwise (review of the twenty-second pass)."""
    text = normalized_line(" ".join(heading.itertext())).lower()
    words = word_count(text)
    if not title or words < TITLE_HEADING_MIN_WORDS:
        return False
    return title in text or (text in title and words >= TITLE_HEADING_MIN_SHARE * word_count(title))


def _is_text_block(element: Any) -> bool:
    parent = element.getparent()
    if element.tag == "p":
        return parent is None or parent.tag != "p"
    if element.tag == "span" and parent is not None and parent.tag in ("p", "div", "h2"):
        return False  # its block's text is read instead
    # lxml finds the first inner block itself: a Python test of every descendant was quadratic in nested divs
    return element.tag == "h2" or next(element.iterdescendants(*_INNER_BLOCK_TAGS), None) is None


def _standfirsts(
    blocks: list[tuple[Any, str]], text: str, headlines: list[str], pictured: _PicturesBeside
) -> list[tuple[Any, str]]:
    """The blocks that qualify as the standfirst. The text is searched for a block's line (`lead_in_text`, linear in
    the text) once a line, and only when at most MAX_STANDFIRST_CANDIDATES lines pass every other test: past that the
    blocks are not a header's (quad39: 2,000 hidden sentences above a 2,000-line story took 62 s of CPU, each one
    looked for in the whole text), and no standfirst is restored."""
    likely = [(element, line) for element, line in blocks if _may_be_standfirst(element, line, headlines, pictured)]
    lines = {line for _, line in likely}
    if len(lines) > MAX_STANDFIRST_CANDIDATES:
        return []
    shown = {line for line in lines if not lead_in_text(line, text)}
    return [(element, line) for element, line in likely if line in shown]


def _is_standfirst(element: Any, line: str, text: str, headlines: list[str], pictured: _PicturesBeside) -> bool:
    return _may_be_standfirst(element, line, headlines, pictured) and not lead_in_text(line, text)


def _may_be_standfirst(element: Any, line: str, headlines: list[str], pictured: _PicturesBeside) -> bool:
    """Every test of a standfirst but whether the text holds it already."""
    words = word_count(line)
    if not STANDFIRST_MIN_WORDS <= words <= STANDFIRST_MAX_WORDS:
        return False
    if not line.endswith(SENTENCE_END) and not _named_standfirst(element, pictured):
        return False
    if _PHOTO_CREDIT.search(line) or is_dated_line(line):  # a credit or a dateline (eleventh pass)
        return False
    if is_head_furniture(line):  # an age notice, a breadcrumb (twenty-ninth pass)
        return False
    if _repeats_headline(line, headlines):
        return False
    return _linked_share(element, line) <= STANDFIRST_MAX_LINK_SHARE and not _in_furniture(element)


def _repeats_headline(line: str, headlines: list[str]) -> bool:
    """Whether the line holds a headline, or is in one: as text, or by word tokens as a header's kicker and
    headline read as one block ("Kicker Headline …", the title "Kicker: Headline …" with its colon left out;
    thirtieth pass: rp-online's <h2> of two spans under a logo's <h1>). By tokens the headline ends the line,
    after at most KICKER_WORDS words: a standfirst may open with a short headline's words ("Storm hits the
    coast" / "A storm hits the coast of Normandy, …": review)."""
    tokens = word_tokens(line)
    folded = f" {' '.join(tokens)} "
    for headline in headlines:
        if line in headline or headline in line:
            return True
        words = word_tokens(headline)
        padded = f" {' '.join(words)} "
        if words and (folded in padded or (folded.endswith(padded) and len(tokens) - len(words) <= KICKER_WORDS)):
            return True
    return False


def _named_standfirst(element: Any, pictured: _PicturesBeside, excluded: frozenset[str] = frozenset()) -> bool:
    """Whether the block's class or id names a standfirst ("epigraph", "subheadline"), or its parent's
    is a whole standfirst name ("article-lead"): such a block needs no full stop (twelfth pass: many
    templates set the summary without one, a headline's way). Not beside a picture: a "lead" box with
    an image holds the lead photo's caption (review of the pass)."""
    parent = element.getparent()
    if _has_picture(element) or (parent is not None and pictured(parent)):
        return False
    if not (_STANDFIRST_WORDS - excluded).isdisjoint(class_words(element)):
        return True
    return parent is not None and not (_PARENT_STANDFIRST_NAMES - excluded).isdisjoint(_class_names(parent))


def _has_picture(node: Any) -> bool:
    return any(True for _ in node.iter(*_PICTURE_TAGS))


class _PicturesBeside:
    """`_beside_picture`, answered once a parent for one page: each of a parent's n blocks asks it of the same
    children, n² in all (quad39: 8,000 bare cards in one `<div>`, each linking its author, took 90 s of CPU, an
    `extract_timeout`). The parents are kept, so lxml hands back the same element for each of its blocks."""

    def __init__(self) -> None:
        self._known: dict[Any, bool] = {}

    def __call__(self, parent: Any) -> bool:
        known = self._known.get(parent)
        if known is None:
            known = self._known[parent] = _beside_picture(parent)
        return known


def _beside_picture(parent: Any) -> bool:
    """A picture among the parent's children or theirs (an `<a>` round an `<img>`), not anywhere below
    it: the parent may be the whole story, with its photos further down."""
    return any(child.tag in _PICTURE_TAGS or any(g.tag in _PICTURE_TAGS for g in child) for child in parent)


def _class_names(node: Any) -> set[str]:
    return {name.lower() for name in f"{node.get('class') or ''} {node.get('id') or ''}".split()}


def class_words(node: Any) -> set[str]:
    """The words of a node's class and id, lowercased, utility classes left out (`_UTILITY_CLASS`);
    `newsflow.captions` reads captions' names with it too."""
    names = _UTILITY_CLASS.sub(" ", f"{node.get('class') or ''} {node.get('id') or ''}")
    return {word.lower() for word in _CLASS_WORD.findall(names)}


def _linked_share(element: Any, line: str) -> float:
    linked = sum(len(normalized_line(" ".join(link.itertext()))) for link in element.iter("a"))
    return linked / max(1, len(line))


def _in_furniture(element: Any) -> bool:
    """Whether the block sits in a figure, list, navigation or the like, by tag or by the words of
    its own and its ancestors' classes and ids."""
    for level, node in enumerate([element, *element.iterancestors()]):
        if node.tag in _FURNITURE_TAGS:
            return True
        if level >= _GALLERY_LEVELS or node.tag in _STORY_TAGS:
            continue
        words = class_words(node)
        if words & _GALLERY_WORDS:
            return True
        if level < _FURNITURE_LEVELS and words & FURNITURE_CLASS_WORDS:
            return True
        if level < _MEDIA_LEVELS and words & _MEDIA_WORDS:
            return True
    return False


def _headline_texts(tree: Any, title: str | None) -> list[str]:
    """The headline as the page shows it (its <h1>s) and as its metadata gives it: a block holding
    one is a headline again (a second headline block, a header's kicker and title run together)."""
    texts = [normalized_line(" ".join(heading.itertext())) for heading in tree.iter("h1", "title")]
    return [text for text in [*texts, normalized_line(title or "")] if word_count(text) >= 3]
