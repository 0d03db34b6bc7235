"""The forty-fifth text pass (docs/extraction.md, "Forty-fifth pass, text"): a box of other stories' teasers set
straight among the story's paragraphs, and a story's own list in a `<ul>` of `<li>` cards. The forty-fourth pass told
the story's own list of linked headlines from a box of teasers by where it stands (its items are siblings of the
story's paragraphs), so a box with no container of its own was read as the story's list: its headlines were put back
and its excerpts kept; and a `<ul>` of cards was always a box, so an editor's list in one lost its summaries cut alike.
What tells them apart, in any language, is how the items are written: an editor writes a list into the story as the
story's paragraphs are written; a template names its teasers' parts and gives each a thumbnail or a day. Drawn on
`tests/textpageworld`'s pages (six languages, three layouts, two places, two or three items); the enumeration of
template's and thumbnail boxes and of own lists in `<h3>`s and `<p>`s (864 each) runs by hand:
NEWSFLOW_TEASER_MARKUP_HUNT=1."""

from __future__ import annotations

import itertools
import os

import lxml.html
import pytest

from newsflow.ownlists import own_list_lines
from tests.test_text_pass45 import EDITOR_CUTS, MACHINE_CUT, _insert, _items, _stored
from tests.test_text_rules_combined import story_faults
from tests.textpageworld import LANGS, TextPage, furniture_lines, paragraphs

STYLES = {  # each part's class: (link, summary, heading, list, list item)
    "plain": ("", "", "", "", ""),
    "template": ("c-item__link", "c-item__text", "c-item__title", "c-list", "c-item"),
    "thumbnail": ("", "", "", "", ""),
    "cms": ("", "body-text", "wp-block-heading", "wp-block-list", ""),
}
"""How the items are written: as an editor writes (plain; or a CMS's classes on every paragraph, the story's too, and
Gutenberg's on headings and lists), by a template whose class names trafilatura's boilerplate patterns do not know,
or plain with a thumbnail in each headline's link."""


def _class(name: str) -> str:
    return f' class="{name}"' if name else ""


def _markup(drawn: list[tuple[str, str, str]], form: str, style: str, tag: str) -> str:
    """The items as `<h3>` over `<p>` ("h3p"), a `<p>` opening with its link ("p"), or `<h3>` over `<p>` in each
    `<li>` of a `<ul>` ("ul")."""
    link_class, text_class, head_class, list_class, item_class = (_class(name) for name in STYLES[style])
    thumbnail = '<img src="/thumbs/1.jpg" alt=""> ' if style == "thumbnail" else ""
    parts = []
    for index, (_, headline, summary) in enumerate(drawn):
        link = f'<a{link_class} href="/news/{tag}-{index}">{thumbnail}{headline}</a>'
        parts.append(f"<p{text_class}>{link} {summary}</p>" if form == "p"
                     else f"<h3{head_class}>{link}</h3><p{text_class}>{summary}</p>")
    if form == "ul":
        return f"<ul{list_class}>" + "".join(f"<li{item_class}>{part}</li>" for part in parts) + "</ul>"
    return "".join(parts)


def _lines(drawn: list[tuple[str, str, str]], form: str) -> list[str]:
    return [f"{h} {s}" for _, h, s in drawn] if form == "p" else [line for _, h, s in drawn for line in (h, s)]


def _page(lang: str, layout: str, style: str, html_part: str, at: int) -> tuple[TextPage, str]:
    page = TextPage(lang=lang, sizes=(3, 2, 3, 2), layout=layout, body_class=2 if layout == "soup" else 1)
    html = _insert(page, html_part, at)
    if style == "cms":  # the CMS writes every paragraph of the story with its class
        for text in paragraphs(page):
            html = html.replace(f"<p>{text}</p>", f'<p class="body-text">{text}</p>')
    return page, html


