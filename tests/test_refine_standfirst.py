"""The standfirst between a story's headline and its first line (`newsflow.standfirst`): put back when
the text lacks it, and only then. Hand-written pages; the classes are those of the tenth text pass."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.extract import extract_article, page_tree
from newsflow.furniture import is_dated_line
from newsflow.standfirst import restore_standfirst
from newsflow.text import normalize_text

STANDFIRST = "The council has approved the new budget after a long debate. Schools and roads get the largest share."
BODY = (
    "The council met on Tuesday evening and voted for the budget by a clear majority after four hours of debate.",
    "Teachers had asked for smaller classes, and the mayor promised two new schools before the next election.",
    "Road repairs take the largest share, after a winter that left potholes on most streets of the east side.",
    "The opposition voted against the plan and said the city would have to borrow more money within two years.",
)
TEXT = "\n".join(BODY)


def _page(between: str, *, headline: str = "<h1>Council approves budget for schools and roads</h1>") -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY)
    return (
        "<html><head><title>Council approves budget for schools and roads | City News</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/city'>City</a></nav>"
        f"<article><header>{headline}{between}<p class='byline'>By Ann Example</p></header>"
        f"<div class='article-body'>{paragraphs}</div></article>"
        "<footer><p>© City News</p></footer></body></html>"
    )


def test_the_standfirst_under_the_headline_becomes_the_first_line() -> None:
    tree = page_tree(_page(f"<div class='article-teaser'>{STANDFIRST}</div>"))
    assert restore_standfirst(TEXT, tree) == f"{STANDFIRST}\n{TEXT}"


def test_a_subtitle_in_an_h2_is_a_standfirst_too() -> None:
    tree = page_tree(_page(f"<h2>{STANDFIRST}</h2>"))
    assert restore_standfirst(TEXT, tree) == f"{STANDFIRST}\n{TEXT}"


def test_extraction_keeps_the_standfirst_that_trafilatura_leaves_in_the_header() -> None:
    page = _page(f"<p class='intro'>{STANDFIRST}</p>")
    article = extract_article(page, "https://news.example/city/budget")
    assert article is not None
    assert article.text.split("\n")[:2] == [STANDFIRST, BODY[0]]


def test_a_standfirst_already_in_the_text_is_not_added_twice() -> None:
    tree = page_tree(_page(f"<p class='intro'>{STANDFIRST}</p>"))
    assert restore_standfirst(f"{STANDFIRST}\n{TEXT}", tree) == f"{STANDFIRST}\n{TEXT}"


def test_a_caption_a_gallery_blurb_or_a_photo_credit_is_no_standfirst() -> None:
    caption = "The council chamber on Tuesday evening, shortly before the vote on the budget for the coming year."
    for between in (
        f"<figure><img src='a.jpg'><figcaption>{caption}</figcaption></figure>",
        f"<div class='photo-caption'><p>{caption}</p></div>",
        f"<div class='wp-gallery'><div class='details'><div class='main'><div class='blurb'>{caption}"
        "</div></div></div></div>",
        f"<div class='CarouselSlide-info'><p>{caption}</p></div>",
        f"<p>{caption} (Photo: Jane Doe / City News)</p>",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(between))) == TEXT, between


def test_short_kickers_links_lists_and_the_headline_again_are_no_standfirst() -> None:
    linked = f"<p><a href='/other'>{STANDFIRST}</a></p>"
    listed = f"<ul><li>{STANDFIRST}</li></ul>"
    kicker = "<p>City politics: the budget vote.</p>"
    repeated = "<h2>Council approves budget for schools and roads, and the mayor is pleased with the vote.</h2>"
    unfinished = f"<p>{STANDFIRST[:-1]} and more to come</p>"
    for between in (linked, listed, kicker, repeated.replace(", and the mayor is pleased with the vote.", "."),
                    unfinished):
        assert restore_standfirst(TEXT, page_tree(_page(between))) == TEXT, between
    long_headline = "Council approves budget for schools and roads and more words than that."
    page = _page(f"<div class='kicker'>{long_headline}</div>", headline=f"<h1>{long_headline}</h1>")
    assert restore_standfirst(TEXT, page_tree(page)) == TEXT


def test_two_candidate_blocks_are_teasers_not_a_standfirst() -> None:
    other = "Elsewhere in the city, the new library opens its doors on Monday with longer hours for all readers."
    tree = page_tree(_page(f"<p class='intro'>{STANDFIRST}</p><p class='intro'>{other}</p>"))
    assert restore_standfirst(TEXT, tree) == TEXT


def test_nothing_changes_without_a_headline_above_the_story() -> None:
    tree = page_tree(_page(f"<p class='intro'>{STANDFIRST}</p>", headline="<h3>Council approves budget</h3>"))
    assert restore_standfirst(TEXT, tree) == TEXT
    below = page_tree(_page("").replace("</article>", f"<p class='intro'>{STANDFIRST}</p></article>"))
    assert restore_standfirst(TEXT, below) == TEXT


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_the_text_stays_in_normal_form(standfirst: str) -> None:
    page = _page(f"<p class='intro'>{standfirst}</p>".replace("\x00", ""))
    out = restore_standfirst(TEXT, page_tree(page))
    assert out == normalize_text(out)
    assert out.endswith(TEXT)


def test_a_dateline_under_the_headline_is_no_standfirst() -> None:
    """Eleventh pass: a dateline with the outlet, the byline or an update time run into it passes every
    other test (12+ words, it ends like a sentence); the ideographs of a Japanese date count as words."""
    for dateline in (
        "City News | 04.05.2015 at 13:36 • Updated 04.05.2015 at 15:21 | By Ann Example.",
        "By Ann Example - March 3, 2024, 2:15 PM EST - Updated March 3, 2024, 4:40 PM EST.",
        "2025年1月14日 01時28分 (1月14日 01時40分更新)",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(f"<p class='intro'>{dateline}</p>"))) == TEXT, dateline


def test_a_standfirst_that_names_a_date_is_still_one() -> None:
    dated = "The council approved the budget on 4 May 2015 at 13:36, after four hours. Schools get the most."
    tree = page_tree(_page(f"<p class='intro'>{dated}</p>"))
    assert restore_standfirst(TEXT, tree) == f"{dated}\n{TEXT}"


def test_a_dateline_with_a_byline_of_two_authors_is_no_standfirst() -> None:
    """Twelfth pass: the byline run into a dateline may name two authors, more words than an outlet's
    or a place's name; the line is a dateline still (the tenth pass's Le Monde misfire, by its class)."""
    for dateline in (
        "City News.com | 04.05.2015 à 13h36 • Mis à jour le 05.05.2015 à 09h12 | Par Ann Example et Bo Sample…",
        "City News | March 3, 2024, 2:15 PM EST | By Ann Example and Bo Sample (Reuters)",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(f"<p class='intro'>{dateline}</p>"))) == TEXT, dateline


def test_a_standfirst_that_opens_with_by_and_a_date_is_still_one() -> None:
    """The byline allowance is for a segment of a dated line only; a sentence opening with "By" and
    a year stays a standfirst."""
    sentence = "By 2030 the council wants two new schools in every district, it said on Tuesday. Roads come next."
    tree = page_tree(_page(f"<p class='intro'>{sentence}</p>"))
    assert restore_standfirst(TEXT, tree) == f"{sentence}\n{TEXT}"


def test_a_standfirst_styled_by_utility_classes_is_still_one() -> None:
    """Twelfth pass: utility classes name a style, not a block: a type-scale step ("caption-s5",
    "headline-lg"), "overflow-hidden" (clipped, not hidden) and a layout modifier naming what is beside
    the block ("hasRightSidebar") do not make the summary furniture."""
    for between in (
        f"<div class='hero overflow-hidden'><h2 class='teaser caption-s5-fx lg:text-18'>{STANDFIRST}</h2></div>",
        f"<div class='overflow-x-hidden'><p class='summary headline-lg'>{STANDFIRST}</p></div>",
        f"<p class='title-2 intro'>{STANDFIRST}</p>",
        f"<div class='layout-main hasRightSidebar'><div><p class='lead'>{STANDFIRST}</p></div></div>",
        f"<div class='content has-sidebar'><p class='lead'>{STANDFIRST}</p></div>",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(between))) == f"{STANDFIRST}\n{TEXT}", between


def test_a_caption_or_a_hidden_block_is_still_furniture() -> None:
    for between in (
        f"<div class='hidden'><p>{STANDFIRST}</p></div>",
        f"<p class='image-caption'>{STANDFIRST}</p>",
        f"<p class='headline'>{STANDFIRST}</p>",
        f"<div class='caption-text'><p>{STANDFIRST}</p></div>",
        f"<div class='right-sidebar'><p>{STANDFIRST}</p></div>",
        f"<div class='sidebar with-ads'><p>{STANDFIRST}</p></div>",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(between))) == TEXT, between


def test_a_block_named_a_standfirst_needs_no_full_stop() -> None:
    """Twelfth pass: many templates set the summary without a final full stop, a headline's way; a
    block whose class names a standfirst ("epigraph", "subheadline", "article-lead") is one still."""
    unpunctuated = STANDFIRST.rstrip(".")
    for between in (
        f"<h2 class='epigraph'>{unpunctuated}</h2>",
        f"<div class='article-lead'><h2>{unpunctuated}</h2></div>",
        f"<p id='subheadline'>{unpunctuated}</p>",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(between))) == f"{unpunctuated}\n{TEXT}", between


def test_an_unpunctuated_block_not_named_a_standfirst_is_none() -> None:
    """Without the name, a block with no full stop is a kicker, a teaser's headline or a tagline."""
    unpunctuated = STANDFIRST.rstrip(".")
    for between in (f"<h2>{unpunctuated}</h2>", f"<div class='article-top'><p>{unpunctuated}</p></div>"):
        assert restore_standfirst(TEXT, page_tree(_page(between))) == TEXT, between


