"""A date printed in a short block just before a story's headline, inside the story ("Mundo · 12 de marzo de
2026" above the headline of a script-built page): read only when nothing else dates the page (eighteenth
pass, docs/extraction.md). The byline under the headline is `newsflow.headline_date`; the site's bar, with
today's date, sits further up, outside the story (`sitechrome.site_bar`).

Pure: an lxml tree walked by its methods only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice
from typing import Any

from newsflow.headline_date import MAX_TEXT_CHARS, UPDATE_CUE, byline_texts, page_headline, page_order, published_ago
from newsflow.pageblocks import headline_ancestors, is_prose, other_stories_block
from newsflow.printeddates import ASCII_DIGITS, first_date
from newsflow.sitechrome import CHROME_DEPTH, story_wrapper
from newsflow.worlddates import slash_order

KICKER_BLOCKS = 4
"""How many blocks before the headline `kicker_date` reads, nearest first."""
ABOVE_LEVELS = 4
"""How far above the headline `above_story_date` climbs, in wrappers that hold only the story."""
STORY_BEGUN = 2
"""After this many paragraphs of prose after the headline, a date printed is no byline's (`printed_after_story`)."""


def kicker_date(tree: Any) -> date | None:
    """The first date in the short blocks just before the headline, inside its story: its `<article>`,
    or without one the levels of `sitechrome.CHROME_DEPTH` below it ("Mundo · 12 de marzo de 2026" above
    the headline of a script-built page, which htmldate does not read; eighteenth pass). Read as a last
    resort (`lastresortdates.last_resort_date`): the site's bar (today's date) sits further up."""
    headline = page_headline(tree)
    if headline is None:
        return None
    ancestors, article = headline_ancestors(headline)
    blocks = islice(_blocks_before(headline, article if article < len(ancestors) else CHROME_DEPTH - 1),
                    KICKER_BLOCKS)
    found = _first_date_in(blocks, tree, ancestors, article)
    return found[1] if found is not None else None


def above_story_date(tree: Any, kickers: bool = False, timed_kickers: bool = False,
                     datelines: bool = False) -> date | None:
    """The first date in the short blocks just before the headline, up to `ABOVE_LEVELS` levels above it
    in wrappers that hold only the story (`sitechrome.story_wrapper`: no site header, menu or logo): a
    theme's byline in a column or row above the story's `<article>` (nineteenth pass: htmldate took a
    teaser's date below the story over it). Read only where the page states no date of its own
    (`lastresortdates.above_story_checked`); the site's bar, above its menu, is never reached. The wrappers are checked
    only up to the block that prints a date (most pages print none there, and the check walks them whole).
    With `kickers`, a kicker's block counts as a byline's (`_kicker_block`, twenty-third pass: a page that
    states only its age); with `timed_kickers`, a kicker's block that prints a time of day too ("02.02.2022 10:16 Uhr -
    1. Bundesliga", a dateline: thirty-fifth pass; a topic's or an event's day above a story prints none); with
    `datelines`, a kicker's block whose line opens with its date ("05.02.2020 - Redaktion: …", thirty-sixth pass)."""
    headline = page_headline(tree)
    if headline is None:
        return None
    ancestors, article = headline_ancestors(headline)
    blocks = islice(_blocks_before(headline, ABOVE_LEVELS - 1), KICKER_BLOCKS)
    found = _first_date_in(blocks, tree, ancestors, article, no_updates=True, orders=(page_order, slash_order))
    if found is None:
        return None
    kicker = (kickers or (timed_kickers and _timed_dateline(found[0], tree))
              or (datelines and _opens_with_date(found[0], tree)))
    if not (_byline_block(found[0]) or (kicker and _kicker_block(found[0]))):
        return None  # review: a related list, a ticker, an event in a standfirst or a site bar above the headline
    depth = ancestors.get(found[0].getparent(), ABOVE_LEVELS)
    wrappers = [ancestor for ancestor, index in ancestors.items() if index <= depth]
    return found[1] if all(story_wrapper(ancestor, ancestors) for ancestor in wrappers) else None


