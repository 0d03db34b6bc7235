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
sidebar: `headline_date.in_other_block`, and names that say comment, discussion, event, related, teaser, update or
video within three levels, or further up while the blocks are short: forty-first pass), in a list item or a table
cell (a listed document's or post's), in a short block with a link of three words or more that is not the page's
own title nor only a day (a teaser or a download; fiftieth pass: "Veröffentlicht am <a href=permalink>5. April
2017</a>" is the story's), or in a book's, an album's or a product's data (ISBN, pages, a publisher, a
price). Two different labelled days are a list's: none is the story's.
Review: the label must open a short line of a short block (not a tail after a link or an emphasis in a sentence, not a
quotation's sentence; no time before the day), with no print edition's or original's note near it, and not in an
`<article>` within the story's (a listing's). Session 39: nor in an `<article>` that does not hold the headline (a
related story's after the story's), a comment form ("respond") or an event's box (`bylinetexts.in_event_box`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from newsflow.bylinetexts import in_event_box
from newsflow.datechecks import plausible
from newsflow.declareddates import holds_teaser_link
from newsflow.headline_date import byline_time, headline_date, in_other_block, page_headline, published_ago
from newsflow.lastresortdates import as_datetime
from newsflow.pageblocks import INLINE_TAGS, bounded_text, headline_ancestors, page_titles, text_element
from newsflow.pagedates import page_url_day
from newsflow.pagememo import per_page
from newsflow.printeddates import SLASHED, first_date
from newsflow.worlddates import slash_order

_LABEL = re.compile(
    r"^\s*(?:erschienen|ver[öo]ffentlicht|publiziert|published|publi[ée]e?|mis en ligne|publicado|publicada"
    r"|fecha de publicaci[óo]n|pubblicato|pubblicata|data di pubblicazione|gepubliceerd|geplaatst)"
    r"(?:\s+(?:am|on|le|el|il|op))?\s*[:\uff1a]?\s*", re.IGNORECASE)
"""A publication's label opening a text: de, en, fr, es, it, nl. "Posted" is not one here: comments' templates
print "Posted on … by Reader"."""
_TEMPLATE = re.compile(
    r"\b(?:entry|post|article|story|beitrag|eintrag|artikel)\s+(?:wurde|was\s+(?:posted|published))\s+(?:\w+\s+)?(?:am|on)\s+(.{6,50}?)\s+(?:um|at)\s+(?:\d{1,2}[:.]\d\d|%H)",
    re.IGNORECASE)
"""A blog theme's footer sentence: "… was posted on {day} at {time}", "… wurde am {day} um {time} Uhr
veröffentlicht" (WordPress's Kubrick and its translations); the time of day after the day tells it from a sentence
of the story ("Der Bericht wurde am 2. März veröffentlicht"), the entry's own noun before it a report's ("The report
was published on … at 10:00 in Geneva", review)."""
_LABEL_WORDS = ("ffentlicht|rschienen|ublished|ublizier|ubli[ée]|ublicad|ublicaci|en ligne|ubblicat|ubblicaz"
                "|epubliceerd|eplaatst|posted|gepostet")
_CANDIDATES = ("//text()[not(ancestor::head)][not(ancestor::script)][not(ancestor::style)][not(ancestor::a)]"
               "[re:test(., $words, 'i')]")
"""The texts a label may open. The regex is tested last (perf49): each `re:test` is a call back into Python, and the
ancestor tests before it, in C, leave out the head's, the scripts' and the links' texts first (the same texts, a
scan 3.5x cheaper on the corpora: 15 against 4.3 ms a page)."""
_NAMESPACES = {"re": "http://exslt.org/regular-expressions"}
_NOT_THE_STORYS = re.compile(r"comment|kommentar|reaction|repl|respond|discuss|diskussion|disqus|leserbrief|event"
                             r"|termin|veranstalt|related|teaser|verwandt|similar|more-|weitere|update|aktualis|modifi"
                             r"|video|player|youtube", re.IGNORECASE)
_PRODUCT_DATA = re.compile(r"\bISBN\b|\bSeiten\b|\bpages\b|\bVerlag\b|[ée]ditions?\b|\beditorial\b|\beditore\b"
                           r"|\buitgeverij\b|\bpublisher\b|\bentwickler\b|\bdeveloper\b|\bhersteller\b|\bplattenfirma\b"
                           r"|\blabel:|\bpreis\b|\bprice\b|\bprix\b|\bprecio\b|\bprezzo\b|\bprijs\b|€|\bEUR\b",
                           re.IGNORECASE)
