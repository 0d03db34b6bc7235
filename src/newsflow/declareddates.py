"""The publication and update times a page declares in its markup (split from `newsflow.dates` in the
ninth date pass): JSON-LD `datePublished` values, and published-time and modified-time metas.

- `json_ld_published_strings`: an article object's `datePublished` before a video's, an image's or a
  page's, and none of the stories an `ItemList` lists (`itemListElement`: related stories, whose
  dates were taken for the page's; ninth pass). `listed_storys` says whether a value is only such a
  related story's.
- `published_metas`, `modified_metas`: the contents of the metas whose name says publication
  (`article:published_time`, `pubdate`, `itemprop=datePublished` …) or update (`og:updated_time` …); and
  (twenty-fourth pass) microdata's `datePublished` on a story item's `<time datetime>` or `content`.
- `evidenced_order`: the order of an ambiguous slashed date the page declares ("03/04/2026" in the
  JSON-LD of a plain `en` .com page without a locale meta; tenth pass), from the page's other
  declared dates (module function's docstring).

Pure: an lxml tree walked by its methods only, `newsflow.jsonld` and `newsflow.bylinetexts` (blocks of other stories).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from newsflow.bylinetexts import SENTENCE_CHARS, in_other_block
from newsflow.datechecks import URL_MONTH, article_first
from newsflow.jsonld import json_ld_typed_strings
from newsflow.pageblocks import INLINE_TAGS, bounded_text, is_prose
from newsflow.pagememo import per_page
from newsflow.printeddates import first_date

# article:published_time, og:article:published_time, pubdate, itemprop datePublished, publish-date,
# parsely-pub-date, vr:published-time, cxenseparse:recs:publishtime …
_PUBLISHED_META = re.compile(r"(?:^|[:._-])(?:publish(?:ed)?|pub)[-_:.]?(?:time|date)$|^datepublished$")
# article:modified_time, og:updated_time, datemodified, last-modified, dc.date.modified, parsely-updated-time,
# zdf:modificationDate, lastmod …
_MODIFIED_META = re.compile(r"modifi|(?:^|[:._-])updated?(?:[-_:.]?(?:time|date|at))?$|last-?mod")


@per_page
def json_ld_published_strings(tree: Any) -> list[str]:
    """JSON-LD `datePublished` values, an article object's before a video's, an image's or a page's;
    none of an `ItemList`'s related stories (ninth pass)."""
    return article_first(json_ld_typed_strings(tree, "datePublished", listed=False))


def listed_storys(value: str, tree: Any, parse: Callable[[str], datetime | None]) -> bool:
    """Whether `value` (htmldate's answer) is only the `datePublished` of a story the page's JSON-LD
    lists (an `ItemList` of related stories, ninth pass), compared as `parse` reads them."""
    own = set(json_ld_typed_strings(tree, "datePublished", listed=False))
    listed = {parse(text) for kind, text in json_ld_typed_strings(tree, "datePublished") if (kind, text) not in own}
    return parse(value) in listed - {None}


@per_page
def published_metas(tree: Any) -> list[str]:
    """The contents of the page's published-time metas, in document order."""
    return [content for name, content in _page_metas(tree) if _PUBLISHED_META.search(name)]


def generic_date_metas(tree: Any) -> list[str]:
    """The contents of the page's generic Dublin Core date metas (`date`, `DC.date`, `DCTERMS.date`): a CMS
    record's date, its creation or its last change (twenty-fifth pass), no declared publication."""
    return [content for name, content in _page_metas(tree) if name in _GENERIC_DATE_METAS]


_GENERIC_DATE_METAS = frozenset(("date", "dc.date", "dcterms.date"))
STORY_TIMES = 20
"""How many of the body's `<time datetime>` elements `story_time` reads."""


def story_time(tree: Any, parse: Callable[[str], datetime | None]) -> datetime | None:
    """The first of the `<time datetime>` elements in the page's body outside other stories' blocks (related lists,
    comments, sidebars: `bylinetexts.in_other_block`), as `parse` reads it, when they all give its day (twenty-fifth
    pass: a TYPO3 story's footer, a Drupal node's meta block under a headline in the site's header); none when they
    give two days (a publication and an event) or there is none. A `<time>` in a sentence of the story ("… will vote
    on <time>1 April</time>, the mayor said …") is an event's, not read."""
    times = [(moment, element) for element in tree.xpath("//body//time[@datetime]")[:STORY_TIMES]
             if (moment := parse(str(element.get("datetime")).strip())) is not None
             and not in_other_block(tree, element) and not _in_a_sentence(element)]
    marks = [(moment, _marked_published(element)) for moment, element in times]
    if any(mark is False for _, mark in marks) or len({moment.date() for moment, _ in marks}) != 1:
        return None
    return next((moment for moment, mark in marks if mark), None)


