"""Corrections of trafilatura's text from the page's title, lead and JSON-LD (newsflow.refine)."""

from __future__ import annotations

import json
from html import escape as html_escape

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newsflow.extract import extract_article, refined_text
from newsflow.extract import page_tree as load_html
from newsflow.refine import (
    article_body_rescue,
    drop_marked_lines,
    drop_related_tail,
    drop_unconfirmed_lines,
    json_ld_article_body,
    restore_lead,
)
from newsflow.subheads import shown_headings
from newsflow.text import normalize_text
from newsflow.titleline import drop_title_line

PARAGRAPH = "The council met on Tuesday and approved the budget for schools, roads and the new library downtown."
LEAD = "A long night of debate ends with a budget that pleases almost nobody in the city hall."


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_a_first_line_that_rewords_the_title_is_dropped() -> None:
    text = f"Council approves budget: schools win\n{PARAGRAPH}"
    assert drop_title_line(text, "Council approves budget \u2013 schools win big") == PARAGRAPH


def test_short_lines_above_the_headline_go_with_it() -> None:
    text = f"FAQ\nCouncil approves budget: schools win\n{PARAGRAPH}"
    assert drop_title_line(text, "Council approves budget \u2013 schools win big") == PARAGRAPH


def test_a_headline_shown_twice_goes_twice() -> None:
    text = f"Council approves budget\nFAQ\nCouncil approves the budget: schools win\n{PARAGRAPH}"
    assert drop_title_line(text, "Council approves budget: schools win") == PARAGRAPH


def test_the_page_h1_is_the_headline_even_when_the_title_words_it_otherwise() -> None:
    text = f"Budget row: mayor wins late-night vote over school repairs\n{PARAGRAPH}"
    title = "City council approves 2025 budget"  # the <title> written for search engines
    assert drop_title_line(text, title) == text
    assert drop_title_line(text, title, ["Budget row: mayor wins late-night vote over school repairs"]) == PARAGRAPH


def test_a_headline_below_a_real_paragraph_is_not_looked_for() -> None:
    text = f"{PARAGRAPH}\nCouncil approves budget\n{PARAGRAPH}"
    assert drop_title_line(text, "Council approves budget") == text


def test_extract_article_drops_the_h1_headline_that_differs_from_the_title() -> None:
    # The page's title (og:title, written for search) and its <h1> word the story differently, and
    # the article container repeats the <h1>: trafilatura keeps that line.
    headline = "Budget row: mayor wins late-night vote"
    seo_title = "City council approves 2025 budget"
    body = (f"<header><h1>{headline}</h1></header>"
            f"<article><p class='headline'>{headline}</p><p>{PARAGRAPH}</p><p>{LEAD}</p></article>")
    html = page(body, f'<title>{seo_title}</title><meta property="og:title" content="{seo_title}">')
    article = extract_article(html, "https://news.example/budget-row")
    assert article is not None and article.title == seo_title
    assert article.text.split("\n") == [PARAGRAPH, LEAD]


def test_a_first_line_unlike_the_title_stays() -> None:
    text = f"By Ann Lee, city reporter\n{PARAGRAPH}"
    assert drop_title_line(text, "Council approves budget") == text


def test_a_text_of_one_line_is_never_emptied() -> None:
    assert drop_title_line("Council approves budget", "Council approves budget") == "Council approves budget"


def test_a_lead_the_page_shows_is_restored_as_the_first_paragraph() -> None:
    tree = load_html(page(f"<p class='standfirst'>{LEAD}</p><article><p>{PARAGRAPH}</p></article>"))
    assert restore_lead(PARAGRAPH, LEAD, tree) == f"{LEAD}\n{PARAGRAPH}"


def test_a_description_only_in_meta_or_json_ld_is_not_added() -> None:
    ld = json.dumps({"@type": "NewsArticle", "description": LEAD})
    head = f'<meta name="description" content="{LEAD}"><script type="application/ld+json">{ld}</script>'
    tree = load_html(page(f"<article><p>{PARAGRAPH}</p></article>", head))
    assert restore_lead(PARAGRAPH, LEAD, tree) == PARAGRAPH


def test_a_lead_already_in_the_text_is_not_repeated() -> None:
    text = f"{LEAD}\n{PARAGRAPH}"
    tree = load_html(page(f"<p>{LEAD}</p><p>{PARAGRAPH}</p>"))
    assert restore_lead(text, LEAD, tree) == text


