"""The story's headline among the text's first lines, and the title as the page's own headline words it.

Split from `newsflow.refine` (thirty-seventh pass, text; its public names are re-exported there):

- `drop_title_line`: the headline repeated in the text's first lines, with the short lines above it (kicker,
  breadcrumbs), even when the page's <h1> words it differently from <title>;
- `title_without_suffix`, `story_headlines`, `headings_beside`, `page_headlines`: the page's <h1> texts and the
  title without a section's or site's name after its separator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from newsflow.leadins import LIST_ITEM_MARK
from newsflow.pagememo import per_page
from newsflow.text import PARAGRAPH_SEPARATOR, token_f1, word_count, word_tokens

TITLE_LINE_MAX_WORDS = 40
TITLE_LINE_MIN_F1 = 0.7
"""A line is the headline again when its words and the title's overlap this much (token F1)."""
_TITLE_SEPARATOR = re.compile("\\s+[-|\u2013\u2014:\u00b7]\\s+")  # as newsflow.extract's site suffix
HEADED_TITLE_MIN_WORDS = 2
TITLE_EQUAL_MAX_WORDS = 120
STORY_BELOW_MIN_WORDS = 15  # storytext.MIN_PARAGRAPH_WORDS: a story's paragraph
"""A longer line is the headline only when its words are the title's, all of them: a Chinese or Japanese
headline of 75 characters counts 75 words (twenty-ninth pass)."""
HEADLINE_SEARCH_LINES = 4
ABOVE_HEADLINE_MAX_WORDS = 6
"""The headline is looked for in the first HEADLINE_SEARCH_LINES lines, below lines of at most
ABOVE_HEADLINE_MAX_WORDS words (a kicker, breadcrumb items, "FAQ"), which go with it."""
MAX_HEADLINES = 5
MAX_HEADLINE_DROPS = 2
_SENTENCE_END = re.compile(r"[.!?][\"')»”’]*$")  # noqa: RUF001 (typographic quotes close sentences)


def drop_title_line(text: str, title: str | None, headlines: Sequence[str] = ()) -> str:
    """The text without the line that repeats the title (it is stored on its own), and without the
    short lines above it (kicker, breadcrumb, a label such as "FAQ"): page chrome over the headline.

    The headline is looked for in the first HEADLINE_SEARCH_LINES lines, under short lines only
    (ABOVE_HEADLINE_MAX_WORDS words each), and is recognised by its words (title, token F1 >=
    TITLE_LINE_MIN_F1) or as one of the page's own <h1> texts (`page_headlines`), which may word
    the story differently from the <title> written for search engines. Some pages show the
    headline twice (the story's and a teaser's, "FAQ" between them): a second one right below
    goes too (at most MAX_HEADLINE_DROPS).
    """
    for _ in range(MAX_HEADLINE_DROPS):
        lines = text.split(PARAGRAPH_SEPARATOR)
        found = _headline_index(lines, title, headlines)
        if found is None:
            break
        text = PARAGRAPH_SEPARATOR.join(lines[found + 1 :])
    return text


def _headline_index(lines: list[str], title: str | None, headlines: Sequence[str]) -> int | None:
    for index, line in enumerate(lines[:HEADLINE_SEARCH_LINES]):
        if index + 1 < len(lines) and is_headline(line, title, headlines) and _story_below(line, lines[index + 1 :]):
            if _among_points(line, lines[index - 1] if index else "", lines[index + 1]):
                return None
            return index
        if word_count(line) > ABOVE_HEADLINE_MAX_WORDS:
            break
    return None


def _among_points(line: str, above: str, below: str) -> bool:
    """Whether a line like the headline is a list's item among a summary's points: another item right below it, or
    right above it a point that is a sentence (a summary often restates the headline, in any of its points;
    review of the thirty-seventh pass: the last point went with the label and points above it). A breadcrumb trail
    kept as items ends with the headline, a story's line below it and a section's name, no sentence, above it."""
    if not line.startswith(LIST_ITEM_MARK):
        return False
    point_above = above.startswith(LIST_ITEM_MARK) and _SENTENCE_END.search(above) is not None
    return below.startswith(LIST_ITEM_MARK) or point_above