_CLOCK = re.compile(r"(?<!\d)\d{1,2}(?::|h)\d{2}(?!\d)|(?<![\d.])\d{1,2}\.\d{2}(?=\s*(?:Uhr|h)\b)"
                    r"|\bkl\.?\s*\d{1,2}[.:]\d{2}(?!\d)", re.IGNORECASE)
"""A time of day ("10:16", French "10h16"; review: German "10.16 Uhr", Nordic "kl. 10.16"); a dotted "02.02" alone
is a day's."""
_KICKER_SEPARATOR = re.compile(r"[·|•–—]| - ")  # noqa: RUF001 (the dashes kickers print)


def _timed_dateline(block: Any, tree: Any) -> bool:
    """Whether the block's line opens with its date and prints a time of day before any separator ("02.02.2022 10:16
    Uhr - 1. Bundesliga", "02/02/2022 à 10h16 - Ligue 1": a dateline; thirty-fifth pass). Review: not a topic's or an
    event's day and hour ("Konzert · 05.02.2022, 19:30 Uhr", "Liveticker · 05.02.2022 20:30") nor a date and another
    part's figure ("05.02.2022 · Lesezeit 4:30 Min.")."""
    line = (_short_text(block) or "").translate(ASCII_DIGITS)
    clock = _CLOCK.search(line)
    if clock is None or _KICKER_SEPARATOR.search(line, 0, clock.start()):
        return False
    return clock.start() > 0 and _opens_with_date(block, tree, line)


def _opens_with_date(block: Any, tree: Any, line: str | None = None) -> bool:
    """Whether the block's short line opens with a date ("05.02.2020 - Redaktion: …"; not "Brexit · 31 January")."""
    line = (_short_text(block) or "").translate(ASCII_DIGITS) if line is None else line
    order = next((known for read in (page_order, slash_order) if (known := read(tree)) is not None), None)
    found = first_date(line, named=True, order=order)
    return found is not None and found[0] == 0


_BYLINE_NAME = re.compile(r"byline|author|meta|posted|submitted|dateline|publish", re.IGNORECASE)
"""WordPress "entry-meta", "posted-on"; Drupal "node__submitted"; Arc "byline"; CSS modules "ArticleMeta_x1"."""
_BYLINE_WORD = re.compile(r"^(?:by|par|por|von|di|door|av|af|przez|autor|tác giả)\s", re.IGNORECASE)


def _byline_block(block: Any) -> bool:
    """Whether the block that prints the date above the headline is a byline: its class or id, or a descendant's,
    says so, or its text opens with "By" (review of the nineteenth pass: a dated related list, a ticker, an event
    date in a standfirst or a site bar without `<nav>` in the story's wrappers overrode the story's own date)."""
    names = " ".join(f"{node.get('class') or ''} {node.get('id') or ''}" for node in block.iter()
                     if isinstance(node.tag, str))
    return _BYLINE_NAME.search(names) is not None or _BYLINE_WORD.match(" ".join(block.itertext()).strip()) is not None


_BAR_NAME = re.compile(r"ticker|breaking|flash|alert|edition|today|weather|meteo|clock|date-?bar|current-?date|"
                       r"marquee|banner|cookie|consent|notice|promo|market", re.IGNORECASE)
"""A strip above the story that prints today's date, by its class or id: a ticker, an edition's, a weather widget."""
KICKER_LINK_WORDS = 3
"""A link of this many words in a block above the headline is another story's headline: the block is a ticker's."""


