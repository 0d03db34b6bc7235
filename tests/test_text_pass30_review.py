"""Review of the thirtieth text pass: pages of the same shapes as its rules' examples on which a rule lost the
story's words (hand-written, none copied from a site)."""

from __future__ import annotations

import time

from newsflow.captions import drop_alt_captions
from newsflow.extract import extract_article, page_tree
from newsflow.markedlines import drop_marked_lines
from newsflow.storystart import drop_start_furniture

HEADLINE = "Council passes the budget by one vote"
BODY = (
    "The council met on Monday to vote on the budget for the coming year, and the vote was close after a debate.",
    "Repairs to the harbour took two years instead of one, after the shipyard found rust in the pier's piles.",
    "Commuters had used a bus around the bay during the repairs, which added half an hour to each trip home.",
)
TEXT = "\n".join(BODY)
PARAGRAPHS = "".join(f"<p>{line}</p>" for line in BODY)
URL = "https://bay.example/news/budget"


def _page(body: str) -> str:
    return (
        f"<html><head><title>{HEADLINE} | Bay News</title></head><body><article><h1>{HEADLINE}</h1>"
        f"<div class='body'>{body}</div></article></body></html>"
    )


def _text(body: str) -> str:
    article = extract_article(_page(body), URL)
    assert article is not None
    return article.text


def test_a_short_first_line_before_a_subheads_h1_stays() -> None:
    """A site that sets its subheads as <h1>s: the story's short first line right before one is no kicker (a
    kicker stands over the page's headline, the <h1> its title repeats)."""
    first = "BAY CITY — The vote came late on Monday."
    body = f"<p>{first}</p><h1>What the budget holds</h1>{PARAGRAPHS}"
    assert drop_start_furniture(f"{first}\nWhat the budget holds\n{TEXT}", page_tree(_page(body))).startswith(first)
    assert _text(body).startswith(first)


def test_a_chat_quoted_with_two_arrows_stays() -> None:
    """Lines quoted from a chat or a mail with ">>" are the story's; a ">>" teaser links to another page."""
    lines = ("&gt;&gt; are you still at the office? we need to talk about the money", "&gt;&gt; yes, come over")
    text = _text("<p>The messages began on a Friday night.</p>" + "".join(f"<p>{x}</p>" for x in lines) + PARAGRAPHS)
    assert ">> yes, come over" in text.split("\n")
    teaser = f"<p>&gt;&gt; Here you find <a href='/dates'>every date of the bank's meetings</a></p>{PARAGRAPHS}"
    assert not any(line.startswith(">>") for line in _text(PARAGRAPHS + teaser).split("\n"))


def test_a_story_line_about_an_investment_disclaimer_stays() -> None:
    """The formula in a story's line with story below it is reported, not the page's notice (which stands under
    the story)."""
    line = "Influencers add that their videos do not constitute investment advice, but the regulator disagrees."
    assert drop_marked_lines(f"{BODY[0]}\n{line}\n{TEXT}") == f"{BODY[0]}\n{line}\n{TEXT}"
    assert line in _text(f"{PARAGRAPHS[:200]}<p>{line}</p>{PARAGRAPHS}").split("\n")


def test_a_first_line_equal_to_a_pictures_alt_stays() -> None:
    """A picture in the story's container whose alt repeats the first line: the container is no picture's
    wrapper (it holds the story), so the line is no caption."""
    first = "The council passed the budget by one vote on Monday."
    page = page_tree(_page(f"<img src='a.jpg' alt='{first}'><p>{first}</p>{PARAGRAPHS}"))
    assert drop_alt_captions(f"{first}\n{TEXT}", page) == f"{first}\n{TEXT}"


def test_a_new_window_hint_quoted_in_a_story_stays() -> None:
    """A hint is dropped where the page's links carry it; a story quoting a mail's "(opens in new window)" in a
    page whose links carry none keeps its words."""
    line = 'The mail said: "Click on the link (opens in new window) and enter your password." The bank denied it.'
    assert line in _text(f"{PARAGRAPHS}<p>{line}</p>").split("\n")


def test_the_rules_stay_cheap_on_a_page_of_50000_elements() -> None:
    pictures = "".join(f"<div><img src='{n}.jpg' alt='Picture {n}'><p>Picture {n}</p></div>" for n in range(10_000))
    headings = "".join(f"<p>Kicker {n}</p><h1>Heading {n}</h1>" for n in range(10_000))
    tree = page_tree(_page(pictures + headings))
    started = time.process_time()
    drop_alt_captions(TEXT, tree)
    drop_start_furniture(TEXT, tree)
    assert time.process_time() - started < 1.0


def test_a_standfirst_that_opens_with_the_headlines_words_is_restored() -> None:
    """A short headline's words open the standfirst ("Storm hits the coast" / "A storm hits the coast of
    Normandy, …"): no kicker-and-headline block (a kicker stands before the headline, in a few words)."""
    from newsflow.standfirst import restore_standfirst

    headline = "Storm hits the coast"
    standfirst = "A storm hits the coast of Normandy, leaving twenty thousand homes without power on Sunday night."
    page = (
        f"<html><head><title>{headline} | Coast News</title></head><body><article><header><h1>{headline}</h1>"
        f"<p class='intro'>{standfirst}</p></header><div class='story'>{PARAGRAPHS}</div></article></body></html>"
    )
    assert restore_standfirst(TEXT, page_tree(page), headline) == f"{standfirst}\n{TEXT}"


def test_nested_h1s_holding_a_hostile_page_are_not_each_read_whole_for_a_cut_title() -> None:
    # the lead's reading after the merge: rule 3 read every <h1>'s whole text; 100 nested <h1>s (lxml keeps that
    # many) each holding the rest of a 400 KB page cost 0.5 s of CPU, now a few ms
    from newsflow.extract import _title_uncut

    body = "".join("<h1><div>" + "word " * 200 for _ in range(400)) + "</div></h1>" * 400
    tree = page_tree(f"<html><head><title>Hello world</title></head><body>{body}</body></html>")
    started = time.process_time()
    assert _title_uncut("Hello world", tree) == "Hello world"
    assert time.process_time() - started < 0.1
    cut = page_tree('<html><head><title>x</title></head><body><h1>Sieger und "royaler Besuch"</h1></body></html>')
    assert _title_uncut("Sieger und ", cut) == 'Sieger und "royaler Besuch"'