"""A book's, an album's, a game's or a product's data: its day is its release's, not the story's."""
_OTHER_EDITION = re.compile(r"gedruckt|printausgabe|print edition|in print|zuerst|erstmals|urspr[üu]nglich|originally"
                            r"|first published|republish|imprim|impres[so]|stampa|gedrukt", re.IGNORECASE)
"""A print edition's or an original's note in the label's block (review): its day is that edition's."""
_LEVELS = 3
_BOX_LEVELS = 8
"""Past `_LEVELS`, a block's name counts only while the blocks are short (a box a theme wraps deep: forty-first pass),
never a long one's (the story's body, which a theme may name "has-video")."""
_LIST_ITEMS = frozenset(("li", "td", "th"))
"""A list's item or a table's cell: a listed document's or post's day ("Bericht (PDF) | Veröffentlicht am …")."""
_SHORT_BLOCK = 400
_DAY_AFTER_LABEL = 16
"""How far into the text after a label its day may start: a weekday's name before it ("Donnerstag, 12. März")."""
_MAX_TEXTS = 50
_LINE_BREAKS = re.compile(r"[\n|·•]|\b(?:mis à jour|updated|aktualisiert|ge[äa]ndert|actualizad|aggiornat|bijgewerkt)",
                          re.IGNORECASE)
"""What ends a label's line: a `<br>`, a block's end, a meta line's separator ("… | Lesezeit: 4 Minuten") or an
update's label ("Publié le … à 10h00, mis à jour le …")."""
_LINE_LIMIT = 64
"""How long a label's line may be from the label on: longer, it is a sentence of the story that opens with the
words ("Published on 2 February 2026, the report said …", review)."""
_NOT_A_LABEL_LINE = re.compile(
    r"[a-zà-ÿ]\.\s+[A-ZÀ-Þ]|\d{4}\s*,?\s+(?:in|im|bei|at|dans|en|nel|nella|sul|op)\s+(?!\d)", re.IGNORECASE)
"""A second sentence, or the day followed by another publication's name ("… 2026 in der Printausgabe", "… 2026 at
The Conversation. Republished under …": review): a print edition's or an original's day."""
_PROSE_INLINES = frozenset(("em", "i", "q", "cite", "a"))
_MARK = "\x00"


def labelled_over(found: datetime | None, tree: Any, url: str | None = None) -> datetime | None:
    """The labelled day (`labelled_day`) when htmldate's date is another day or none, on a page that declares no
    publication (`dates._chosen_date` checked), prints no date under the headline, nor its age ("2 days ago": the
    twentieth pass's rules date it by that), and whose URL names no other day; else None."""
    if headline_date(tree) is not None or byline_time(tree) is not None or published_ago(tree) is not None:
        return None  # the byline under the headline dates the story: the eleventh and twentieth passes' rules
    day = labelled_day(tree)
    labelled = as_datetime(day) if day is not None else None
    if not plausible(labelled) or (found is not None and found.date() == day):
        return None
    if (url_day := page_url_day(url, tree)) is not None and url_day != day:
        return None
    return labelled


@per_page  # read by `labelled_over` and twice by `genericmetas` on the same page (perf49)
def labelled_day(tree: Any) -> date | None:
    """The one publication day the page prints under a label of its own (module docstring); None when there is
    none, or two different ones."""
    days = set()
    for text in tree.xpath(_CANDIDATES, words=_LABEL_WORDS, namespaces=_NAMESPACES)[:_MAX_TEXTS]:
        owner = text.getparent()
        day = _label_day(text, owner, tree) or _template_day(owner)
        if day is not None and _label_line_ok(text, owner) and _the_storys(tree, owner):
            days.add(day)
    return days.pop() if len(days) == 1 else None


def _label_day(text: Any, owner: Any, tree: Any) -> date | None:
    """The day right after a label that opens this text node, or in the element after it ("Erschienen am"
    then `<time datetime>`, `<dt>Published</dt><dd>12 March 2026</dd>`); a slashed day whose day and month could
    be swapped ("Publié le 12/03/2026") in the page's order (`worlddates.slash_order`: twenty-seventh pass, it was
    not read, and an update stamp under the headline then dated the page)."""
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
    if found is None and SLASHED.search(rest[:80]) is not None:
        found = first_date(rest[:80], named=True, order=slash_order(tree))
    if found is None or found[0] > _DAY_AFTER_LABEL or any(c.isdigit() for c in rest[:found[0]]):
        return None  # a digit before the day: a time ("Published 10:32, updated 14 March", review)
    return found[1]


