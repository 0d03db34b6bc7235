"""Hostile review of the twenty-eighth text pass (docs/extraction.md, "Twenty-eighth pass, text", "Review"):
hand-written pages that look like the pass's classes and are not (a split story's rest holding a share bar of
buttons or a licence's labels; a sentence that opens with a continue link's words), and a near copy of a short
story line in the rest."""

from __future__ import annotations

import time

import pytest
from lxml import html

from newsflow.completion import Block, complete_story
from newsflow.extract import extract_article
from newsflow.markedlines import drop_marked_lines
from newsflow.readabilityblocks import block_elements
from tests.test_text_rules_combined import REST, _split_story

URL = "https://www.example.org/news/a"


def _stored(rest: str) -> list[str]:
    article = extract_article(_split_story(rest), URL)
    assert article is not None
    return article.text.split("\n")


def test_a_share_bar_of_buttons_at_the_end_of_a_split_storys_rest_stays_out() -> None:
    """A share bar built of `<button>`s (no link text) closing the rest's container: one-word labels, no list of
    the story's."""
    bar = '<ul class="c-share">' + "".join(f"<li><button>{name}</button></li>" for name in
                                           ("Facebook", "WhatsApp", "E-Mail")) + "</ul>"
    lines = _stored("".join(f"<p>{text}</p>" for text in REST) + bar)
    assert all(text in lines for text in REST)
    assert not any(name in line for line in lines for name in ("Facebook", "WhatsApp", "E-Mail"))


def test_a_licences_labels_between_a_split_storys_rest_paragraphs_stay_out() -> None:
    """The class of pix-bavaria's licence terms (blind tune), hand-written: a list of one- and two-word labels
    between two of the rest's paragraphs."""
    labels = "<ul>" + "".join(f"<li>{label}</li>" for label in ("Attribution", "Non-commercial", "No remixes"))
    lines = _stored(f"<p>{REST[0]}</p><p>{REST[1]}</p>{labels}</ul><p>{REST[2]}</p>")
    assert all(text in lines for text in REST)
    assert not any(line.startswith("- ") for line in lines)


def test_complete_story_puts_no_labels_back_between_two_missing_paragraphs() -> None:
    shared = [f"The council met on Monday and spoke for {n} hours about the plan for the buses and the roads."
              for n in range(3)]
    missing = [f"Residents of district {n} said the new night line would save them about forty minutes a day on "
               "their way home from the hospital." for n in range(4, 6)]
    blocks = [*(Block(text, "p", 0.0) for text in shared), Block(missing[0], "p", 0.0),
              Block("Facebook", "li", 0.0), Block("E-Mail", "li", 0.0), Block(missing[1], "p", 0.0)]
    assert complete_story("\n".join(shared), blocks).split("\n") == [*shared, *missing]


@pytest.mark.parametrize("sentence", [
    "Continue reading the budget, the minister told parliament, and you will find no money for the buses.",
    "Keep reading: the council's own figures show 40 fewer buses a day than in 2019.",
    "Weiterlesen wollte im Saal niemand mehr, als der Bürgermeister die Zahlen vorlas.",
    "Lire la suite du rapport prendra des semaines aux élus, selon la mairie.",
    "Seguir leyendo el informe, dijo la alcaldesa, no cambia nada.",
    "Continua a leggere chi ha tempo, ha detto il sindaco.",
    "Lees verder in de brief van de wethouder: de bus rijdt vanaf juni.",
])
def test_a_sentence_that_opens_with_a_continue_links_words_stays(sentence: str) -> None:
    assert drop_marked_lines(f"The council met on Monday.\n{sentence}") == f"The council met on Monday.\n{sentence}"


@pytest.mark.parametrize("near", [
    "The harbour master said the port will need 14 more tugs before the new berths open next year.",
    "The harbour master now says the port will need 14 more tugs before the new berths open next year.",
    "The harbour master now says the port will need 14 more tugs before the new berths can open.",
])
def test_a_short_story_line_repeated_with_small_edits_in_the_rest_is_not_stored_twice(near: str) -> None:
    """`CONTINUATION_MAX_COVERED` at 0.8 against a short line: the rest's summary repeats a one-sentence paragraph
    of the story with a figure and one to four words changed."""
    story = "The harbour master said the port would need 12 more tugs before the new berths open next year."
    page = _split_story(f"<p>{REST[0]}</p><p>{near}</p><p>{REST[1]}</p><p>{REST[2]}</p>").replace(
        '<div class="article-body">', f'<div class="article-body"><p>{story}</p>', 1)
    article = extract_article(page, URL)
    assert article is not None
    lines = article.text.split("\n")
    assert story in lines and all(text in lines for text in REST)
    assert near not in lines


def test_a_quote_of_thousands_of_paragraphs_is_listed_in_linear_time() -> None:
    """`block_elements` asked, for each paragraph, whether each quote above it holds paragraphs only, reading the
    whole quote each time: 2,000 paragraphs in one `<blockquote>` (a hostile page, or a long quoted letter) took 10 s
    on the reviewed code, 4,000 took 33 s. Now each quote is read once (milliseconds)."""
    quoted = "".join(f"<p>Paragraph {n} of a long quoted letter.</p>" for n in range(3000))
    summary = html.fromstring(f"<div><p>Before the letter.</p><blockquote>{quoted}</blockquote></div>")
    started = time.process_time()
    found = block_elements(summary)
    assert time.process_time() - started < 1.0
    assert [element.tag for element, _ in found] == ["p", "blockquote"]