def own_list_lines_lost(lang: str, layout: str, form: str, at: int, items: int, cuts: tuple[int, ...] | None,
                        style: str) -> list[str]:
    """The lines of the story's own list not stored once (and every story line stored once, in order)."""
    probe = TextPage(lang=lang, sizes=(3, 2, 3, 2), layout=layout, body_class=2 if layout == "soup" else 1)
    drawn = _items(probe, items, cuts, "brief")
    page, html = _page(lang, layout, style, _markup(drawn, form, style, "brief"), at)
    stored = _stored(page, html).split("\n")
    lost = [line for line in _lines(drawn, form) if [s.removeprefix("- ") for s in stored].count(line) != 1]
    return lost + story_faults(page, "\n".join(stored))


def teaser_lines_stored(lang: str, layout: str, form: str, at: int, items: int, style: str,
                        heading: bool) -> list[str]:
    """The lines of a box of other stories' teasers (excerpts cut alike, the box's heading over it or not) that were
    stored, and the story's lines not stored once, in order."""
    probe = TextPage(lang=lang, sizes=(3, 2, 3, 2), layout=layout, body_class=2 if layout == "soup" else 1)
    drawn = _items(probe, items, MACHINE_CUT, "other")
    head = furniture_lines(probe, "related")[0]
    box = (f"<h2>{head}</h2>" if heading else "") + _markup(drawn, form, style, "other")
    page, html = _page(lang, layout, style, box, at)
    text = _stored(page, html)
    texts = {*_lines(drawn, form), *(line for _, h, s in drawn for line in (h, s)), *([head] if heading else [])}
    return [line for line in text.split("\n") if line.removeprefix("- ") in texts] + story_faults(page, text)


BOXES = [  # (layout, form, at, items, style, heading): each language draws two
    ("article", "h3p", 1, 2, "template", False), ("soup", "p", -1, 3, "thumbnail", True),
    ("main", "h3p", -1, 3, "thumbnail", False), ("article", "p", 1, 2, "template", True),
    ("soup", "h3p", 1, 3, "template", True), ("main", "p", -1, 2, "thumbnail", False),
    ("article", "h3p", -1, 2, "thumbnail", True), ("main", "p", 1, 3, "template", False),
    ("soup", "h3p", -1, 2, "thumbnail", False), ("article", "p", -1, 3, "thumbnail", False),
    ("main", "h3p", 1, 2, "template", True), ("soup", "p", 1, 2, "template", False),
]


@pytest.mark.parametrize(("lang", "case"), [(lang, BOXES[2 * n + k]) for n, lang in enumerate(LANGS) for k in (0, 1)],
                         ids=lambda value: str(value))
def test_a_templates_teasers_among_the_storys_paragraphs_are_not_stored(
        lang: str, case: tuple[str, str, int, int, str, bool]) -> None:
    """Main's code read them as the story's own list: it put their headlines back and kept their excerpts."""
    assert teaser_lines_stored(lang, *case) == []


OWN_LISTS = [  # (layout, form, at, items, cuts, style): written as the story is, kept whatever the CMS's classes
    ("soup", "ul", 1, 2, MACHINE_CUT, "plain"), ("soup", "ul", -1, 3, MACHINE_CUT, "cms"),
    ("article", "h3p", 1, 3, MACHINE_CUT, "cms"), ("main", "p", -1, 2, EDITOR_CUTS, "cms"),
]


@pytest.mark.parametrize("case", OWN_LISTS, ids=lambda value: str(value))
def test_an_editors_list_written_as_the_story_is_stored(case: tuple[str, str, int, int, tuple[int, ...], str]) -> None:
    """Summaries first: in a `<ul>` of cards on the soup layout main's code dropped the summaries cut alike, as a
    box's (the headlines of a list in `<li>`s are lost on main's code too: upstream, not this rule)."""
    layout, form, at, items, cuts, style = case
    lost = own_list_lines_lost("de", layout, form, at, items, cuts, style)
    if form == "ul":  # summaries only: a card's headline is put back since the forty-sixth pass (test_text_pass47),
        # but not over two summaries cut alike that `refine.drop_unconfirmed_lines` drops first (short, readability
        # lacks them); on the article and main layouts a card is one line, "- headline summary"
        probe = TextPage(lang="de", sizes=(3, 2, 3, 2), layout=layout, body_class=2)
        headlines = {headline for _, headline, _ in _items(probe, items, cuts, "brief")}
        lost = [line for line in lost if line not in headlines]
    assert lost == []


