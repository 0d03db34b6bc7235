"""The forty-first pass on publication dates (docs/extraction.md, "Forty-first pass, dates"): the classes this pass
fixed, each drawn in every language and both day/month orders the generator prints (`tests.datepageworld`), with
guards. Written before the fixes: the class tests fail on main (0de5b11f)."""

from __future__ import annotations

from datetime import timedelta

from tests.date_batch20 import stored_day
from tests.datepageworld import LABELS, DatePage, printed, render
from tests.test_date_classes40 import EVERY_FORM
from tests.test_date_classes41 import AGED_DAY, _right_meta_beside

URL = "https://www.example.org/news/council-school-budget.html"
EVENT_NAMES = (("class", "agenda"), ("id", "termin"), ("class", "event-info"))
"""An event's block as themes name it (`bylinetexts._EVENT_BOX`)."""


def _deep_event_box(label: str, name: tuple[str, str], depth: int) -> str:
    """An event's box named `depth` levels above the `<p>` holding `label` (the `<p>` is the first level)."""
    inner = label
    for level in range(depth - 2):
        inner = f'<div class="box-inner-{level}">{inner}</div>'
    return f'<div {name[0]}="{name[1]}"><h3>Council meeting</h3>{inner}</div>'


def test_a_label_in_an_events_box_named_more_than_three_levels_up_is_not_the_storys() -> None:
    """Left by the fortieth pass's review: an event's box ("agenda", "termin") named more than three levels above the
    label's `<p>` (the theme wraps its body in `<div>`s) was not seen as one, so its labelled day beat a right
    `DC.date`, with and without an age (the day one before the story's, inside the age's window). The box is now read
    at any level below the block the headline shares (`bylinetexts.in_event_box`). Every language and order, with
    and without an age, each with one of three names at four to six levels, inside the story's `<article>` or after
    it (a story of 12 paragraphs: the label is past the byline's reach)."""
    places = ((EVENT_NAMES[0], 4, "</article>"), (EVENT_NAMES[1], 6, "</main>"), (EVENT_NAMES[2], 5, "</article>"))
    missed = []
    for index, ((lang, style), ways) in enumerate((form, ways) for form in EVERY_FORM
                                                  for ways in (frozenset({"age"}), frozenset())):
        name, depth, where = places[index % len(places)]
        label = f"<p>{LABELS[lang]} {printed(AGED_DAY - timedelta(days=1), lang, style)}</p>"
        html = _right_meta_beside(lang, style, ways, _deep_event_box(label, name, depth), where)
        if stored_day(html, URL) != AGED_DAY:
            missed.append((lang, style, sorted(ways), name[1], depth))
    assert missed == []


def test_an_events_box_named_more_than_three_levels_up_in_the_bylines_reach_is_not_the_storys() -> None:
    """The same box in a short story (4 paragraphs), where the byline reader reaches it: its labelled day beat the
    URL's day, the age's and a right `DC.date` (main: every language and order, at four and six levels; three levels
    were already read). Every language and order, the story stating its day by its URL, its age or only the meta."""
    ways_drawn = (frozenset({"url"}), frozenset({"age"}), frozenset())
    missed = []
    for index, (lang, style) in enumerate(EVERY_FORM):
        ways = ways_drawn[index % len(ways_drawn)]
        label = f"<p>{LABELS[lang]} {printed(AGED_DAY - timedelta(days=1), lang, style)}</p>"
        html, _ = render(DatePage(day=AGED_DAY, lang=lang, style=style, paragraphs=4, ways=ways))
        html = html.replace("</head>", f'<meta name="DC.date" content="{AGED_DAY.isoformat()}"></head>')
        html = html.replace("</article>", _deep_event_box(label, EVENT_NAMES[index % 3], 4 + index % 3) + "</article>")
        if stored_day(html, URL) != AGED_DAY:
            missed.append((lang, style, sorted(ways)))
    assert missed == []


def test_a_storys_label_under_a_page_wrapper_named_for_events_is_still_the_storys() -> None:
    """Guard: an events site wraps its whole page, headline and story, in a block named "event-detail" many levels
    above the label: the label is the story's and still beats a `DC.date` of another day (fails if any named
    ancestor counted, not only one below the block the headline shares)."""
    label_day = AGED_DAY - timedelta(days=1)
    for lang, style in EVERY_FORM[:4]:
        label = f"<p>{LABELS[lang]} {printed(label_day, lang, style)}</p>"
        html = _right_meta_beside(lang, style, frozenset(), f'<div class="meta"><div class="line">{label}</div></div>',
                                  "</article>")
        html = html.replace("<body>", '<body><div class="event-detail"><div class="wrap"><div class="col">', 1)
        html = html.replace("</body>", "</div></div></div></body>", 1)
        assert stored_day(html, URL) == label_day, (lang, style)


OTHER_BOXES = ('class="teaser"', 'class="video-player"', 'class="update-box"', 'class="discussion"',
               'id="disqus_thread"', 'class="leserbriefe"')
"""Blocks not the story's that `labelleddates._NOT_THE_STORYS` names: a teaser, a video's player (YouTube prints
"Published on" under a video), an update's box, readers' discussion."""


def _deep_box(label: str, attributes: str, depth: int) -> str:
    """A short block named by `attributes`, `depth` levels above the `<p>` holding `label`."""
    inner = label
    for level in range(depth - 2):
        inner = f'<div class="box-inner-{level}">{inner}</div>'
    return f"<div {attributes}><h3>More from us</h3>{inner}</div>"


