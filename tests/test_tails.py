"""What pages put after the story (`newsflow.tails`): the block readability-lxml lacks, other stories' links."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.extract import extract_article, page_tree
from newsflow.tails import (
    drop_linked_tail,
    drop_reader_call,
    drop_signature_line,
    drop_story_tail,
    drop_unconfirmed_tail,
)
from newsflow.text import normalize_text

STORY = (
    "The council met on Tuesday and approved the budget for schools, roads and the new library after a debate.",
    "Teachers asked for smaller classes, and the mayor promised two new schools before the next election in spring.",
    "Road repairs take the largest share, after a winter that left potholes on most streets of the east side.",
    "Officials said the new library will open in spring with longer hours and a larger reading room for all residents.",
    "The opposition voted against the plan and said the city would have to borrow more money again within two years.",
)
APPEAL = (
    "Independent journalism costs money. Readers like you keep this newspaper free for everyone, so please support "
    "our work with a small monthly contribution today if you can afford it."
)


def test_a_long_appeal_after_the_story_that_readability_lacks_is_dropped() -> None:
    text = "\n".join([*STORY, APPEAL])
    assert drop_unconfirmed_tail(text, " ".join(STORY)) == "\n".join(STORY)


def test_the_tail_stays_when_the_second_opinion_disagrees_or_is_missing() -> None:
    text = "\n".join([*STORY, APPEAL])
    assert drop_unconfirmed_tail(text, " ".join(STORY[:2])) == text  # token F1 under 0.8: another container
    assert drop_unconfirmed_tail(text, None) == text
    assert drop_unconfirmed_tail(text, "") == text


def test_a_tail_of_over_a_third_of_the_text_stays() -> None:
    text = "\n".join([*STORY[:3], *STORY[3:], APPEAL])
    second_opinion = " ".join(STORY[:3])  # readability stopped early: the story's end is not boilerplate
    assert drop_unconfirmed_tail(text, second_opinion) == text


def test_lines_readability_lacks_at_the_start_stay() -> None:
    text = "\n".join([APPEAL, *STORY])
    assert drop_unconfirmed_tail(text, " ".join(STORY)) == text


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60), max_size=6),
    second_opinion=st.one_of(st.none(), st.text(max_size=200)),
)
def test_the_tail_rule_leaves_a_prefix_in_normal_form(lines: list[str], second_opinion: str | None) -> None:
    text = normalize_text("\n".join(lines))
    kept = drop_unconfirmed_tail(text, second_opinion)
    assert kept == normalize_text(kept)
    assert text.startswith(kept)


def test_extract_article_drops_a_support_box_readability_leaves_out() -> None:
    # readability-lxml drops a block with more form inputs than paragraphs; trafilatura keeps its text.
    body = "".join(f"<p>{paragraph}</p>" for paragraph in STORY)
    html = (
        "<html><head><title>Council approves budget</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Council approves budget</h1>{body}<div class='appeal'><h3>Support our journalism</h3>"
        f"<p>{APPEAL}</p><input type='radio' name='a' value='5'><input type='radio' name='a' value='10'></div>"
        "</article><footer><p>Copyright 2026 The Riverside Tribune</p></footer></body></html>"
    )
    article = extract_article(html, "https://riverside.example/news/budget")
    assert article is not None
    assert article.text == "\n".join(STORY)


TEASERS = (
    "-Flood warning lifted for the river towns after a week of rain",
    "-The bakery that has fed the old town for a hundred years closes its doors",
)
TEASER_LINKS = "".join(f"<li><a href='/news/{n}'>{teaser.lstrip('-')}</a></li>" for n, teaser in enumerate(TEASERS))
LINKED_PAGE = f"<html><body><article><p>story</p></article><ul>{TEASER_LINKS}</ul></body></html>"


def test_other_stories_linked_headlines_at_the_end_are_dropped() -> None:
    text = "\n".join([*STORY, *TEASERS])
    assert drop_linked_tail(text, page_tree(LINKED_PAGE)) == "\n".join(STORY)


def test_one_linked_last_line_stays() -> None:
    text = "\n".join([*STORY, TEASERS[0]])
    assert drop_linked_tail(text, page_tree(LINKED_PAGE)) == text


def test_lines_that_are_no_links_text_stay() -> None:
    text = "\n".join([*STORY, *TEASERS])
    unlinked = "<html><body><article><p>story</p></article><a href='/'>Home page of the paper</a></body></html>"
    assert drop_linked_tail(text, page_tree(unlinked)) == text


def test_a_linked_run_of_over_a_third_of_the_text_stays() -> None:
    text = "\n".join([STORY[0], *TEASERS])
    assert drop_linked_tail(text, page_tree(LINKED_PAGE)) == text


def test_a_signature_as_the_last_line_is_dropped() -> None:
    story = "\n".join(STORY)
    for signature in ("aja/PAP", "(dpa)", "(grh)", "jm/AFP/Reuters", "DS"):
        assert drop_signature_line(f"{story}\n{signature}") == story, signature


def test_a_short_last_line_of_words_or_numbers_stays() -> None:
    for last in ("The end came.", "2024", "Wochenblatt is closing", "MEDELLÍN"):
        text = "\n".join([*STORY, last])
        assert drop_signature_line(text) == text, last
    assert drop_signature_line("aja/PAP") == "aja/PAP"  # never the whole text


@settings(max_examples=80, deadline=None)
@given(
    lines=st.lists(
        st.one_of(st.sampled_from([*STORY, *TEASERS, APPEAL, "aja/PAP", "(dpa)"]), st.text(max_size=40)), max_size=8
    ),
    second_opinion=st.one_of(st.none(), st.sampled_from([" ".join(STORY), " ".join(STORY[:2])]), st.text(max_size=80)),
)
def test_the_tail_rules_keep_a_non_empty_prefix_in_normal_form(lines: list[str], second_opinion: str | None) -> None:
    text = normalize_text("\n".join(lines))
    kept = drop_story_tail(text, second_opinion, page_tree(LINKED_PAGE))
    assert kept == normalize_text(kept)
    assert text.startswith(kept)
    assert bool(kept) == bool(text)


SUMMARIES = ("The ferries to the islands run again from Monday.", "Its owners retire after forty years.")
SUMMARY_CARDS = "".join(
    f"<div class='card'><h4><a href='/news/{n}'>{teaser.lstrip('-')}</a></h4><p>{summary}</p></div>"
    for n, (teaser, summary) in enumerate(zip(TEASERS, SUMMARIES, strict=True))
)
SUMMARY_PAGE = f"<html><body><article><p>story</p></article><div class='more'>{SUMMARY_CARDS}</div></body></html>"


def test_teasers_with_a_summary_under_each_linked_headline_are_dropped_with_their_heading() -> None:
    teasers = [line for pair in zip(TEASERS, SUMMARIES, strict=True) for line in pair]
    story = [*STORY, APPEAL]  # the teasers are under three tenths of the words
    text = "\n".join([*story, "Other Opinion Columns", *teasers])
    assert drop_linked_tail(text, page_tree(SUMMARY_PAGE)) == "\n".join(story)


def test_the_story_s_last_paragraph_under_one_linked_line_stays() -> None:
    text = "\n".join([*STORY, TEASERS[0], SUMMARIES[0]])
    assert drop_linked_tail(text, page_tree(SUMMARY_PAGE)) == text


def test_the_story_s_closing_paragraph_after_a_list_of_links_stays() -> None:
    # statisticsglobe, hold-out tune half: "- Increase Font Size in Base R Plot", "- R Graphics Gallery", then
    # "On this page you learned how to ...": one unlinked line under linked ones is no teaser's summary
    text = "\n".join([*STORY, *TEASERS, SUMMARIES[0]])
    assert drop_linked_tail(text, page_tree(SUMMARY_PAGE)) == text
    assert drop_linked_tail("\n".join([*STORY, *TEASERS]), page_tree(SUMMARY_PAGE)) == "\n".join(STORY)


LONG_SUMMARIES = tuple(f"{summary} {APPEAL}" for summary in SUMMARIES)  # cards of 35+ words each
WRAPPED_CARDS = "".join(
    f"<li><a href='/news/{n}'><div><p>{summary}</p></div></a></li>" for n, summary in enumerate(LONG_SUMMARIES)
)
WRAPPED_PAGE = f"<html><body><article><p>story</p></article><ul>{WRAPPED_CARDS}</ul></body></html>"


def test_long_lines_inside_links_that_wrap_a_card_are_dropped_up_to_three_fifths_of_the_text() -> None:
    text = "\n".join([*STORY[:4], *LONG_SUMMARIES])  # the cards are over half of the words
    assert drop_linked_tail(text, page_tree(WRAPPED_PAGE)) == "\n".join(STORY[:4])
    unwrapped = WRAPPED_PAGE.replace("<a href='/news/0'>", "").replace("<a href='/news/1'>", "")
    assert drop_linked_tail(text, page_tree(unwrapped)) == text


def test_a_run_of_cards_of_over_three_fifths_of_the_text_stays() -> None:
    text = "\n".join([STORY[0], *LONG_SUMMARIES])
    assert drop_linked_tail(text, page_tree(WRAPPED_PAGE)) == text


def _story_page(after: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    return (f"<html><body><article><h1>Council approves budget</h1><div class='body'>{paragraphs}{after}</div>"
            "</article></body></html>")


def test_a_last_line_that_sends_the_reader_to_a_link_is_dropped() -> None:
    for call, block in (
        ("All further information on the vote can be found by you here.",
         "<p>All further information on the vote can be found by you <a href='/vote'>here</a>.</p>"),
        ("Alle weiteren Informationen zur Abstimmung findet ihr hier.",
         "<p>Alle weiteren Informationen zur Abstimmung findet ihr <a href='/x'>hier</a>.</p>"),
        ("Die kompletten Ergebnisse finden Sie in unserer Ergebnisrubrik.",
         "<div><a href='/results'><span>Die kompletten Ergebnisse finden Sie in unserer Ergebnisrubrik.</span>"
         "</a></div>"),
        ("If you're on the app, click here to watch live",
         "<p>If you're on the app, <button>click here to watch live</button></p>"),
    ):
        text = "\n".join([*STORY, call])
        assert drop_reader_call(text, page_tree(_story_page(block))) == "\n".join(STORY), call


def test_a_closing_line_without_a_link_a_quote_or_not_to_the_reader_stays() -> None:
    cases = (
        ("Voters will decide in March whether you can keep the old library.",
         "<p>Voters will decide in March whether you can keep the old library.</p>"),  # no link: the story's
        ("\u201cIf you want a library, vote for it,\u201d the mayor said.",
         "<p>\u201cIf you want a library, <a href='/x'>vote for it</a>,\u201d the mayor said.</p>"),  # a quote
        ("Die Stadt hat sie im Mai vorgestellt.", "<p>Die Stadt hat <a href='/x'>sie</a> im Mai vorgestellt.</p>"),
        ("The full report is on the council's website.", "<p>The full report is on the <a href='/r'>website</a>.</p>"),
    )
    for line, block in cases:
        text = "\n".join([*STORY, line])
        assert drop_reader_call(text, page_tree(_story_page(block))) == text, line
    long_call = "You can read " + "more and more about the council's budget and its many details " * 3 + "here."
    long_text = "\n".join([*STORY, long_call])
    page = _story_page(f"<p>{long_call[:-5]}<a href='/x'>here</a>.</p>")
    assert drop_reader_call(long_text, page_tree(page)) == long_text  # over 25 words: the story's own


def test_a_reader_call_in_a_two_line_text_stays() -> None:
    text = f"{STORY[0]}\nSign up for our newsletter here, you will like it."
    page = _story_page("<p>Sign up for our newsletter <a href='/n'>here</a>, you will like it.</p>")
    assert drop_reader_call(text, page_tree(page)) == text


def test_extraction_drops_a_reader_call_below_the_story() -> None:
    call = "<p>Alle weiteren Informationen zur Abstimmung findet ihr <a href='/x'>hier</a>.</p>"
    article = extract_article(_story_page(call), "https://news.example/council")
    assert article is not None
    assert article.text.split("\n")[-1] == STORY[-1]
