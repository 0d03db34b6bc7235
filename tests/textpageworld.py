"""A grammar of news pages for the generated test of how the text rules combine (docs/extraction.md,
"Twenty-eighth pass, text (issue 15): the rules combined, generated"; `tests/test_text_rules_combined.py`).

A page is a story plus independent furniture parts. The story (en, de, fr, es, it or nl) has a headline, maybe a
standfirst, 3 to 15 paragraphs of one to six sentences (most of a news paragraph's length, some short, some long),
maybe subheads, a list, a blockquote, a short last paragraph that looks like a signature (a city's or an agency's
name in a sentence of its own) and a paragraph that says "newsletter" or "read more" in plain prose. Its layout is
an `<article>`, a `<main>` without one, site-like `<div>` soup, or the story split over two containers. Furniture
(`FURNITURE`), each part written from how its class is built, not copied from a site: a navigation menu,
breadcrumbs, a share bar, a tags list, related teasers with headlines and links, a newsletter or donation appeal,
readers' comments, a cookie banner, a footer, a photo with caption and credit, an author box, a table of contents of
jump links, a "continue reading" link, an ad label, a "most read" sidebar, and over the story a field's label
(`div.field-label`, whole or split by inline tags) and a fact box of figures with a year (one column or two; its fare
in one of `FARES`' forms, or an event's box of a day, perhaps its time (thirty-fifth pass), and two fares of one
form), and a summary box above the story (a label over the story's points, its class naming it a summary; with
`hashed` the page does not mark it and it is the story's own: thirty-seventh pass). The story's list may be of few words
under a lead-in line (thirty-third pass, text: the thirty-second pass's classes), and a table of its data may open it
(thirty-fourth pass). Among the story's paragraphs: a pull quote, a "read also" link, an embedded social post, an
editor's note (thirty-eighth pass) and a video box (fortieth pass: a player's label, play button and running time).

The words are in `tests/textpagewords.py`, the HTML in `tests/textpagehtml.py`.

Every sentence carries a number no other sentence has, so each paragraph is findable on its own.
`textpagehtml.render` gives (html, url); `story_lines` the lines a reader must find in the stored text, in order;
`furniture_lines` each part's visible texts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import strategies as st

from tests.textpagewords import (
    AUTHOR_BOXES,
    CAPTIONS,
    CLAUSES,
    COMMENTS,
    DATA_TABLES,
    EDITOR_NOTES,
    EVENT_BOXES,
    EVENT_TIME_LABELS,
    EVENT_TIMES,
    FACTS,
    FARES,
    FIELD_LABELS,
    LAST_LINES,
    LEAD_INS,
    LIST_ITEMS,
    MENTIONS,
    PLACES,
    QUOTES,
    READ_ALSO,
    REDUCED,
    SHARES,
    SOCIAL_CHROME,
    SOCIAL_CHROME_LOCAL,
    SOCIAL_PLATFORMS,
    SOCIAL_POSTS,
    STANDFIRSTS,
    SUBHEADS,
    SUBJECTS,
    SUMMARY_BOXES,
    TEASERS,
    VERBS,
    VIDEO_BOXES,
    VIDEO_DURATION,
    WORDS,
)

LANGS = ("en", "de", "fr", "es", "it", "nl")
LAYOUTS = ("article", "main", "soup", "split")
BODY_CLASSES = ("article-body", "entry-content", "story-text", "rich-text c-rte", "txt-block")
"""The story's container: names trafilatura's body XPaths know (the first two) and names they do not."""
UNNAMED_BODY_CLASS = 2
"""`BODY_CLASSES` from this index on are names no trafilatura body XPath knows."""

MAX_SENTENCES = 16
"""A story repeats no clause (`CLAUSES` has 16 a language): a real story's paragraphs share words, not sentences, and
the rules that ask whether a paragraph is in the text already count shared words (`continuation.LineIndex`)."""
CRUMB = " \u203a "  # a breadcrumb's separator
FURNITURE = ("menu", "breadcrumbs", "share", "tags", "related", "appeal", "comments", "cookie", "footer", "photo",
             "author", "contents", "continue", "ad", "most_read", "label", "facts", "summary", "pull_quote",
             "read_also", "note", "social", "video")
UNWANTED = ("menu", "breadcrumbs", "share", "tags", "related", "appeal", "comments", "cookie", "footer", "continue",
            "ad", "most_read", "label", "facts", "summary", "read_also", "video")
"""Parts a reader never wants in the story's text. A photo's caption and credit and an author's box may be kept or
dropped (the fifteenth and seventeenth passes drop them when the page names them so); a table of contents's link
texts are the subheads', so it is checked by the story's lines being there once. A pull quote repeats a sentence of
the story (checked by that sentence being in the text once, `pull_quote`); an editor's note is the story's own last
line (`story_lines`). An embedded social post's words may be kept (the story quotes them) or dropped (the corpora's
references leave embeds out, and the second pass's unconfirmed lines drop them, measured): never twice, never
broken (thirty-eighth pass, text). A video box's label, play button and running time are unwanted; its title is a
caption, kept or dropped, but a line of its own (fortieth pass, text: `video_title`)."""
AFTER_STORY = ("tags", "share", "author", "related", "appeal", "comments")
"""Sibling blocks after the story, in the page's order (shuffled by the fourth invariant)."""