def test_a_lead_whose_words_the_story_scatters_is_still_restored() -> None:
    # Every word of the lead is somewhere in the story, but no paragraph says it: it is missing.
    scattered = [
        "The debate on the budget ran through a long night.",
        "Staff in the city hall worked until dawn, a spokesperson said.",
        "The plan that passed pleases almost nobody, one member said, and it ends a year's work.",
    ]
    text = "\n".join(scattered)
    paragraphs = "".join(f"<p>{line}</p>" for line in scattered)
    tree = load_html(page(f"<p class='standfirst'>{LEAD}</p><article>{paragraphs}</article>"))
    assert restore_lead(text, LEAD, tree) == f"{LEAD}\n{text}"


def test_a_lead_split_over_the_first_lines_is_not_repeated() -> None:
    text = f"A long night of debate ends\nwith a budget that pleases almost nobody in the city hall.\n{PARAGRAPH}"
    tree = load_html(page(f"<p>{LEAD}</p><p>{PARAGRAPH}</p>"))
    assert restore_lead(text, LEAD, tree) == text


def test_a_description_that_is_the_headline_is_not_a_lead() -> None:
    headline = "Budget approved after a long night of debate in the city hall of Riverside"
    tree = load_html(page(f"<h1>{headline}</h1><article><p>{PARAGRAPH}</p></article>"))
    assert restore_lead(PARAGRAPH, headline, tree, headline) == PARAGRAPH
    assert restore_lead(PARAGRAPH, headline, tree, "Riverside budget") == PARAGRAPH  # the page's <h1>


def test_a_description_cut_short_restores_the_whole_lead_the_page_shows() -> None:
    cut = "A long night of debate ends with a budget that pleases ..."
    tree = load_html(page(f"<div class='hook'><div>{LEAD}</div></div><article><p>{PARAGRAPH}</p></article>"))
    assert restore_lead(PARAGRAPH, cut, tree) == f"{LEAD}\n{PARAGRAPH}"


def test_a_description_cut_short_never_brings_back_a_whole_body() -> None:
    cut = "A long night of debate ends with a budget that pleases …"
    body = " ".join([LEAD, *[PARAGRAPH] * 5])
    tree = load_html(page(f"<article><p>{body}</p></article>"))
    assert restore_lead(PARAGRAPH, cut, tree) == PARAGRAPH


def test_json_ld_article_body_replaces_a_stub_text() -> None:
    body = " ".join([PARAGRAPH] * 4)
    ld = json.dumps({"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", "articleBody": body}]})
    script = f'<script type="application/ld+json">{ld}</script>'
    tree = load_html(page("<div id='app'>Loading the story…</div>", script))
    assert json_ld_article_body(tree) == body
    assert article_body_rescue("Loading the story…", tree) == body


def test_json_ld_article_body_never_replaces_a_real_text() -> None:
    text = "\n".join([PARAGRAPH] * 4)
    ld = json.dumps({"@type": "NewsArticle", "articleBody": " ".join([PARAGRAPH] * 40)})
    tree = load_html(page(f"<p>{PARAGRAPH}</p>", f'<script type="application/ld+json">{ld}</script>'))
    assert article_body_rescue(text, tree) == text


def test_broken_json_ld_is_ignored() -> None:
    tree = load_html(page("<p>x</p>", '<script type="application/ld+json">{"articleBody": </script>'))
    assert json_ld_article_body(tree) is None


def test_extract_article_uses_json_ld_when_the_page_renders_its_text_from_scripts() -> None:
    body = " ".join([PARAGRAPH] * 4)
    ld = json.dumps({"@type": "NewsArticle", "headline": "Budget", "articleBody": body})
    notice = "Please enable JavaScript to read this story, thanks for your patience and support today."
    html = page(f"<main><h1>Budget</h1><p>{notice}</p></main>",
                f'<title>Budget</title><script type="application/ld+json">{ld}</script>')
    article = extract_article(html, "https://news.example/budget")
    assert article is not None
    assert article.text == body


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60), max_size=6),
    title=st.one_of(st.none(), st.text(max_size=40)),
    description=st.one_of(st.none(), st.text(max_size=80)),
)
def test_refined_text_stays_in_normal_form(lines: list[str], title: str | None, description: str | None) -> None:
    text = normalize_text("\n".join(lines))
    visible = html_escape(description or "")
    tree = load_html(page(f"<p>{visible}</p><p>{html_escape(' '.join(lines))}</p>"))
    if tree is None:
        return
    refined = refined_text(text, title, description, tree)
    assert refined == normalize_text(refined)
    kept = set(refined.split("\n")) - {""}  # every line may go ("Read more" alone): an empty text is in normal form
    assert kept <= set(text.split("\n")) | {normalize_text(description or "").replace("\n", " ")}