def _label_line_ok(text: Any, owner: Any) -> bool:
    """Whether the label opens a short line of its block (review): not a tail after a link or an emphasis in a
    sentence ("a <a>study</a> published on …"), nor a sentence that opens with it, nor another edition's day."""
    if not _LABEL.match(str(text)):
        return True  # a blog theme's sentence (`_template_day`)
    block = text_element(text)  # a tail's is its element's parent: a `<br>`'s tail is its block's line
    while block.tag in INLINE_TAGS and block.getparent() is not None:
        block = block.getparent()
    pieces: list[str] = []
    if not _block_pieces(block, text, owner, pieces, [0]):
        return False  # a long block: prose
    before, _, after = "".join(pieces).partition(_MARK)
    prefix = _LINE_BREAKS.split(before)[-1].strip(" \t:\u2013\u2014-")
    if prefix and (text.is_tail or owner.tag in _PROSE_INLINES):
        return False
    line = _LINE_BREAKS.split(after)[0].strip()
    return len(line) <= _LINE_LIMIT and _NOT_A_LABEL_LINE.search(line) is None


def _block_pieces(node: Any, text: Any, owner: Any, pieces: list[str], size: list[int]) -> bool:
    """The block's text into `pieces` with a mark where the label's text starts and a newline for each `<br>`;
    False past `_SHORT_BLOCK` characters (`size` counts them, and each element: a block of many stops early)."""
    if isinstance(node.tag, str):  # not a comment or a processing instruction
        if node is owner and not text.is_tail:
            pieces.append(_MARK)
        _add(pieces, size, ("\n" if node.tag == "br" else "") + (node.text or ""))
        for child in node:
            if not _block_pieces(child, text, owner, pieces, size):
                return False
            if child is owner and text.is_tail:
                pieces.append(_MARK)
            _add(pieces, size, child.tail or "")
    return size[0] <= _SHORT_BLOCK


def _add(pieces: list[str], size: list[int], piece: str) -> None:
    size[0] += len(piece) + 1  # +1: an empty element counts too
    pieces.append(piece)


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
    if in_other_block(tree, element) or len(element.xpath("ancestor::article")) > 1:
        return False  # a story's `<article>` within the page's: a listing's or a teaser's (review)
    if _another_storys_or_an_event(tree, element):
        return False
    titles = [" ".join(title.split()).lower() for title in page_titles(tree)]
    level = element
    for depth in range(_BOX_LEVELS):
        if level is None or level.tag in ("article", "main", "body"):
            break
        text = bounded_text(level, _SHORT_BLOCK)
        if text is None and depth >= _LEVELS:
            break
        if (level.tag in _LIST_ITEMS or _NOT_THE_STORYS.search(f"{level.get('class') or ''} {level.get('id') or ''}")) \
                and (depth < _LEVELS or text is None or not _the_story_itself(tree, level, text)):
            return False
        if text is None:
            break
        if _PRODUCT_DATA.search(text) or _OTHER_EDITION.search(text) or holds_teaser_link(level, titles):
            return False
        level = level.getparent()
    return True


def _the_story_itself(tree: Any, block: Any, text: str) -> bool:
    """Whether a short block is the story itself, not a box beside it: it holds the page's headline or at least half
    the text of its `<article>`, `<main>` or `<body>` (review of the forty-first pass: a short live story a theme wraps
    in "live-update-box" four levels deep lost its label to a generic meta thirty days off)."""
    headline = page_headline(tree)
    if headline is not None and (headline is block or block in headline.iterancestors()):
        return True
    around = next(block.iterancestors("article", "main", "body"), None)
    return around is not None and bounded_text(around, 2 * len(text)) is not None


def _another_storys_or_an_event(tree: Any, element: Any) -> bool:
    """Whether a labelled text is in an `<article>` that does not hold the page's headline (a related story's after
    the story's; on a page whose headline is in no `<article>`, one whose heading links elsewhere), or in an event's
    box (`bylinetexts.in_event_box`: "agenda", "termin", "evento" at any level below the block it shares with the
    headline, unless that block is so named too): session 39's review of the fortieth pass, such a label beat a right
    `DC.date`."""
    headline = page_headline(tree)
    if headline is None:
        return False
    ancestors, article = headline_ancestors(headline)
    if in_event_box(element, ancestors):
        return True
    theirs = next(element.iterancestors("article"), None) if element.tag != "article" else element
    if theirs is None or theirs in ancestors:
        return False
    # a headline in no `<article>` (a site's header above the story's body): only one headed by a link is another's
    return article < len(ancestors) or bool(theirs.xpath(_LINKED_HEADING))


_LINKED_HEADING = "(.//h1|.//h2|.//h3|.//h4)//a[@href]"