@pytest.mark.xfail(strict=True, reason="the limit: a box of teasers written as the story's paragraphs are (no class "
                   "of its own, no thumbnail, no day) is an editor's list by its markup, and is kept as one")
def test_a_plain_box_of_teasers_among_the_storys_paragraphs_is_not_stored() -> None:
    assert teaser_lines_stored("en", "article", "h3p", 1, 2, "plain", True) == []


@pytest.mark.skipif(not os.environ.get("NEWSFLOW_TEASER_MARKUP_HUNT"), reason="the whole enumeration runs by hand "
                    "(NEWSFLOW_TEASER_MARKUP_HUNT=1, about 3,000 pages); the parametrized tests keep one of each kind")
def test_every_templates_box_is_dropped_and_every_editors_list_kept() -> None:
    """Every box a template wrote or with thumbnails stores nothing, but 16 that store one teaser on main's code and
    before the forty-fourth pass too (two teasers, each a `<p>`, under the box's heading, English and French: an
    earlier stage drops one, the one left is under `excerptteasers.TEASER_RUN_MIN`); every own list in `<h3>`s or
    `<p>`s is stored whole."""
    boxes = [case for case in itertools.product(LANGS, ("article", "main", "soup"), ("h3p", "p", "ul"), (1, -1),
                                                (2, 3), ("template", "thumbnail"), (True, False))
             if teaser_lines_stored(*case)]
    own = [case for case in itertools.product(LANGS, ("article", "main", "soup"), ("h3p", "p"), (1, -1), (2, 3),
                                              (None, EDITOR_CUTS, MACHINE_CUT), ("plain", "cms"))
           if own_list_lines_lost(*case)]
    known = [case for case in boxes if case[2] == "p" and case[4] == 2 and case[-1]]  # as on main's code
    assert (len(known), [case for case in boxes if case not in known], own) == (16, [], [])


LONG_ONE = "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board."
LONG_TWO = "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel."
ITEMS = (("Bridge closes for a week of repairs", "The town's only bridge over the river will close on Monday."),
         ("Harbour market moves to the old quay", "Stall holders will sell fish and vegetables from the old quay."))


def _own(items: str, paragraph: str = "<p>{}</p>") -> frozenset[str]:
    story = [paragraph.format(text) for text in (LONG_ONE, LONG_TWO)]
    return own_list_lines(lxml.html.fromstring(f"<html><body><div>{story[0]}{items}{story[1]}</div></body></html>"))


def _h3p(link: str = "", summary: str = "", inside: str = "", after: str = "") -> str:
    return "".join(f'<h3><a{link} href="/n/{n}">{inside}{head}</a>{after}</h3><p{summary}>{text}</p>'
                   for n, (head, text) in enumerate(ITEMS))


def test_items_written_as_the_storys_paragraphs_are_its_own_list() -> None:
    everything = {line for item in ITEMS for line in item}
    assert _own(_h3p()) == everything
    assert _own(_h3p(summary=' class="body-text"'), '<p class="body-text">{}</p>') == everything
    assert _own(_h3p(link=' class="external"')) == everything  # a plugin's class on links out: links not compared
    cards = "".join(f'<li><h3><a href="/n/{n}">{h}</a></h3><p>{t}</p></li>' for n, (h, t) in enumerate(ITEMS))
    assert _own(f'<ul class="wp-block-list">{cards}</ul>') == everything