_TIME_LEVELS = 4
"""How many levels (the `<time>` and its ancestors) `_marked_published` reads for a name or label."""
_NOT_PUBLISHED = re.compile(r"event|termin|veranstalt|evento|v[ée]nement|agenda|schedule|deadline|frist|updat"
                            r"|modifi|aktualis|ge[äa]ndert|mis à jour|actualiz|aggiorn|bijgewerkt"
                            r"|comment|kommentar|reaction|reakti|repl|antwort|r[ée]ponse|respuesta|risposta|reactie"
                            r"|discuss|leserbrief"
                            r"|\b(?:wann|when|quand|cu[áa]ndo|quando|wanneer)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:news|post|entry|article|story|blog)[-_]?(?:list[-_]?)?(?:date|datum|time)"
                        r"|meta|publi|posted|created|byline|dateline|erschienen|ver[öo]ffentlicht|gepubliceerd"
                        r"|pubblicat|geplaatst|gepostet|mis en ligne", re.IGNORECASE)
"""A publication's name or label (review of the thirty-seventh pass: the Italian, Dutch and French labels
`labelleddates` reads too, "Pubblicato il", "Geplaatst op", "Mis en ligne le"); a bare "date" is not one (Drupal's
"field--name-field-date", "date-display-single": a date field, an event's as well as a story's)."""
_PUBLISHED_ITEMPROPS = frozenset(("datepublished", "datecreated"))


def _marked_published(element: Any) -> bool | None:
    """Whether a `<time>` is marked as the publication's (review of the twenty-fifth pass): True for an `itemprop`
    `datePublished`, a name ("news-list-date", "article-meta") or a label ("Posted", "Veröffentlicht am") of a
    publication on it or its nearest short ancestors; False for an event's, an update's or a reader's (an `itemprop`
    `startDate` or `dateModified`, "event-box", "Termin", "Wann:", "Aktualisiert am", "reaction-meta") or a teaser's
    (a short ancestor with a headline's link), whatever else names it; None when nothing says (a bare `<time>`, a CMS's
    date field: an event's as well as a story's)."""
    marked, level = None, element
    for _ in range(_TIME_LEVELS):
        if level is None or level.tag in ("article", "body", "main") or bounded_text(level, _SHORT_BLOCK) is None:
            return marked  # the story's block or the page's: its names and links are no longer the `<time>`'s
        itemprops = set(str(level.get("itemprop") or "").lower().split())
        names = f"{level.get('class') or ''} {level.get('id') or ''}"
        label = _label_before(level)
        if (any("date" in prop or "time" in prop for prop in itemprops - _PUBLISHED_ITEMPROPS)
                or _NOT_PUBLISHED.search(names) or _NOT_PUBLISHED.search(label)
                or (level.tag != "time" and holds_teaser_link(level))):
            return False  # a microdata date of another kind (startDate, dateModified), an event, an update, a teaser
        if itemprops & _PUBLISHED_ITEMPROPS or _PUBLISHED.search(names) or _PUBLISHED.search(label):
            marked = True
        level = level.getparent()
    return marked


_SHORT_BLOCK = 400
"""A block around a `<time>` longer than this holds the story (or the page): `_marked_published` stops there."""


_LABEL_CHARS = 80
"""A label before a `<time>` or its block is a short element ("Erschienen am", "Posted by A. Writer on"), not a
paragraph nor a sentence."""


def _label_before(element: Any) -> str:
    """The text just before an element in its parent (a label: "Aktualisiert am", "Termin"), its last 60 characters;
    of a previous element only its tail when it is a paragraph, a sentence or longer than a label (thirty-eighth
    pass: a story paragraph ending "… discussed", "… the event" before the `<time>`'s block is the story's text,
    not the `<time>`'s label)."""
    previous = element.getprevious()
    parent = element.getparent()
    if previous is not None:
        label = bounded_text(previous, _LABEL_CHARS) or ""
        label = "" if previous.tag == "p" or is_prose(" ".join(label.split())) else label
        text = label[-60:] + (previous.tail or "")
    else:
        text = parent.text or "" if parent is not None else ""
    return text[-60:]


