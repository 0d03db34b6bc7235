"""The fortieth pass on publication dates (docs/extraction.md, "Fortieth pass, dates"): the classes this pass fixed,
each drawn in every language and both day/month orders the generator prints (`tests.datepageworld`), with guards.
Written before the fixes: the class tests fail on main (0d3862c3)."""

from __future__ import annotations

from datetime import date, timedelta

from newsflow.authorlinks import names_author
from newsflow.extract import page_tree
from tests.date_batch20 import stored_day
from tests.datepageworld import (
    AUTHOR_CUES,
    FETCH_DAY,
    LABELS,
    PARAGRAPHS,
    TITLE,
    DatePage,
    printed,
    render,
    stamp,
)
from tests.test_date_classes40 import EVERY_FORM

STORY_DAY = date(2025, 3, 12)
AGED_DAY = FETCH_DAY - timedelta(days=2)
"""A day an age can state ("2 days ago", fetched 4 December 2026)."""


def _label_past_the_byline(lang: str, style: int, paragraphs: int, ways: frozenset[str]) -> DatePage:
    """A story that prints its age under the headline and its day under a label at its end, beside a `DC.date` meta
    of the next day (a CMS record's)."""
    return DatePage(day=AGED_DAY, lang=lang, style=style, paragraphs=paragraphs, ways=ways,
                    distractors=(("dc_date", AGED_DAY + timedelta(days=1)),))


def test_a_label_past_the_bylines_reach_beats_a_dc_date_beside_the_age() -> None:
    """Random draw (session 38, main and base alike; `test_date_rules_combined`, invariant 3): "2 days ago" under the
    headline, "Published on December 2, 2026" after ten or more paragraphs, a `DC.date` of the 3rd: the 3rd was
    stored. A shorter story's label is in the byline reader's reach and beat the meta (thirty-fifth pass); past it,
    `labelleddates.labelled_over` stands aside for the age, and the age gives way to a generic meta
    (`documented_day`). A day the story prints under its own label now beats a generic date meta on another day
    wherever it is (`genericmetas.story_day_over_generic`), in every language and order."""
    missed = [page.shown() for lang, style in EVERY_FORM for paragraphs in (10, 16)
              if stored_day(*render(page := _label_past_the_byline(lang, style, paragraphs,
                                                                   frozenset({"age", "labelled"})))) != AGED_DAY]
    assert missed == []


def test_the_age_alone_still_gives_way_to_a_dc_date() -> None:
    """Guard: without the label, the documented `DC.date` beside an age alone (`documented_day`) is kept."""
    page = _label_past_the_byline("de", 1, 12, frozenset({"age"}))
    assert stored_day(*render(page)) == AGED_DAY + timedelta(days=1)


def test_a_label_does_not_beat_a_dc_date_on_a_page_whose_url_names_that_day() -> None:
    """Guard: a labelled day is not the story's on a page whose URL names the meta's day (`labelled_over`'s
    rule): the URL's day and the meta agree, and are stored."""
    meta_day = AGED_DAY + timedelta(days=1)
    html, _ = render(_label_past_the_byline("en", 0, 12, frozenset({"age", "labelled"})))
    url = f"https://www.example.org/{meta_day:%Y/%m/%d}/council-school-budget.html"
    assert stored_day(html, url) == meta_day



AUTHOR_LINKS = (('/author/anna-maria-writer/', "", "{cue} Anna Maria Writer"),
                ('/autoren/anna-maria-writer', "", "Anna Maria Writer"),
                ('/people/anna', ' rel="author"', "Anna Maria Writer"))
"""A byline's author link, three ways a page names it: a cue before the name, an author page's path, `rel`."""


