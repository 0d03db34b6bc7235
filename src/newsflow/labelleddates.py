"""A publication day the page prints under a label of its own (twenty-sixth date pass, docs/extraction.md).

Many templates print the story's day apart from the byline: in an info block after the story ("Letzte Änderung:
… / Erschienen am: 01.11.2023"), an episode's data ("Veröffentlicht am 16.08.2019 / Dauer: …"), a blog theme's
footer sentence ("This entry was posted on Saturday, December 3rd, 2011 at 9:15 am and is filed under …",
"Dieser Beitrag wurde am … um 23:03 Uhr veröffentlicht") or a line above the headline ("Erschienen am" before a
`<time>`). `labelled_day` reads them; `labelled_over` lets that day beat htmldate's on a page that declares no
publication and prints no date under the headline (htmldate then answers with an update, a generic meta, a reader's
comment's day or nothing).

A label counts only where it opens a text of its own (a line, a `<dt>`, a `<span>`): "Erstmals erschienen am" (a
reprint's first publication) and "Quelle: …, veröffentlicht am" (a source the story quotes) do not open with it. The
day must follow the label at once. Not read: a label in another story's block (a related list, a comment, a
sidebar: `headline_date.in_other_block`, and names that say comment, event, related, teaser, update or video within
three levels), in a list item or a table cell (a listed document's or post's), in a short block with a link of
three words or more that is not the page's own title (a teaser or a download), or in a book's, an album's or a
product's data (ISBN, pages, a publisher, a price). Two different labelled days are a list's: none is the story's.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from newsflow.datechecks import plausible
from newsflow.headline_date import byline_time, headline_date, in_other_block
from newsflow.lastresortdates import as_datetime
from newsflow.pageblocks import bounded_text, page_titles
from newsflow.pagedates import page_url_day
from newsflow.printeddates import first_date

_LABEL = re.compile(
    r"^\s*(?:erschienen|ver[öo]ffentlicht|publiziert|published|publi[ée]e?|mis en ligne|publicado|publicada"
    r"|fecha de publicaci[óo]n|pubblicato|pubblicata|data di pubblicazione|gepubliceerd|geplaatst)"
    r"(?:\s+(?:am|on|le|el|il|op))?\s*[:\uff1a]?\s*", re.IGNORECASE)
"""A publication's label opening a text: de, en, fr, es, it, nl. "Posted" is not one here: comments' templates
print "Posted on … by Reader"."""
_TEMPLATE = re.compile(
    r"\b(?:wurde|was\s+(?:posted|published))\s+(?:\w+\s+)?(?:am|on)\s+(.{6,50}?)\s+(?:um|at)\s+(?:\d{1,2}[:.]\d\d|%H)",
    re.IGNORECASE)
"""A blog theme's footer sentence: "… was posted on {day} at {time}", "… wurde am {day} um {time} Uhr
veröffentlicht" (WordPress's Kubrick and its translations); the time of day after the day tells it from a sentence
of the story ("Der Bericht wurde am 2. März veröffentlicht")."""
_LABEL_WORDS = ("ffentlicht|rschienen|ublished|ublizier|ubli[ée]|ublicad|ublicaci|en ligne|ubblicat|ubblicaz"
                "|epubliceerd|eplaatst|posted|gepostet")
_CANDIDATES = ("//text()[re:test(., $words, 'i')][not(ancestor::head)][not(ancestor::script)][not(ancestor::style)]"
               "[not(ancestor::a)]")
_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
_NOT_THE_STORYS = re.compile(r"comment|kommentar|reaction|repl|event|termin|veranstalt|related|teaser|verwandt"
                             r"|similar|more-|weitere|update|aktualis|modifi|video|player|youtube", re.IGNORECASE)
_PRODUCT_DATA = re.compile(r"\bISBN\b|\bSeiten\b|\bpages\b|\bVerlag\b|[ée]ditions?\b|\beditorial\b|\beditore\b"
                           r"|\buitgeverij\b|\bpublisher\b|\bentwickler\b|\bdeveloper\b|\bhersteller\b|\bplattenfirma\b"
                           r"|\blabel:|\bpreis\b|\bprice\b|\bprix\b|\bprecio\b|\bprezzo\b|\bprijs\b|€|\bEUR\b",
                           re.IGNORECASE)
"""A book's, an album's, a game's or a product's data: its day is its release's, not the story's."""
_LEVELS = 3
_LIST_ITEMS = frozenset(("li", "td", "th"))
"""A list's item or a table's cell: a listed document's or post's day ("Bericht (PDF) | Veröffentlicht am …")."""
_SHORT_BLOCK = 400
_DAY_AFTER_LABEL = 16
"""How far into the text after a label its day may start: a weekday's name before it ("Donnerstag, 12. März")."""
_MAX_TEXTS = 50