def test_items_with_a_templates_classes_a_thumbnail_or_a_day_are_a_box() -> None:
    assert _own(_h3p(link=' class="c-item__link"', summary=' class="c-item__text"')) == frozenset()
    assert _own(_h3p(inside='<img src="/t.jpg" alt=""> ')) == frozenset()
    assert _own(_h3p(inside='<picture><source srcset="/t.webp"></picture>')) == frozenset()
    assert _own(_h3p().replace("<p>", '<p><time datetime="2026-05-01">1 May</time> ')) == frozenset()
    cards = "".join(f'<li class="c-item"><h3><a href="/n/{n}">{h}</a></h3><p>{t}</p></li>'
                    for n, (h, t) in enumerate(ITEMS))
    assert _own(f"<ul>{cards}</ul>") == frozenset()


def test_a_list_of_cards_beside_one_story_paragraph_is_a_box() -> None:
    cards = "".join(f'<li><h3><a href="/n/{n}">{h}</a></h3><p>{t}</p></li>' for n, (h, t) in enumerate(ITEMS))
    tree = lxml.html.fromstring(f"<html><body><div><p>{LONG_ONE}</p><ul>{cards}</ul></div></body></html>")
    assert own_list_lines(tree) == frozenset()


# The fix after review: a template marks every teaser, an editor's list carries a mark in one item; and a class on the
# paragraphs alone is an editor's as often as a template's (pasted, Gutenberg's, a CMS's story classes).
SMILEY = ' <img draggable="false" role="img" class="emoji" alt=":-)" src="/emoji/1f642.svg">'
FIGURE = '<img class="alignright size-medium wp-image-4121" src="/uploads/pier-300x200.jpg" alt="" width="300"> '
TIME = '<time datetime="2026-05-01T10:30">10:30</time> '


def _marked(first: str = "", last: str = "", every: bool = False) -> str:
    """The items as `<h3>` over `<p>`, the first summary's (or every summary's) opening `first` and ending `last`."""
    return "".join(f'<h3><a href="/n/{n}">{head}</a></h3><p>{first if every or n == 0 else ""}{text}'
                   f'{last if every or n == 0 else ""}</p>' for n, (head, text) in enumerate(ITEMS))


def test_one_smiley_figure_or_time_in_one_item_keeps_the_editors_list() -> None:
    """The review's finding 1: one mark in one item dropped the whole list (the branch's first form read `any`)."""
    headlines = {head for head, _ in ITEMS}
    assert _own(_marked(last=SMILEY)) == {line for item in ITEMS for line in item}
    assert _own(_marked(first=FIGURE)) == {line for item in ITEMS for line in item}
    assert headlines < _own(_marked(first=TIME))  # the time's text is the summary's: both held


def test_a_mark_on_every_item_is_a_templates_box() -> None:
    """The other side of the trade: a thumbnail or a day on each teaser (an editor's timeline with a `<time>` on every
    item is read as a box too: the documented limit)."""
    assert _own(_marked(first=FIGURE, every=True)) == frozenset()
    assert _own(_marked(first=TIME, every=True)) == frozenset()
    assert _own(_h3p(inside='<img src="/t.jpg" alt=""> ')) == frozenset()


@pytest.mark.xfail(strict=True, reason="the trade: a mark counts only on every item, so a template's box whose one "
                   "teaser has no thumbnail (a story without a picture) among the story's paragraphs is its list")
def test_a_box_with_one_teaser_lacking_its_thumbnail_is_a_box() -> None:
    thumbnail = '<img src="/t.jpg" alt=""> '
    items = "".join(f'<h3><a href="/n/{n}">{thumbnail if n else ""}{head}</a></h3><p>{text}</p>'
                    for n, (head, text) in enumerate(ITEMS))
    assert _own(items) == frozenset()