def _byline_card_above_cards(lang: str, style: int, link: tuple[str, str, str]) -> str:
    """A story of `STORY_DAY` whose byline is a bare `<div>` (its author linked, the story's `<time>`) directly above
    three bare cards of other stories (their `<time>`s two to six days later), then the story, beside a later
    modification meta."""
    href, rel, name = link
    when = f'<time datetime="{stamp(STORY_DAY, "+01:00")}">{printed(STORY_DAY, lang, style)}</time>'
    byline = f'<div><a href="{href}"{rel}>{name.format(cue=AUTHOR_CUES[lang])}</a> {when}</div>'
    cards = "".join(
        f'<div><a href="/news/other-{n}">Another council story number {n}</a> <time datetime="'
        f'{stamp(day, "+01:00")}">{printed(day, lang, style)}</time></div>'
        for n, day in enumerate(STORY_DAY + timedelta(days=gap) for gap in (2, 4, 6)))
    story = "".join(f"<p>{PARAGRAPHS[lang].format(n=n + 1)}</p>" for n in range(4))
    modified = f'<meta property="article:modified_time" content="{stamp(STORY_DAY + timedelta(days=9), "+01:00")}">'
    return (f'<html lang="{lang}"><head><title>{TITLE} | Example</title>{modified}</head><body><main><article>'
            f"<h1>{TITLE}</h1><div>{byline}{cards}</div>{story}</article></main></body></html>")


def test_a_bare_byline_card_directly_above_bare_cards_is_still_read() -> None:
    """Left by the thirty-ninth pass's review: three bare related cards directly after the byline's bare card (its
    author linked by three or more words, the story's `<time>`): the byline's card was the first of a run of four
    bare cards, a teaser, and the later modification was stored. A card whose link names its author (a cue before
    the name, an author page's path, `rel="author"`: `authorcues.author_link`) is no teaser; the three cards after
    it still are. Every language and order, each way of linking the author."""
    url = "https://www.example.org/news/council-school-budget.html"
    missed = [(lang, style, link[0]) for lang, style in EVERY_FORM for link in AUTHOR_LINKS
              if stored_day(_byline_card_above_cards(lang, style, link), url) != STORY_DAY]
    assert missed == []


def test_bare_cards_linking_other_stories_by_their_headlines_are_still_a_list() -> None:
    """Guard: three bare cards whose links are other stories' headlines (no author named) above the byline's
    printed name are still a list of other stories: no card's day is stored, the page is dated by its modification as
    a page that states no day (the thirty-ninth pass's rule)."""
    html = _byline_card_above_cards("en", 0, ("/news/council", "", "Council story")).replace(
        f'<a href="/news/council">Council story</a> <time datetime="{stamp(STORY_DAY, "+01:00")}">'
        f"{printed(STORY_DAY, 'en', 0)}</time>", "A. Writer")
    assert stored_day(html, "https://www.example.org/news/council-school-budget.html") == STORY_DAY + timedelta(days=9)


def test_bare_cards_that_also_link_their_authors_are_still_a_list() -> None:
    """Guard: bare cards each linking their author's page before another story's headline are still a list: only
    a link naming an author is no headline's, the card's other link still is (fails if a card linking an author is
    no teaser)."""
    html = _byline_card_above_cards("de", 1, ("/news/council", "", "Council story"))
    html = html.replace(f'<a href="/news/council">Council story</a> <time datetime="{stamp(STORY_DAY, "+01:00")}">'
                        f"{printed(STORY_DAY, 'de', 1)}</time>", "A. Writer")
    html = html.replace('<div><a href="/news/other-', '<div><a href="/autoren/b-writer">Von B. Writer</a> '
                        '<a href="/news/other-')
    assert html.count("/autoren/") == 3
    assert stored_day(html, "https://www.example.org/news/council-school-budget.html") == STORY_DAY + timedelta(days=9)


def test_an_author_link_is_told_by_its_rel_its_path_or_its_cue_not_by_a_section_name() -> None:
    """`authorlinks.names_author`: `rel="author"`, an author page's path, a cue before a name name an author; a
    section a story may sit under ("/people/", "/staff/", "/profile/") and a headline opening with "By" before a
    lower-case word do not (the docs' promise: those links stay headlines)."""
    def link(html: str) -> bool:
        return names_author(page_tree(f"<html><body>{html}</body></html>").find(".//a"))

    assert all(link(html) for html in ('<a href="/x/anna" rel="author">Anna Maria Writer</a>',
                                       '<a href="/author/anna-writer/">Anna Maria Writer</a>',
                                       '<a href="/de/autoren/anna">Anna Maria Writer</a>',
                                       '<a href="/x">Par Anna Maria Writer</a>'))
    assert not any(link(html) for html in ('<a href="/people/royal-wedding-date-set">Royal wedding date set</a>',
                                           '<a href="/staff/picks-of-the-week">Staff picks of the week</a>',
                                           '<a href="/profile/who-runs-the-city">Who runs the city now</a>',
                                           '<a href="/news/x">By the numbers: the budget</a>'))