def labelled_over(found: datetime | None, tree: Any, url: str | None = None) -> datetime | None:
    """The labelled day (`labelled_day`) when htmldate's date is another day or none, on a page that declares no
    publication (`dates._chosen_date` checked), prints no date under the headline and whose URL names no other
    day; else None."""
    if headline_date(tree) is not None or byline_time(tree) is not None:
        return None  # the byline under the headline dates the story: the eleventh pass's rules read it
    day = labelled_day(tree)
    labelled = as_datetime(day) if day is not None else None
    if not plausible(labelled) or (found is not None and found.date() == day):
        return None
    if (url_day := page_url_day(url, tree)) is not None and url_day != day:
        return None
    return labelled


def labelled_day(tree: Any) -> date | None:
    """The one publication day the page prints under a label of its own (module docstring); None when there is
    none, or two different ones."""
    days = set()
    for text in tree.xpath(_CANDIDATES, words=_LABEL_WORDS, namespaces=_NAMESPACES)[:_MAX_TEXTS]:
        owner = text.getparent()
        day = _label_day(text, owner) or _template_day(owner)
        if day is not None and _the_storys(tree, owner):
            days.add(day)
    return days.pop() if len(days) == 1 else None


def _label_day(text: Any, owner: Any) -> date | None:
    """The day right after a label that opens this text node, or in the element after it ("Erschienen am"
    then `<time datetime>`, `<dt>Published</dt><dd>12 March 2026</dd>`)."""
    match = _LABEL.match(str(text))
    if match is None:
        return None
    rest = str(text)[match.end():]
    if not rest.strip():
        following = owner.getnext() if text.is_tail or len(owner) == 0 else owner[0]
        if following is None:
            return None
        if following.tag == "time" and (stamp := first_date(str(following.get("datetime") or ""))) is not None:
            return stamp[1]
        rest = bounded_text(following, 80) or ""
    found = first_date(rest[:80], named=True)
    return found[1] if found is not None and found[0] <= _DAY_AFTER_LABEL else None


def _template_day(owner: Any) -> date | None:
    """The day of a blog theme's footer sentence in this text's block (`_TEMPLATE`)."""
    block = owner
    while block.tag in ("a", "span", "small", "nobr", "b", "strong", "em", "i") and block.getparent() is not None:
        block = block.getparent()
    line = " ".join((bounded_text(block, _SHORT_BLOCK) or "").split())
    match = _TEMPLATE.search(line)
    found = first_date(match[1], named=True) if match is not None else None
    return found[1] if found is not None else None


def _the_storys(tree: Any, element: Any) -> bool:
    """Whether a labelled text is the story's: not in another story's block, a teaser or a book's data."""
    if in_other_block(tree, element):
        return False
    titles = [" ".join(title.split()).lower() for title in page_titles(tree)]
    level = element
    for _ in range(_LEVELS):
        if level is None or level.tag in ("article", "main", "body"):
            break
        if level.tag in _LIST_ITEMS or _NOT_THE_STORYS.search(f"{level.get('class') or ''} {level.get('id') or ''}"):
            return False
        text = bounded_text(level, _SHORT_BLOCK)
        if text is None:
            break
        if _PRODUCT_DATA.search(text) or _teaser_link(level, titles):
            return False
        level = level.getparent()
    return True


def _teaser_link(block: Any, titles: list[str]) -> bool:
    """Whether a short block holds a link of three words or more that is not the page's own title (a teaser)."""
    for link in block.iterfind(".//a[@href]"):
        words = " ".join("".join(link.itertext()).split()).lower()
        if len(words.split()) >= 3 and not any(words in title for title in titles):
            return True
    return False