@pytest.mark.parametrize(("summary", "paragraph"), [
    (' class="p1"', "<p>{}</p>"),  # pasted from a word processor
    (' class="has-small-font-size"', "<p>{}</p>"),  # Gutenberg's size on the list's paragraphs
    (' class="pw-post-body-paragraph mb nq mg"', '<p class="pw-post-body-paragraph mb mf mg">{}</p>'),  # spacing
    ("", '<div class="text-block"><p class="para">{}</p></div>'),  # the story's blocks classed, the rich text's not
    ("", '<p class="lead">{}</p>'),
], ids=["pasted", "gutenberg", "spacing", "text-block", "lead"])
def test_a_class_on_the_lists_paragraphs_alone_keeps_the_editors_list(summary: str, paragraph: str) -> None:
    """The review's finding 2: a class no story paragraph has dropped the list; it counts now only with a class on
    every item's link that no story link has (`c-item__link`)."""
    assert _own(_h3p(summary=summary), paragraph) == {line for item in ITEMS for line in item}


def test_a_template_names_its_teasers_paragraphs_and_links() -> None:
    assert _own(_h3p(link=' class="c-item__link"', summary=' class="c-item__text"')) == frozenset()
    teasers = "".join(f'<p class="teaser__excerpt"><a class="teaser__link" href="/n/{n}">{h}</a> {t}</p>'
                      for n, (h, t) in enumerate(ITEMS))
    assert _own(teasers) == frozenset()
    # the story's links carry the items' link class (a site that classes every link): the paragraphs' class alone
    story = '<p class="body">{} <a class="c-item__link" href="/a">more</a></p>'
    assert _own(_h3p(link=' class="c-item__link"', summary=' class="c-item__text"'), story) != frozenset()


@pytest.mark.xfail(strict=True, reason="the trade: a template that names its teasers' headings and summaries and "
                   "leaves their links bare is read, among the story's paragraphs, as the story's list (as on main)")
def test_a_template_with_bare_links_is_a_box() -> None:
    items = "".join(f'<h3 class="card__title"><a href="/n/{n}">{h}</a></h3><p class="card__excerpt">{t}</p>'
                    for n, (h, t) in enumerate(ITEMS))
    assert _own(items) == frozenset()


@pytest.mark.xfail(strict=True, reason="the review's finding 3, left: a `<ul>`'s class tells a template's stack "
                   "(`c-stack`) from Gutenberg's `wp-block-list` in no language, so bare `<li>` teasers among the "
                   "story's paragraphs are read as the story's list whatever the list's class")
def test_a_classed_list_of_bare_cards_is_a_box() -> None:
    cards = "".join(f'<li><h3><a href="/n/{n}">{h}</a></h3><p>{t}</p></li>' for n, (h, t) in enumerate(ITEMS))
    assert _own(f'<ul class="c-stack">{cards}</ul>') == frozenset()


@pytest.mark.parametrize(("lang", "layout", "form", "mark"), [
    ("en", "article", "h3p", SMILEY), ("fr", "soup", "p", SMILEY), ("de", "main", "h3p", FIGURE),
    ("it", "article", "p", FIGURE),
], ids=lambda value: value if len(value) < 12 else "mark")
def test_an_editors_list_with_one_mark_is_stored_on_a_page(lang: str, layout: str, form: str, mark: str) -> None:
    """Whole pages, summaries cut alike (the case where the whole list was lost): one item's mark keeps every line."""
    probe = TextPage(lang=lang, sizes=(3, 2, 3, 2), layout=layout, body_class=2 if layout == "soup" else 1)
    drawn = _items(probe, 3, MACHINE_CUT, "brief")
    html_part = _markup(drawn, form, "plain", "brief")
    first_summary = drawn[0][2]
    html_part = html_part.replace(first_summary, first_summary + mark, 1)
    page, html = _page(lang, layout, "plain", html_part, 1)
    stored = [line.removeprefix("- ") for line in _stored(page, html).split("\n")]
    assert [line for line in _lines(drawn, form) if stored.count(line) != 1] == []
    assert story_faults(page, "\n".join(stored)) == []