def test_a_label_in_a_box_not_the_storys_named_deep_or_by_a_discussions_name_is_not_the_storys() -> None:
    """A label in a teaser's, a video player's or an update's box named more than three levels above it, or in a
    readers' discussion named "discussion", "disqus_thread" or "leserbriefe" at any level, was the story's
    (`labelleddates._the_storys` asked three levels, and those names were not among `_NOT_THE_STORYS`): past the
    byline's reach it beat a right `DC.date`, with and without an age. Every language and order, each box in turn,
    five levels deep (three for the discussions, read before at no depth)."""
    missed = []
    for index, ((lang, style), ways) in enumerate((form, ways) for form in EVERY_FORM
                                                  for ways in (frozenset({"age"}), frozenset())):
        attributes = OTHER_BOXES[index % len(OTHER_BOXES)]
        label = f"<p>{LABELS[lang]} {printed(AGED_DAY - timedelta(days=1), lang, style)}</p>"
        depth = 5 if index % len(OTHER_BOXES) < 3 else 3
        html = _right_meta_beside(lang, style, ways, _deep_box(label, attributes, depth), "</article>")
        if stored_day(html, URL) != AGED_DAY:
            missed.append((lang, style, sorted(ways), attributes))
    assert missed == []


def test_the_storys_label_deep_in_its_info_block_under_a_body_named_for_video_is_still_the_storys() -> None:
    """Guard: the story's own label five levels deep in an info block, in a story body a theme names "story-body
    has-video": the body is long, so its name does not count past three levels, and the label still beats a
    `DC.date` of another day (fails if a long block's name counted)."""
    label_day = AGED_DAY - timedelta(days=1)
    for lang, style in EVERY_FORM[:4]:
        label = f"<p>{LABELS[lang]} {printed(label_day, lang, style)}</p>"
        info = f'<div class="info"><div class="a"><div class="b"><div class="c">{label}</div></div></div></div>'
        html = _right_meta_beside(lang, style, frozenset(), info + "</div>", "</article>")
        html = html.replace("</div><p>", '</div><div class="story-body has-video"><p>', 1)
        assert html.count('class="story-body has-video"') == 1
        assert stored_day(html, URL) == label_day, (lang, style)


# Review of the forty-first pass (session 40): the story itself in a block so named.

_HEADLINE = "<h1>Council approves the school budget</h1>"
_LONG_STORY = "".join(f"<p>The council met on Tuesday and approved the budget for schools, roads and the library; "
                      f"item {n} of the plan gives the city's parks more money than last year.</p>" for n in "123456")
WRONG_META_DAY = AGED_DAY - timedelta(days=30)


def _wrapped(inner: str, names: tuple[str, ...]) -> str:
    for name in names:
        inner = f'<div class="{name}">{inner}</div>'
    return inner


def _story_page(lang: str, style: int, article: str) -> str:
    """The generator's page with `article` for its `<article>` and a generic `DC.date` thirty days off: no URL's, age's
    or meta's day to fall back on, so only the story's label gives the right day."""
    html, _ = render(DatePage(day=AGED_DAY, lang=lang, style=style, paragraphs=1, ways=frozenset()))
    start, end = html.index("<article"), html.index("</article>") + len("</article>")
    html = html[:start] + f'<article class="post">{article}</article>' + html[end:]
    return html.replace("</head>", f'<meta name="DC.date" content="{WRONG_META_DAY.isoformat()}"></head>')


def test_a_story_a_theme_wraps_deep_in_a_block_named_for_updates_is_still_its_labels() -> None:
    """Review: past three levels `_the_storys` counted the name of any short block, also one that is the story itself:
    a short live story a theme wraps four levels deep in "live-update-box" (the headline above it), or a story's
    header box so named holding the headline and the label beside a long body. The branch stored the generic meta's
    day (24 of 24); main and the fix store the label's. Such a block holds the headline or most of the story's text."""
    brief = "".join(f"<p>{text}</p>" for text in ("The council approved the budget on Tuesday.",
                                                    "Schools get more money.", "The vote was 7 to 2."))
    names = ("entry", "inner", "meta", "live-update-box")
    missed = []
    for lang, style in EVERY_FORM:
        label = f"<p>{LABELS[lang]} {printed(AGED_DAY, lang, style)}</p>"
        for article in (_HEADLINE + _wrapped(label + brief, names),
                        _wrapped(_HEADLINE + label, names) + f'<div class="body">{_LONG_STORY}</div>'):
            if stored_day(_story_page(lang, style, article), URL) != AGED_DAY:
                missed.append((lang, style, article[:30]))
    assert missed == []


def test_a_storys_label_deep_in_a_long_body_named_for_an_event_is_still_the_storys() -> None:
    """Review: `in_event_box` read a name at any level below the headline's block, also a long story body's: a report
    on an event ("event-report", "veranstaltungsbericht") with the story's own label at its end four and six levels
    down lost to a generic meta thirty days off (24 of 24 on the branch; main read three levels). Past three levels
    only a short box's name counts, as in `labelleddates._the_storys`."""
    missed = []
    for index, (lang, style) in enumerate(EVERY_FORM):
        name = ("event-report", "veranstaltungsbericht")[index % 2]
        label = f"<p>{LABELS[lang]} {printed(AGED_DAY, lang, style)}</p>"
        for depth in (4, 6):
            inner = ("entry", "inner", "meta", "text", "col")[:depth - 1]
            body = _wrapped(_LONG_STORY + _wrapped(label, inner[1:]), inner[:1])
            if stored_day(_story_page(lang, style, f'{_HEADLINE}<div class="{name}">{body}</div>'), URL) != AGED_DAY:
                missed.append((lang, style, name, depth))
    assert missed == []