def _story_below(line: str, below: list[str]) -> bool:
    """A long line taken for the headline (a CJK one, TITLE_EQUAL_MAX_WORDS) goes only when a story paragraph
    follows: a flash whose title is its one paragraph keeps it (a page of short lines is no article)."""
    return word_count(line) <= TITLE_LINE_MAX_WORDS or any(word_count(rest) >= STORY_BELOW_MIN_WORDS for rest in below)


def is_headline(line: str, title: str | None, headlines: Sequence[str]) -> bool:
    if word_count(line) > TITLE_LINE_MAX_WORDS:  # a CJK headline counts a word a character: it may be the title
        return word_count(line) <= TITLE_EQUAL_MAX_WORDS and word_tokens(line) == word_tokens(title or "")
    folded = " ".join(word_tokens(line))
    if any(folded == " ".join(word_tokens(headline)) for headline in headlines):
        return True
    if not title:
        return False
    return line.casefold() == title.casefold() or token_f1(line, title) >= TITLE_LINE_MIN_F1


def title_without_suffix(
    title: str | None, headlines: Sequence[str], sitename: str | None = None, beside: Sequence[str] = ()
) -> str | None:
    """"Headline | Site Politics" -> "Headline" when one of the page's <h1> texts is the part before a spaced
    separator: what follows is a site's, a section's or a view's name that the page's own headline leaves out
    (twenty-ninth pass: og:title keeps it, and trafilatura prefers og:title). Only when that part has
    HEADED_TITLE_MIN_WORDS words or more and what follows no more: "Brexit: the deal …" under an <h1> "Brexit"
    keeps its words. `headlines` are the story's (`story_headlines`: no logo), and a part that is the site's name
    is never the title ("The Daily Tribune | Ferry pier closes"), nor is one whose rest is a heading set beside an
    <h1> (`headings_beside`: a kicker <h1> "Ukraine war live" over its headline <h2>, review)."""
    if not title or not headlines:
        return title
    shown = {tuple(word_tokens(headline)) for headline in headlines}
    site = tuple(word_tokens(sitename or ""))
    besides = {tuple(word_tokens(heading)) for heading in beside}
    longest, total = max(len(tokens) for tokens in shown), len(word_tokens(title))
    head: tuple[str, ...] = ()
    start = 0
    for separator in _TITLE_SEPARATOR.finditer(title):  # the head grows piece by piece: linear (review)
        head += tuple(word_tokens(title[start : separator.start()]))
        start = separator.end()
        if len(head) > longest:
            break
        if len(head) >= HEADED_TITLE_MIN_WORDS and total - len(head) <= len(head) and head in shown and head != site:
            return title if besides and tuple(word_tokens(title[start:])) in besides else title[: separator.start()]
    return title


def headings_beside(tree: Any) -> list[str]:
    """The texts of the <h2>/<h3> set right after an <h1> (an <hgroup>'s or a kicker's headline)."""
    found = []
    for h1 in tree.iterfind(".//h1"):
        after = h1.getnext()
        if after is not None and after.tag in ("h2", "h3"):
            found.append(" ".join(" ".join(after.itertext()).split()))
        if len(found) == MAX_HEADLINES:
            break
    return found


def story_headlines(tree: Any) -> list[str]:
    """The page's <h1> texts that are no site logo: none in the page's own <header> or <nav> (an <article>'s
    <header> is the story's), none holding a link to the site's home page."""
    found = []
    for h1 in tree.iterfind(".//h1"):
        ancestors = [element.tag for element in h1.iterancestors()]
        page_header = any(tag in ("header", "nav") for tag in ancestors) and not any(
            tag in ("article", "main") for tag in ancestors
        )
        if page_header or any(_is_home_link(anchor.get("href")) for anchor in h1.iterfind(".//a")):
            continue
        found.append(" ".join(" ".join(h1.itertext()).split()))
        if len(found) == MAX_HEADLINES:
            break
    return found


def _is_home_link(href: str | None) -> bool:
    parts = urlsplit((href or "#").strip())
    return parts.path in ("", "/") and not parts.query and not parts.fragment


@per_page
def page_headlines(tree: Any) -> list[str]:
    """The texts of the page's <h1> elements (most pages have one: the story's headline)."""
    return [" ".join(" ".join(h1.itertext()).split()) for h1 in tree.iterfind(".//h1")][:MAX_HEADLINES]