CUED_HEADLINES = ("{cue} The Numbers: Council Story", "{cue} Night and Day: Council Story")
"""Review: a headline that opens with the language's author cue before a capital, title case or a proper noun ("By
The Numbers: …", "Von Berlin nach …"): another story's, not an author's name."""


def test_teaser_cards_whose_headlines_open_with_an_author_cue_are_still_a_list() -> None:
    """Review of the fortieth pass: `names_author` took any link text opening with a cue before a capital for an
    author's ("By The Numbers: …"), so three bare related cards with such headlines were no list and the first card's
    day was stored. A link names its author only when its text is the name alone (`authorcues.after_author`). Every
    language and order, two headlines each."""
    url = "https://www.example.org/news/council-school-budget.html"
    missed = []
    for (lang, style), headline in ((form, headline) for form in EVERY_FORM for headline in CUED_HEADLINES):
        html = _byline_card_above_cards(lang, style, ("/news/council", "", "Council story")).replace(
            f'<a href="/news/council">Council story</a> <time datetime="{stamp(STORY_DAY, "+01:00")}">'
            f"{printed(STORY_DAY, lang, style)}</time>", "A. Writer")
        html = html.replace("Another council story number", headline.format(cue=AUTHOR_CUES[lang]) + " number")
        if stored_day(html, url) != STORY_DAY + timedelta(days=9):
            missed.append((lang, style, headline))
    assert missed == []


def _age_and_right_meta_beside(lang: str, style: int, block: str, where: str) -> str:
    """A story of `AGED_DAY` that prints its age under the headline, beside a `DC.date` meta of that same day (right),
    and `block` (a label of another day) before `where`."""
    html, _ = render(DatePage(day=AGED_DAY, lang=lang, style=style, paragraphs=12, ways=frozenset({"age"})))
    html = html.replace("</head>", f'<meta name="DC.date" content="{AGED_DAY.isoformat()}"></head>')
    return html.replace(where, block + where, 1)


def test_a_label_the_age_rules_out_does_not_beat_a_dc_date_the_age_agrees_with() -> None:
    """Review of the fortieth pass: a label's day beat a generic meta wherever the age was, so a label that is not the
    story's (a related story's `<article>` after the story's, an earlier edition's line at the story's end) ten days
    before the age's day beat a right `DC.date` the age agreed with. The age now comes with the labelled day
    (`genericmetas.age_beside_the_label`), and the run drops a day the age rules out (`articledates._off_the_age`).
    Every language and order, two places."""
    other = AGED_DAY - timedelta(days=10)
    missed = []
    for lang, style in EVERY_FORM:
        label = f"<p>{LABELS[lang]} {printed(other, lang, style)}</p>"
        related = (f'<section><h2>More</h2><article><h3><a href="/news/other-story">Another council story on '
                   f"schools</a></h3>{label}</article></section>")
        for block, where in ((label, "</article>"), (related, "</main>")):
            if stored_day(_age_and_right_meta_beside(lang, style, block, where),
                          "https://www.example.org/news/council-school-budget.html") != AGED_DAY:
                missed.append((lang, style, where))
    assert missed == []


def _label_in_another_block(label: str) -> tuple[tuple[str, str], ...]:
    """Blocks not the story's holding `label`, each with where it goes: a related story's `<article>` after the
    story's (in a related list, and as a bare sibling), readers' comment form (WordPress's `respond`, after the story
    and within its `<article>`), an event's block (`agenda`, `termin`)."""
    link = '<h3><a href="/news/other-story">Another council story on schools</a></h3>'
    return ((f"<section><h2>More</h2><article>{link}{label}</article></section>", "</main>"),
            (f"<article>{link}{label}</article>", "</main>"),
            (f'<div id="respond"><h3>Leave a reply</h3>{label}</div>', "</main>"),
            (f'<div id="respond"><h3>Leave a reply</h3>{label}</div>', "</article>"),
            (f'<div class="agenda"><h3>Council meeting</h3>{label}</div>', "</article>"),
            (f'<div id="termin"><h3>Council meeting</h3>{label}</div>', "</main>"))