@dataclass(frozen=True)
class TextPage:
    """One generated page: the story's shape, its layout, and its furniture parts in their order."""

    lang: str = "en"
    sizes: tuple[int, ...] = (3, 2, 3)  # sentences per paragraph
    variant: int = 0  # which subject, verb and clause each sentence starts from
    standfirst: bool = False
    subheads: tuple[int, ...] = ()  # before these paragraphs (never the first)
    list_at: int | None = None  # a list after this paragraph
    lead_in: bool = False  # the list is of few words (PLACES), under a lead-in line (LEAD_INS)
    data_table: bool = False  # a table of the story's data (DATA_TABLES, one form) before its first paragraph
    quote_at: int | None = None  # a blockquote after this paragraph
    last_line: int | None = None  # a short last paragraph (LAST_LINES index)
    mention_at: int | None = None  # this paragraph is a MENTIONS one
    layout: str = "article"
    body_class: int = 0  # BODY_CLASSES index: how the story's container is named
    hashed: bool = False  # furniture named by a build tool's hashed classes, not by what it is
    inside: bool = False  # the blocks after the story sit inside its container (related and appeal mid-story)
    furniture: tuple[str, ...] = ()  # in their order on the page (AFTER_STORY ones after the story)
    fare: int = 0  # the fact box's fare: the language's own (0) or FARES[fare - 1]
    event: bool = False  # the fact box is an event's: a day, the fare and the reduced fare (EVENT_BOXES), in two
    # columns (one cell a row, other rules take the day or the fares first and leave under 3 rows: a limit)
    event_time: int = 0  # the event's box also has a time of day under its day: none (0) or EVENT_TIMES[event_time - 1]

    def without(self, part: str) -> TextPage:
        return replace(self, furniture=tuple(kind for kind in self.furniture if kind != part))

    def shown(self) -> str:
        return repr(self)