def holds_teaser_link(block: Any, titles: Sequence[str] = ()) -> bool:
    """Whether a block holds a link with a headline's words (three or more): a teaser's, not the story's; not one
    of `titles` (the page's own, lower-cased, spaces normalised: `labelleddates`), nor a link that is only a day
    (fiftieth pass: WordPress's "Veröffentlicht am <a href=permalink>5. April 2017</a>" links the story's own day)."""
    for link in block.iterfind(".//a[@href]"):
        words = " ".join("".join(link.itertext()).split()).lower()
        if len(words.split()) >= 3 and not any(words in title for title in titles) and not _only_a_day(words):
            return True
    return False


_DAY_LINK_WORDS = 5
"""The most words a link that is only a day has: "mittwoch, 5. april 2017", "april 5, 2017 at 9:15"."""


def _only_a_day(words: str) -> bool:
    """Whether a link's text is a day and little else (a weekday before it, a time after it): no headline's."""
    if len(words.split()) > _DAY_LINK_WORDS:
        return False
    found = first_date(words, named=True)
    return found is not None and len(words[:found[0]].split()) <= 1


def _in_a_sentence(element: Any) -> bool:
    """Whether an element is in a paragraph (past its inline elements) that reads as a sentence of prose."""
    block = element
    while block.tag in INLINE_TAGS and block.getparent() is not None:
        block = block.getparent()
    text = bounded_text(block, SENTENCE_CHARS) if block.tag == "p" else None
    return text is not None and is_prose(" ".join(text.split()))


def modified_metas(tree: Any) -> list[str]:
    """The contents of the page's modified-time metas, in document order."""
    return [content for name, content in _page_metas(tree) if _MODIFIED_META.search(name)]


_last_page: tuple[weakref.ref[Any], list[tuple[str, str]]] | None = None
"""The tree `_page_metas` last read and its metas: the date rules ask for them 3 times a page (perf15)."""


def _page_metas(tree: Any) -> list[tuple[str, str]]:
    """(name, content) of each of the page's metas, in document order; callers only read the list."""
    global _last_page
    if _last_page is None or _last_page[0]() is not tree:
        metas = [(_meta_name(meta), meta.get("content") or "") for meta in tree.iterfind(".//meta")]
        metas += [("datepublished", value) for value in _microdata_published(tree)]
        _last_page = (weakref.ref(tree), metas)
    return _last_page[1]


_MICRODATA_PUBLISHED = ("//body//*[@itemprop][contains(concat(' ', normalize-space(@itemprop), ' '), "
                        "' datePublished ')][@datetime or @content][not(self::meta)]")
_ARTICLE_ITEM = re.compile(r"(?:Article|BlogPosting|Posting)/?$")
"""A microdata item's `itemtype` that is a story: schema.org's Article, NewsArticle, BlogPosting, ReportageNewsArticle
…"""
MICRODATA_ELEMENTS = 20


def _microdata_published(tree: Any) -> list[str]:
    """The `datetime` (or `content`) of each element that schema.org microdata marks as `datePublished` of a story's
    item (twenty-fourth pass: `<time itemprop="datePublished" datetime="…">` in an `itemscope` NewsArticle; a
    `<meta itemprop>` is read with the metas), not one of another story's block (a related list, a sidebar), nor
    a review's or an event's item. Read after the `<head>`'s metas: they declare the page first."""
    values = []
    for element in tree.xpath(_MICRODATA_PUBLISHED)[:MICRODATA_ELEMENTS]:
        items = [above for above in element.iterancestors() if above.get("itemscope") is not None]
        if not items or not _the_pages_story(items):
            continue
        if not in_other_block(tree, element, site_bars=False):
            values.append(str(element.get("datetime") or element.get("content") or "").strip())
    return values


def _the_pages_story(items: list[Any]) -> bool:
    """Whether the innermost of these microdata items (innermost first) is the page's story: a story's type, no
    property of another item but the page's main entity (a reader's comment is the story's `comment`, an article a
    product cites its `subjectOf`: review of the twenty-fourth pass), and inside no other story's item."""
    if not _ARTICLE_ITEM.search(str(items[0].get("itemtype") or "").strip()):
        return False
    if set(str(items[0].get("itemprop") or "").split()) - _MAIN_ENTITY:
        return False
    return not any(_ARTICLE_ITEM.search(str(item.get("itemtype") or "").strip()) for item in items[1:])


_MAIN_ENTITY = {"mainEntity", "mainEntityOfPage"}


def _meta_name(meta: Any) -> str:
    return str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()