def test_lines_a_boilerplate_marker_opens_are_dropped() -> None:
    text = "\n".join([PARAGRAPH, "PUEDES VER: ¿Qué es la Sunedu y para qué sirve?", PARAGRAPH,
                      "Czytaj też: Atomowy straszak Putina", "Read more:", "Council to vote on parking fees",
                      PARAGRAPH])
    assert drop_marked_lines(text) == "\n".join([PARAGRAPH] * 3)


def test_calls_to_the_reader_at_the_end_of_a_story_are_dropped() -> None:
    calls = ["Got a story? Get in touch with our news team by emailing us at webnews@example.test.",
             "Do you have a story to tell? Email: reporter@example.test", "Join our commenting forum",
             "Please read our Comment Policy before commenting.", "We want to hear what you think about this article.",
             "For more stories like this, check our news page."]
    assert drop_marked_lines("\n".join([PARAGRAPH, *calls])) == PARAGRAPH


def test_a_long_paragraph_that_starts_like_a_marker_stays() -> None:
    long_line = "Read more carefully, the report says, and " + PARAGRAPH + " " + PARAGRAPH
    assert drop_marked_lines(f"{long_line}\n{PARAGRAPH}") == f"{long_line}\n{PARAGRAPH}"


def test_a_bare_marker_does_not_take_a_long_paragraph_with_it() -> None:
    long_line = " ".join([PARAGRAPH] * 2)
    assert drop_marked_lines(f"Read more\n{long_line}") == long_line


CAPTION = "Jane Roe and her grandson Tom beside the orchard gate"  # a caption, not a credit line (newsflow.furniture)


def test_a_short_line_the_second_opinion_lacks_is_dropped() -> None:
    text = "\n".join([PARAGRAPH, CAPTION, LEAD, PARAGRAPH, LEAD, "Most read in Football", PARAGRAPH])
    second_opinion = " ".join([PARAGRAPH, LEAD, PARAGRAPH, LEAD, PARAGRAPH])
    assert drop_unconfirmed_lines(text, second_opinion) == "\n".join([PARAGRAPH, LEAD, PARAGRAPH, LEAD, PARAGRAPH])


def test_lines_stay_when_the_second_opinion_disagrees_or_is_missing() -> None:
    text = "\n".join([PARAGRAPH, CAPTION, LEAD])
    assert drop_unconfirmed_lines(text, LEAD) == text  # too different: token F1 under 0.9
    assert drop_unconfirmed_lines(text, None) == text
    assert drop_unconfirmed_lines(text, "") == text


def test_a_long_paragraph_the_second_opinion_lacks_stays() -> None:
    other = "Officials said the new library will open in spring with longer hours and a larger reading room for all."
    text = "\n".join([PARAGRAPH, LEAD, other, PARAGRAPH, LEAD, PARAGRAPH])
    second_opinion = " ".join([PARAGRAPH, LEAD, PARAGRAPH, LEAD, PARAGRAPH])
    assert drop_unconfirmed_lines(text, second_opinion) == text  # 21 words: over the short-line limit


SUBHEAD = "Where the money goes"


def test_a_subhead_between_story_paragraphs_stays_though_the_second_opinion_lacks_it() -> None:
    # JSON-LD articleBody is the story's paragraphs without their subheads (fundus El País, La Vanguardia).
    text = "\n".join([PARAGRAPH, LEAD, SUBHEAD, PARAGRAPH, LEAD])
    second_opinion = " ".join([PARAGRAPH, LEAD, PARAGRAPH, LEAD])
    assert drop_unconfirmed_lines(text, second_opinion, frozenset({SUBHEAD})) == text
    assert drop_unconfirmed_lines(text, second_opinion) == "\n".join([PARAGRAPH, LEAD, PARAGRAPH, LEAD])


def test_a_heading_with_no_story_paragraph_on_one_side_still_goes() -> None:
    second_opinion = " ".join([PARAGRAPH, LEAD, PARAGRAPH])
    headings = frozenset({SUBHEAD, "Most read", "Flooding closes the coast road again"})
    above_teasers = "\n".join([PARAGRAPH, LEAD, PARAGRAPH, "Most read", "Flooding closes the coast road again"])
    assert drop_unconfirmed_lines(above_teasers, second_opinion, headings) == "\n".join([PARAGRAPH, LEAD, PARAGRAPH])
    first = "\n".join([SUBHEAD, PARAGRAPH, LEAD, PARAGRAPH])
    assert drop_unconfirmed_lines(first, second_opinion, headings) == "\n".join([PARAGRAPH, LEAD, PARAGRAPH])