def _sentence(page: TextPage, index: int) -> str:
    lang, number = page.lang, 12 + 37 * index + page.variant  # distinct in one page
    subject = SUBJECTS[lang][(page.variant + index) % len(SUBJECTS[lang])]
    verb = VERBS[lang][(page.variant + index + index // 8) % len(VERBS[lang])]  # no subject and verb twice
    clause = CLAUSES[lang][(page.variant + index) % len(CLAUSES[lang])]  # none twice: MAX_SENTENCES
    return f"{subject} {verb} {clause.format(n=number)}."


def paragraph_sentences(page: TextPage) -> list[list[str]]:
    """Each of the story's paragraphs as its sentences."""
    sentences, start = [], 0
    for position, size in enumerate(page.sizes):
        if position == page.mention_at:
            mention = MENTIONS[page.lang][page.variant % 2].format(n=900 + position)
            sentences.append([mention] + [_sentence(page, start + k) for k in range(size - 1)])
        else:
            sentences.append([_sentence(page, start + k) for k in range(size)])
        start += size
    return sentences


def paragraphs(page: TextPage) -> list[str]:
    """The story's paragraphs as a reader sees them."""
    return [" ".join(sentences) for sentences in paragraph_sentences(page)]


def pull_quote_at(page: TextPage) -> int:
    """The paragraph a pull quote follows: the story's middle (never its last)."""
    return len(page.sizes) // 2


def pull_quote(page: TextPage) -> str:
    """The story's sentence a pull quote repeats: the first paragraph's first (said before the quote) or the next
    paragraph's (said after it), by the page's variant; the first's where there is no next paragraph."""
    after = pull_quote_at(page) + 1
    source = after if page.variant % 2 == 1 and after < len(page.sizes) else 0
    return paragraph_sentences(page)[source][0]


def read_also(page: TextPage) -> tuple[str, str]:
    """An inline "read also" link's label and the other story's headline."""
    return READ_ALSO[page.lang], TEASERS[page.lang][page.variant % len(TEASERS[page.lang])]


def social_post_at(page: TextPage) -> int:
    """The paragraph an embedded social post follows: the first."""
    return 0


def social_post(page: TextPage) -> tuple[str, str, str, str]:
    """An embedded social post's words, its author's name and handle, and its day."""
    words, name, handle, day = SOCIAL_POSTS[page.lang]
    return words.format(n=10 + page.variant % 20), name, handle, day


def social_platform(page: TextPage) -> str:
    """The platform whose embed code holds the page's social post: by the page's variant, apart from the post's two
    forms (bare or in a `<figure>`: the variant's parity)."""
    return SOCIAL_PLATFORMS[page.variant // 2 % len(SOCIAL_PLATFORMS)]


def social_author_line(page: TextPage) -> str:
    """The post's author's line as the platform's embed code prints it under the post's words."""
    _, name, handle, day = social_post(page)
    return {"twitter": f"\u2014 {name} ({handle}) {day}",
            "instagram": f"A post shared by {name} ({handle})",
            "facebook": f"Posted by {name} on {day}",
            "bluesky": f"\u2014 {name} ({handle[1:]}.bsky.social) {day}",
            "mastodon": f"Post by {handle}@social.example"}[social_platform(page)]


def social_chrome(page: TextPage) -> tuple[str, ...]:
    """The platform's own words in the post's embed code, which a reader never wants: Instagram's "View this post"
    link, Mastodon's link of its author's handle and "View on Mastodon" (no words of the post come with it); in the
    page's language or in English, by the page's variant (fortieth pass, text)."""
    platform = social_platform(page)
    own = tuple(SOCIAL_CHROME_LOCAL[page.lang][platform] for _ in SOCIAL_CHROME[platform])
    words = own if page.variant // 10 % 2 == 0 else SOCIAL_CHROME[platform]  # the page's language or English
    return words + ((social_author_line(page),) if platform == "mastodon" else ())


def video_at(page: TextPage) -> int:
    """The paragraph a video box follows: the one before the story's middle (the first on a story of two or three)."""
    return max(0, len(page.sizes) // 2 - 1)


def video_box(page: TextPage) -> tuple[str, str, str]:
    """A video box's label ("Video"), its play button's words and its title."""
    label, button, title = VIDEO_BOXES[page.lang]
    return label, button, title.format(n=50 + page.variant % 40)


def editor_note(page: TextPage) -> tuple[str, str]:
    """An editor's note after the story: its label ("Correction:") and its sentence."""
    label, text = EDITOR_NOTES[page.lang]
    return label, text.format(n=5 + page.variant % 4)


def list_items(page: TextPage) -> list[str]:
    if page.lead_in:
        return list(PLACES[page.variant % len(PLACES)])
    return [item.format(n=7 + 3 * k + page.variant % 5) for k, item in enumerate(LIST_ITEMS[page.lang])]


def lead_in(page: TextPage) -> str:
    return LEAD_INS[page.lang].format(n=40 + page.variant % 50)


def quote(page: TextPage) -> str:
    return QUOTES[page.lang].format(n=20 + page.variant % 30)


def story_lines(page: TextPage) -> list[str]:
    """What a reader must find in the stored text, each whole, once, in this order (a list item as "- item")."""
    lines = [STANDFIRSTS[page.lang]] if page.standfirst else []
    if page.hashed and "summary" in page.furniture:  # a box the page does not mark as a summary: the story's points
        label, *points = summary_lines(page)
        lines += [label, *(f"- {point}" for point in points)]
    lines += [table_line(page, row) for row in data_rows(page)] if page.data_table else []
    for position, text in enumerate(paragraphs(page)):
        if position in page.subheads:
            lines.append(SUBHEADS[page.lang][page.subheads.index(position) % 4])
        lines.append(text)
        if position == page.list_at:
            lines += [lead_in(page)] if page.lead_in else []
            lines += [f"- {item}" for item in list_items(page)]
        if position == page.quote_at:
            lines.append(quote(page))
    if page.last_line is not None:
        lines.append(LAST_LINES[page.lang][page.last_line])
    if "note" in page.furniture:
        lines.append(" ".join(editor_note(page)))
    return lines


def furniture_lines(page: TextPage, part: str) -> list[str]:
    """The visible texts of one furniture part (each a line a reader would see)."""
    menu, share, tags, related, appeal, comments, cookie, most_read, more, ad = WORDS[page.lang]
    teasers = TEASERS[page.lang]
    return {
        "menu": menu.split("|"),
        "breadcrumbs": [f"{CRUMB.join([*menu.split('|')[:2], SUBHEADS[page.lang][0]])}"],
        "share": share.split("|"),
        "tags": [tags, "Verkehr 2026" if page.lang == "de" else "Bus 2026", "Tram Nord"],
        "related": [related, *teasers],
        "appeal": appeal.split("|"),
        "comments": [comments, "anna_1987", COMMENTS[page.lang], "Reply"],
        "cookie": cookie.split("|"),
        "footer": ["© 2026 Example Media", "Impressum · Privacy · Contact"],
        "photo": [CAPTIONS[page.lang], "Photo: Lena Hart / Example"],
        "author": [AUTHOR_BOXES[page.lang]],
        "contents": [SUBHEADS[page.lang][k % 4] for k in range(len(page.subheads))],
        "continue": [more],
        "ad": [ad],
        "most_read": [most_read, *reversed(teasers)],
        "label": [FIELD_LABELS[page.lang]],
        "facts": [table_line(page, row, table_columns(page, facts=True)) for row in fact_rows(page)],
        "summary": summary_lines(page),
        "pull_quote": [pull_quote(page)],
        "read_also": [read_also(page)[1], read_also(page)[0]],
        "note": [" ".join(editor_note(page))],
        "social": [social_post(page)[0]],
        "video": [*video_box(page)[:2], VIDEO_DURATION],
    }[part]


def summary_lines(page: TextPage) -> list[str]:
    """A summary box's label and its points (thirty-seventh pass, text)."""
    label, points = SUMMARY_BOXES[page.lang]
    return [label, *(point.format(n=3 + page.variant % 7) for point in points)]


def table_line(page: TextPage, row: tuple[str, str], columns: int = 0) -> str:
    """A table's row as trafilatura writes it: one cell's text, or a Markdown table's row (two columns); a no-break,
    narrow or thin space as a space (the text's normal form)."""
    label, value = row[0], " ".join(row[1].split())
    return f"| {label} | {value} |" if (columns or table_columns(page)) == 2 else f"{label} {value}"


def table_columns(page: TextPage, facts: bool = False) -> int:
    """A table's columns: one or two by the page's variant, an event's fact box two (`TextPage.event`)."""
    return 2 if page.variant % 2 or (facts and page.event) else 1


def fact_rows(page: TextPage) -> list[tuple[str, str]]:
    """The fact box's (label, value) rows: the language's box with its fare in the drawn form, or an event's box of
    a day and two fares of one form."""
    rows = FACTS[page.lang]
    fare = FARES[page.fare - 1] if page.fare else rows[1][1]
    if page.event:
        day_label, day, fare_label, reduced_label = EVENT_BOXES[page.lang]
        times = [(EVENT_TIME_LABELS[page.lang], EVENT_TIMES[page.event_time - 1])] if page.event_time else []
        return [(day_label, day), *times, (fare_label, fare), (reduced_label, REDUCED.get(fare, _reduced(fare)))]
    return [rows[0], (rows[1][0], fare), *rows[2:]]


def _reduced(fare: str) -> str:
    """A language's own fare (`FACTS`) halved, in its form: "2,40" to "1,20"."""
    return fare.replace("2,40", "1,20").replace("2.40", "1.20")


def data_rows(page: TextPage) -> list[tuple[str, str]]:
    """The story's data table: each line's riders' share, one form in the language's way of writing it."""
    label, share = DATA_TABLES[page.lang]
    return [(f"{label} {40 + number}", share.format(*whole)) for number, whole in enumerate(SHARES)]


# --- strategies ---------------------------------------------------------------------------------------------

@st.composite
def text_pages(draw: st.DrawFn, furniture: tuple[str, ...] = FURNITURE) -> TextPage:
    """A page: a story of 3-15 paragraphs (most of two to four sentences, some of one, some of five or six),
    its optional parts, a layout and a subset of the furniture in some order."""
    count = draw(st.integers(3, 15))
    sizes = list(draw(st.lists(st.sampled_from((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)), min_size=count, max_size=count)))
    while sum(sizes) > MAX_SENTENCES:  # no clause twice: trim the longest paragraph
        sizes[sizes.index(max(sizes))] -= 1
    inner = st.integers(1, count - 1)
    subheads = tuple(sorted(draw(st.sets(inner, max_size=min(3, count - 1)))))
    optional = st.one_of(st.none(), st.integers(0, count - 1))
    return TextPage(
        lang=draw(st.sampled_from(LANGS)), sizes=tuple(sizes), variant=draw(st.integers(0, 99)),
        standfirst=draw(st.booleans()), subheads=subheads, list_at=draw(optional), lead_in=draw(st.booleans()),
        data_table=draw(st.booleans()), quote_at=draw(optional),
        last_line=draw(st.one_of(st.none(), st.integers(0, 1))), mention_at=draw(optional),
        layout=draw(st.sampled_from(LAYOUTS)), body_class=draw(st.integers(0, len(BODY_CLASSES) - 1)),
        hashed=draw(st.booleans()), inside=draw(st.booleans()),
        furniture=tuple(draw(st.permutations(draw(st.lists(st.sampled_from(furniture), unique=True))))),
        fare=draw(st.integers(0, len(FARES))), event=draw(st.booleans()),
        event_time=draw(st.integers(0, len(EVENT_TIMES))),
    )