_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")
_ISO_DAY = re.compile(r"^((?:19|20)\d{2})-(\d{2})-(\d{2})")
_DATE_KEYS = ("datePublished", "dateModified", "dateCreated", "uploadDate")


def evidenced_order(tree: Any, value: str) -> str | None:
    """"dmy" or "mdy" for the first slashed date in `value`, from the page's other declared dates,
    when its language and metas name no order: an unambiguous slashed date among them ("03/13/2026"
    as `dateModified`) gives the page's order; else a reading that is the day of an ISO date the
    page states (a `<time datetime>`, a modified meta), or in the year and month of its canonical
    URL ("/2026/03/"), is the one; else a reading more than a day after the page's ISO update time
    is not (a story is not published after its update). None when nothing decides."""
    first = _SLASHED.search(value)
    if first is None:
        return None
    declared = [text for key in _DATE_KEYS for _, text in json_ld_typed_strings(tree, key)]
    declared += published_metas(tree) + modified_metas(tree)
    seen = {"dmy": 0, "mdy": 0}
    for match in (m for text in declared for m in _SLASHED.finditer(text)):
        if int(match[1]) > 12 >= int(match[2]) or int(match[2]) > 12 >= int(match[1]):
            seen["dmy" if int(match[1]) > 12 else "mdy"] += 1
    if seen["dmy"] != seen["mdy"]:
        return max(seen, key=lambda order: seen[order])
    readings = {order: _reading(first, order) for order in ("dmy", "mdy")}
    return _stated(tree, declared, readings) or _before_update(tree, readings)


def _reading(match: re.Match[str], order: str) -> date | None:
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    try:
        return date(year, second, first) if order == "dmy" else date(year, first, second)
    except ValueError:
        return None


def _stated(tree: Any, declared: list[str], readings: dict[str, date | None]) -> str | None:
    """The order whose reading is a day the page states in ISO form, or in its canonical URL's month."""
    isos = declared + [str(element.get("datetime") or "") for element in tree.iter("time")]
    days = {match.groups() for text in isos if (match := _ISO_DAY.match(text.strip()))}
    links = " ".join(str(link.get("href") or "") for link in tree.iterfind(".//link") if link.get("rel") == "canonical")
    months = {match.groups() for match in URL_MONTH.finditer(links)}
    for kind, stated in ((3, days), (2, months)):
        fitting = [order for order, day in readings.items() if day is not None
                   and (f"{day.year}", f"{day.month:02}", f"{day.day:02}")[:kind] in stated]
        if len(fitting) == 1:
            return fitting[0]
    return None


def _before_update(tree: Any, readings: dict[str, date | None]) -> str | None:
    """The one reading on or before (a day's zones allowed) the page's earliest ISO update time."""
    updates = [date(*map(int, match.groups())) for text in modified_metas(tree) + [
        text for _, text in json_ld_typed_strings(tree, "dateModified")] if (match := _ISO_DAY.match(text.strip()))]
    if not updates:
        return None
    possible = [order for order, day in readings.items() if day is not None and day <= min(updates) + timedelta(1)]
    return possible[0] if len(possible) == 1 else None


_UPDATE_KEY = re.compile(r'"[^"]{0,40}(?:updat|modif)[^"]{0,40}"\s*:\s*(?:\{\s*"value"\s*:\s*)?"$', re.IGNORECASE)
STAMPS_READ = 20


def script_update(found: datetime, tree: Any) -> bool:
    """Whether htmldate's time is one the page's scripts state only under an update's key
    (`"__Updated":{"value":"2022-02-09T11:04:09Z"}`, `"lastModified":"…"`): a CMS record's last edit (a Sitecore
    front end's state; thirty-first pass, BBAW), no publication, so the day printed under the headline stays."""
    stamp = found.strftime("%Y-%m-%dT%H:%M:%S")
    stating = (text for script in tree.iter("script") if stamp in (text := script.text or ""))
    keys = [_UPDATE_KEY.search(text, max(0, at - 80), at) is not None
            for text in islice(stating, STAMPS_READ) for at in _positions(text, stamp)]
    return bool(keys) and all(keys)


def _positions(text: str, stamp: str) -> list[int]:
    """Where `stamp` occurs in `text`, the first `STAMPS_READ` (of the first `STAMPS_READ` scripts stating it)."""
    found: list[int] = []
    at = text.find(stamp)
    while at >= 0 and len(found) < STAMPS_READ:
        found.append(at)
        at = text.find(stamp, at + 1)
    return found