def _right_meta_beside(lang: str, style: int, ways: frozenset[str], block: str, where: str) -> str:
    """A story of `AGED_DAY` stating it in `ways`, beside a right `DC.date` meta, and `block` before `where`."""
    html, _ = render(DatePage(day=AGED_DAY, lang=lang, style=style, paragraphs=12, ways=ways))
    html = html.replace("</head>", f'<meta name="DC.date" content="{AGED_DAY.isoformat()}"></head>')
    return html.replace(where, block + where, 1)


def test_a_label_in_another_storys_a_comments_or_an_events_block_is_not_the_storys() -> None:
    """Session 39's review of the fortieth pass (left): `labelleddates.labelled_day` read a label in a related
    `<article>` after the story's, in a block named `respond` (comments) or `agenda` (an event's), so on a page with no
    age it beat a right `DC.date` (main too), and with an age a day inside the age's window did (one day before it).
    Such a label is not the story's (`labelleddates._another_storys_or_an_event`). Every language and order, with and
    without an age, each place; the label's day is one before the story's, inside the age's window (ten days off, the
    age's rule already drops it: the test above). 144 pages, all stored the label's day on main and on the branch."""
    url = "https://www.example.org/news/council-school-budget.html"
    missed = []
    for (lang, style), ways in ((form, ways) for form in EVERY_FORM for ways in (frozenset({"age"}), frozenset())):
        label = f"<p>{LABELS[lang]} {printed(AGED_DAY - timedelta(days=1), lang, style)}</p>"
        for block, where in _label_in_another_block(label):
            if stored_day(_right_meta_beside(lang, style, ways, block, where), url) != AGED_DAY:
                missed.append((lang, style, sorted(ways), block[:20], where))
    assert missed == []


def test_the_storys_own_label_in_its_article_still_beats_a_generic_dc_date() -> None:
    """Guard: the same label in an info block of the story's own `<article>` (after its paragraphs) is still the
    story's, and beats a `DC.date` of another day, with and without an age (fails if every labelled `<article>` were
    taken for another story's)."""
    label_day = AGED_DAY - timedelta(days=1)
    url = "https://www.example.org/news/council-school-budget.html"
    for ways in (frozenset({"age"}), frozenset()):
        html, _ = render(DatePage(day=label_day, lang="fr", style=1, paragraphs=12, ways=ways | {"labelled"}))
        html = html.replace("</head>", f'<meta name="DC.date" content="{AGED_DAY.isoformat()}"></head>')
        assert stored_day(html, url) == label_day


def _without_article(html: str) -> str:
    """The page with its story's `<article>` a bare `<div>` (a headline in no `<article>`)."""
    return html.replace("<article", "<div").replace("</article>", "</div>")


def test_a_linked_articles_label_after_a_story_in_no_article_is_not_the_storys() -> None:
    """The same on a page whose story is in no `<article>`: a related story's `<article>` after it, headed by a link
    to that story, is another story's (every language and order, with and without an age)."""
    url = "https://www.example.org/news/council-school-budget.html"
    missed = []
    for (lang, style), ways in ((form, ways) for form in EVERY_FORM for ways in (frozenset({"age"}), frozenset())):
        label = f"<p>{LABELS[lang]} {printed(AGED_DAY - timedelta(days=1), lang, style)}</p>"
        block = f'<article><h3><a href="/news/other-story">Another council story on schools</a></h3>{label}</article>'
        html = _without_article(_right_meta_beside(lang, style, ways, "", "</main>"))
        html = html.replace("</main>", block + "</main>")
        if stored_day(html, url) != AGED_DAY:
            missed.append((lang, style, sorted(ways)))
    assert missed == []


def test_the_storys_body_in_an_article_under_a_headline_in_none_still_gives_its_label() -> None:
    """Guard: a headline above the `<article>` of the story's body (a site's header outside it): the label in that
    `<article>`, headed by no link, is still the story's and beats a `DC.date` of another day."""
    label_day = AGED_DAY - timedelta(days=1)
    html, _ = render(DatePage(day=label_day, lang="de", style=0, paragraphs=12, ways=frozenset({"labelled"})))
    html = html.replace("</head>", f'<meta name="DC.date" content="{AGED_DAY.isoformat()}"></head>')
    html = _without_article(html).replace(f"<h1>{TITLE}</h1>", f"<h1>{TITLE}</h1><article>", 1).replace(
        "</main>", "</article></main>", 1)
    assert html.count("<article>") == 1
    assert stored_day(html, "https://www.example.org/news/council-school-budget.html") == label_day