def test_only_headings_readability_shows_too_are_subheads() -> None:
    body = etree.fromstring(f"<body><head>{SUBHEAD}</head><p>{PARAGRAPH}</p><head>Most  read</head>"
                            "<head>\u00adWeather</head><head> </head></body>")
    readability = f"{PARAGRAPH} {SUBHEAD} {PARAGRAPH} Weather"
    assert shown_headings(readability, body, None) == frozenset({SUBHEAD, "Weather"})
    assert shown_headings(None, body) == frozenset()


def test_extract_article_keeps_a_subhead_the_json_ld_article_body_leaves_out() -> None:
    # Fails on main before the nineteenth pass: the articleBody check dropped every subhead.
    half = len(STORY_PARAGRAPHS) // 2
    story = "".join(f"<p>{paragraph}</p>" for paragraph in STORY_PARAGRAPHS[:half])
    story += f'<span class="content-subtitle"><h2>{SUBHEAD}</h2></span>'  # La Vanguardia's wrapper
    story += "".join(f"<p>{paragraph}</p>" for paragraph in STORY_PARAGRAPHS[half:])
    ld = json.dumps({"@type": "NewsArticle", "headline": "Budget", "articleBody": " ".join(STORY_PARAGRAPHS)})
    head = f'<title>Budget</title><script type="application/ld+json">{ld}</script>'
    article = extract_article(page(f"<article><h1>Budget</h1>{story}</article>", head), "https://news.example/budget")
    assert article is not None
    assert article.text == "\n".join([*STORY_PARAGRAPHS[:half], SUBHEAD, *STORY_PARAGRAPHS[half:]])


def test_extract_article_drops_a_box_heading_the_json_ld_article_body_leaves_out() -> None:
    # Reviewer, nineteenth pass: a newsletter form's or a player's heading alone in its box is no subhead.
    half = len(STORY_PARAGRAPHS) // 2
    ld = json.dumps({"@type": "NewsArticle", "headline": "Budget", "articleBody": " ".join(STORY_PARAGRAPHS)})
    head = f'<title>Budget</title><script type="application/ld+json">{ld}</script>'
    newsletter = '<h3>Get our morning briefing</h3><form><input type="email"><button>Subscribe</button></form>'
    player = '<h3>Listen to our podcast</h3><audio src="/podcast.mp3"></audio>'
    for box in (f"<div>{newsletter}</div>", f"<div>{player}</div>", f"<div><div>{player}</div></div>"):
        story = "".join(f"<p>{paragraph}</p>" for paragraph in STORY_PARAGRAPHS[:half]) + box
        story += "".join(f"<p>{paragraph}</p>" for paragraph in STORY_PARAGRAPHS[half:])
        article = extract_article(page(f"<article><h1>Budget</h1>{story}</article>", head), "https://news.example/b")
        assert article is not None
        assert article.text == "\n".join(STORY_PARAGRAPHS)


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.one_of(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
                             st.sampled_from([PARAGRAPH, SUBHEAD])), max_size=6),
    second_opinion=st.one_of(st.none(), st.text(max_size=200), st.just(f"{PARAGRAPH} {PARAGRAPH}")),
)
def test_unconfirmed_lines_leave_the_text_in_normal_form(lines: list[str], second_opinion: str | None) -> None:
    text = normalize_text("\n".join(lines))
    kept = drop_unconfirmed_lines(text, second_opinion, frozenset({SUBHEAD}))
    assert kept == normalize_text(kept)
    assert set(kept.split("\n")) <= set(text.split("\n")) | {""}
    in_story = f"{PARAGRAPH}\n{SUBHEAD}\n{PARAGRAPH}"
    assert (in_story in text) <= (SUBHEAD in kept.split("\n"))  # a subhead between paragraphs always stays


STORY_PARAGRAPHS = (
    PARAGRAPH, LEAD,
    "Teachers asked for smaller classes, and the mayor promised two new schools before the next election.",
    "Road repairs take the largest share, after a winter that left potholes on most streets of the east side.",
    "The library will open on Sundays again, a change that readers had demanded for almost ten years.",
    "Opposition members voted against the plan, saying the tax rise falls hardest on small shop owners.",
)  # fmt: skip


def test_extract_article_drops_a_credit_line_readability_leaves_out() -> None:
    # readability-lxml drops "remark" containers before scoring; trafilatura keeps the credit line.
    story = "".join(f"<p>{paragraph}</p>" for paragraph in STORY_PARAGRAPHS)
    credit = f'<div class="remark"><p>{CAPTION}</p></div>'
    html = page(f"<article><h1>Budget</h1>{story}{credit}</article>", "<title>Budget</title>")
    article = extract_article(html, "https://news.example/budget")
    assert article is not None
    assert article.text == "\n".join(STORY_PARAGRAPHS)