def test_of_two_candidates_the_one_named_a_standfirst_is_taken() -> None:
    """Twelfth pass: beside the lead, a box that explains it ("This summary was written by a
    machine …") qualifies too; when one block alone is named a standfirst, it is the standfirst."""
    note = "This summary was generated automatically. We keep improving it and welcome your comments on it."
    between = f"<div class='t-article-lead'>{STANDFIRST}</div><div class='t-info rounded-lg'>{note}</div>"
    assert restore_standfirst(TEXT, page_tree(_page(between))) == f"{STANDFIRST}\n{TEXT}"
    both_named = f"<div class='teaser'>{STANDFIRST}</div><div class='teaser'>{note}</div>"
    assert restore_standfirst(TEXT, page_tree(_page(both_named))) == TEXT


def test_a_sentence_with_a_date_and_by_is_no_dated_line() -> None:
    """Review of the twelfth pass: "by", "di", "par" … are prepositions too; a clause after a dated one
    is a byline only after a bar or a bullet, or when it is names only."""
    sentence = "On 4 May 2015, by a vote of 310 to 290, MPs approved the bill."
    assert restore_standfirst(TEXT, page_tree(_page(f"<p class='intro'>{sentence}</p>"))) == f"{sentence}\n{TEXT}"
    assert not is_dated_line("Il 4 maggio 2015, di fronte a 300 persone, il sindaco ha parlato.")
    assert is_dated_line("4 May 2015, By Ursula von der Leyen and Jo Bloggs")
    assert is_dated_line("4 May 2015, Par Ann Example (avec Bo Sample et Cy)")