def _kicker_block(block: Any) -> bool:
    """Whether the block that prints a date just above the headline is a kicker or dateline ("Politics · 30
    November 2026", "Politique | 30 novembre 2026"; twenty-third pass): no class or id of it names a bar that
    prints today's date (`_BAR_NAME`: a ticker, a breaking-news or edition strip), and no link in it is another
    story's headline (a link of `KICKER_LINK_WORDS` words or more; a kicker links its section's one word), and it
    is no sentence (an event's day in a standfirst above the headline: "The festival opens on 30 November 2026.")."""
    if is_prose(" ".join(" ".join(block.itertext()).split())):
        return False
    for node in block.iter():
        if not isinstance(node.tag, str):
            continue
        if _BAR_NAME.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return False
        if node.tag == "a" and len(" ".join(node.itertext()).split()) >= KICKER_LINK_WORDS:
            return False
    return True


def kicker_age(tree: Any, published: datetime) -> timedelta | None:
    """The age the page states under its headline ("2 days ago") when its publication is the bare day of a kicker
    above the story (`above_story_date` with `kickers`, twenty-third pass), else None: returned beside that day, so
    that the run, which knows the fetch time, drops a day after the age's (`articledates.article_dates`: a block
    that prints today's date and is named as no bar) or long before it (review: a topic's or an event's day, "Brexit
    · 31 January 2020"). Not beside a byline's block's day (a dateline's): the nineteenth pass reads it whatever
    the age."""
    if published.time() != time(0) or published.utcoffset():
        return None
    age = published_ago(tree)
    if age is None or above_story_date(tree, kickers=True) != published.date():
        return None
    return age if above_story_date(tree) != published.date() else None  # review: a byline's block is read as before


def printed_after_story(tree: Any, day: date) -> bool:
    """Whether the first of the texts after the headline (`headline_date.byline_texts`) that prints `day`
    comes after `STORY_BEGUN` paragraphs of prose: a teaser's date below a short story on a page without
    `<article>`, not its byline's (nineteenth pass); False when none prints it."""
    prose, order = 0, page_order(tree)  # the order of these same texts' slashed dates
    for text in byline_texts(tree):
        line = " ".join(str(text).split())
        if is_prose(line):
            prose += 1
            continue
        if len(line) <= MAX_TEXT_CHARS and (found := first_date(line.translate(ASCII_DIGITS), named=True,
                                                                order=order)) is not None and found[1] == day:
            return prose >= STORY_BEGUN
    return False


def _first_date_in(blocks: Iterator[Any], tree: Any, ancestors: dict[Any, int], article: int,
                   no_updates: bool = False, orders: tuple[Any, ...] = (page_order,)) -> tuple[Any, date] | None:
    """The first block whose short text prints a date, and that date, outside other stories' blocks (and,
    `no_updates`, on no line an update cue names: "Updated March 12, 2026" above a headline dates no
    publication); a slashed date in the first of `orders` that knows the page's."""
    order: str | None = None
    for block in blocks:
        line = _short_text(block)
        if line is None or other_stories_block(block, ancestors, article):
            continue
        if no_updates and UPDATE_CUE.search(line):
            continue
        order = order or next((known for read in orders if (known := read(tree)) is not None), None)
        found = first_date(line.translate(ASCII_DIGITS), named=True, order=order)
        if found is not None:
            return block, found[1]
    return None


def _short_text(block: Any) -> str | None:
    """The block's text, white space collapsed, unless it is longer than `MAX_TEXT_CHARS`: read no further
    than that (a block above the headline may hold the site's whole header)."""
    pieces, size = [], 0
    for piece in block.itertext():
        pieces.append(piece)
        size += len(piece.strip())  # at most the collapsed text's length
        if size > MAX_TEXT_CHARS:
            return None
    line = " ".join("".join(pieces).split())
    return line if len(line) <= MAX_TEXT_CHARS else None


def _blocks_before(headline: Any, levels: int) -> Iterator[Any]:
    """The elements before the headline, nearest first, among its siblings and those of its ancestors
    up to `levels` above it."""
    node = headline
    for _ in range(levels + 1):
        yield from (sibling for sibling in node.itersiblings(preceding=True)
                    if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style"))
        node = node.getparent()
        if node is None:
            return