def test_extract_article_drops_a_credit_line_the_json_ld_article_body_leaves_out() -> None:
    # readability-lxml keeps this credit (a plain paragraph); the page's articleBody does not have it.
    story = "".join(f"<p>{paragraph}</p>" for paragraph in STORY_PARAGRAPHS)
    ld = json.dumps({"@type": "NewsArticle", "headline": "Budget", "articleBody": " ".join(STORY_PARAGRAPHS)})
    head = f'<title>Budget</title><script type="application/ld+json">{ld}</script>'
    html = page(f"<article><h1>Budget</h1>{story}<p>{CAPTION}</p></article>", head)
    without_ld = extract_article(page(f"<article><h1>Budget</h1>{story}<p>{CAPTION}</p></article>",
                                      "<title>Budget</title>"), "https://news.example/budget")
    assert without_ld is not None and CAPTION in without_ld.text
    article = extract_article(html, "https://news.example/budget")
    assert article is not None
    assert article.text == "\n".join(STORY_PARAGRAPHS)


STORY_LINES = [PARAGRAPH, LEAD, "The library will open in two years, the mayor said, if the builders keep to the plan."]
TEASERS = ["Flooding closes the coast road again", "The harbour ferry will run all winter for the first time in years."]
TEASER_PAGE = page(f"<article>{''.join(f'<p>{line}</p>' for line in STORY_LINES)}</article>"
                   f"<aside><h2>More from The Riverside Courier</h2><a href='/flood'>{TEASERS[0]}</a>"
                   f"<p>{TEASERS[1]}</p></aside>")


def test_a_block_of_other_stories_at_the_end_is_dropped_from_its_heading() -> None:
    text = "\n".join([*STORY_LINES, "More from The Riverside Courier", *TEASERS])
    assert drop_related_tail(text, load_html(TEASER_PAGE)) == "\n".join(STORY_LINES)


def test_the_story_going_on_after_a_widget_heading_stays() -> None:
    # "Most read in Football" heads a widget inside the story; what follows is the story, not links.
    quotes = ['"Your life changes," he said.', '"I was there when he started to walk, and I will not forget it."']
    text = "\n".join([*STORY_LINES, "Most read in Football", *quotes])
    tree = load_html(page(f"<article>{''.join(f'<p>{line}</p>' for line in [*STORY_LINES, *quotes])}</article>"))
    assert drop_related_tail(text, tree) == text


def test_a_related_heading_followed_by_a_long_paragraph_stays() -> None:
    long_paragraph = " ".join([PARAGRAPH] * 3)
    text = "\n".join([*STORY_LINES, "Popular", long_paragraph, *TEASERS])
    assert drop_related_tail(text, load_html(TEASER_PAGE)) == text


def test_a_related_heading_in_the_first_half_of_the_text_stays() -> None:
    text = "\n".join(["Related", *STORY_LINES, *TEASERS, PARAGRAPH])
    assert drop_related_tail(text, load_html(TEASER_PAGE)) == text


def test_notices_to_the_reader_are_dropped_wherever_their_phrase_is() -> None:
    notices = [
        "Il vous reste 57% de cet article à lire. La suite est réservée aux abonnés.",
        "Ich bin damit einverstanden, dass mir der externe Inhalt angezeigt wird.",
        "Sign up (it's quick and free) or sign in now.",
    ]
    text = "\n".join([PARAGRAPH, *notices, LEAD])
    assert drop_marked_lines(text) == f"{PARAGRAPH}\n{LEAD}"


def test_a_long_paragraph_with_a_notice_phrase_stays() -> None:
    long_paragraph = f"{PARAGRAPH} Readers who want to continue reading the minutes can ask the clerk. " * 3
    text = f"{PARAGRAPH}\n{long_paragraph.strip()}"
    assert drop_marked_lines(text) == text


def test_the_names_split_into_markedlines_are_still_refines() -> None:
    """tidy21 moved the marked-line rule to `newsflow.markedlines`; its public names stay importable
    from `newsflow.refine`, their old home (docs/extraction.md, "Tidy 21")."""
    from newsflow import markedlines, refine

    for name in ("drop_marked_lines", "BOILERPLATE_MARKERS", "NOTICE_PHRASES"):
        assert getattr(refine, name) is getattr(markedlines, name)