def test_a_lead_photos_caption_is_no_standfirst() -> None:
    """Review of the twelfth pass: a "lead" box with a picture holds the lead photo and its caption;
    a parent names a standfirst only by a whole name ("article-lead"), not by "lead" or "summary"."""
    caption = "Firefighters battle the blaze at the old warehouse on the east side of the city on Tuesday night"
    for between in (
        f"<div class='lead'><img src='fire.jpg'><p>{caption}</p></div>",
        f"<div class='lead'><a href='fire.jpg'><img src='fire.jpg'></a><p>{caption}</p></div>",
        f"<div class='summary'><p>{caption}</p></div>",
        f"<p class='lead'><img src='fire.jpg'>{caption}</p>",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(between))) == TEXT, between


def test_a_teaser_breaks_no_tie_between_two_candidates() -> None:
    """Review of the twelfth pass: of two qualifying blocks, one named "teaser" is a teaser card still."""
    note = "This summary was generated automatically. We keep improving it and welcome your comments on it."
    between = f"<p class='teaser'>{STANDFIRST}</p><p class='note'>{note}</p>"
    assert restore_standfirst(TEXT, page_tree(_page(between))) == TEXT


def test_a_standfirst_over_a_short_first_line_is_restored() -> None:
    """Review of the thirty-seventh pass: a story opening with a short line that is no label with a colon and stands
    over no list (a one- or two-word subhead, a bold label whose points trafilatura left out) lost its standfirst: the
    rule looked for a first line of under three words only in those two shapes."""
    for opening in ("Background", "The plan"):
        page = _page(f"<div class='article-teaser'>{STANDFIRST}</div>").replace(
            "<div class='article-body'>", f"<div class='article-body'><h2>{opening}</h2>")
        assert restore_standfirst(f"{opening}\n{TEXT}", page_tree(page)) == f"{STANDFIRST}\n{opening}\n{TEXT}"


def test_a_short_first_line_is_found_only_as_a_whole_block() -> None:
    """Guard: a short first line is looked for as a block's whole text, not as its start: "The plan" opens the
    standfirst itself here, and read as a start it would end the walk above the standfirst."""
    lead = f"The plan {STANDFIRST[0].lower()}{STANDFIRST[1:]}"
    page = _page(f"<div class='article-teaser'>{lead}</div>").replace(
        "<div class='article-body'>", "<div class='article-body'><h2>The plan</h2>")
    assert restore_standfirst(f"The plan\n{TEXT}", page_tree(page)) == f"{lead}\nThe plan\n{TEXT}"
