"""The thirty-third text pass (docs/extraction.md, "Thirty-third pass, text"): faults the text page generator found
once the thirty-second pass's classes were among its parts, each on a hand-written page."""

from __future__ import annotations

from newsflow.extract import extract_article
from tests.test_text_pass31 import STORY, URL
from tests.test_text_pass32 import _table_page


def test_a_fact_box_whose_currency_sign_is_a_word_of_its_own_is_no_line_of_the_story() -> None:
    """Dutch and French write a price "€ 2,40" or "2,40 €": the sign is the figure's, so the fare is "€0", not
    the year's "0", and the rows' figures are still of many forms."""
    for fare in ("€ 2,40", "2,40 €", "$ 59.99"):
        rows = [("Lijn sinds", "1998"), ("Kaartje", fare), ("Bussen", "6/uur"), ("Haltes", "14-22")]
        for one_column in (False, True):
            table = [(f"{label} {value}",) for label, value in rows] if one_column else rows
            article = extract_article(_table_page(table), URL)
            assert article is not None
            assert article.text == "\n".join(STORY), (fare, one_column)


def test_a_price_list_with_signs_apart_over_the_story_stays() -> None:
    """The guard: "€ 2,50", "€ 4,50", "€ 95" are one form with the sign joined as without it."""
    rows = [("Enkel", "€ 2,50"), ("Retour", "€ 4,50"), ("Sinds", "1998"), ("Abonnement", "€ 95")]
    article = extract_article(_table_page(rows), URL)
    assert article is not None
    assert "Enkel" in article.text and "Abonnement" in article.text


STORY_LINES = [
    "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
    "The harbour master said the crossing would stop at three towns from Monday:",
]


def test_the_unconfirmed_tail_keeps_the_items_under_a_confirmed_lead_in() -> None:
    """The story ends in a list readability left out, under a lead-in readability has: the items stay; a line
    after them that readability lacks still goes, and so does a list under a lead-in readability lacks."""
    from newsflow.tails import drop_unconfirmed_tail

    second = "\n".join(STORY_LINES)
    items = ["- Kiel", "- Laboe", "- Eckernförde"]
    assert drop_unconfirmed_tail("\n".join([*STORY_LINES, *items]), second) == "\n".join([*STORY_LINES, *items])
    assert drop_unconfirmed_tail("\n".join([*STORY_LINES, *items, "Follow us"]), second) == "\n".join(
        [*STORY_LINES, *items])
    unconfirmed = [*STORY_LINES[:2], "More from the island:"]
    assert drop_unconfirmed_tail("\n".join([*unconfirmed, *items]), "\n".join(STORY_LINES[:2])) == "\n".join(
        STORY_LINES[:2])


def test_a_french_results_table_with_its_percent_sign_apart_stays() -> None:
    """French writes "41,2 %": the rows' last words were "%", no figure, so the table was no table of figures and
    went as a fact box (main's code); with the sign joined its figures are one form ("0%") and it stays."""
    rows = [("Travaillistes", "41,2 %"), ("Conservateurs", "30,5 %"), ("Verts", "8,0 %")]
    article = extract_article(_table_page(rows), URL)
    assert article is not None
    assert "Travaillistes" in article.text and "Verts" in article.text


def test_a_box_of_items_under_a_colon_line_that_ends_the_container_still_goes() -> None:
    """Hostile guard of the lead-in exemptions: a share or follow box at the story container's end, its heading
    ending in a colon ("Share this:", "Follow us on:") that readability-lxml has, plain items or links: not the
    story's list. (Review: the box is gone before `tails.drop_unconfirmed_tail` runs, so this guards the whole
    text, not `tails._past_announced_items`, whose own guards are in the tail tests above.)"""
    from tests.textpagehtml import render
    from tests.textpageworld import TextPage

    html, url = render(TextPage(lang="en", sizes=(3, 2, 3, 2)))
    for box in ("<p>Share this:</p><ul><li>Facebook</li><li>Email</li><li>Print</li></ul>",
                "<p>Follow us on:</p><ul><li><a href='https://facebook.com/x'>Facebook</a></li>"
                "<li><a href='https://x.com/x'>X</a></li><li><a href='https://instagram.com/x'>Instagram</a></li></ul>"):
        article = extract_article(html.replace("</div></article>", box + "</div></article>"), url)
        assert article is not None
        assert not any(line.startswith("- ") or line.endswith(":") for line in article.text.split("\n")), box


def test_the_unconfirmed_tail_keeps_every_item_when_the_first_items_words_are_the_storys() -> None:
    """Review: a list's first item whose words the story has elsewhere ("Kiel", "safety") counts as confirmed, so
    the unconfirmed end opened at the second item, under no lead-in, and the rest of the list was cut."""
    from newsflow.tails import drop_unconfirmed_tail

    story = [*STORY_LINES[:2], "The shipyard in Kiel will also service the ferry once a month from Monday.",
             STORY_LINES[2]]
    for items in (["- Kiel", "- Laboe", "- Eckernförde"], ["- Laboe", "- Kiel", "- Eckernförde"]):
        text = "\n".join([*story, *items])
        assert drop_unconfirmed_tail(text, "\n".join(story)) == text, items
        assert drop_unconfirmed_tail(text + "\nFollow us", "\n".join(story)) == text, items


def test_a_list_ending_the_story_whose_item_the_story_names_is_stored_whole() -> None:
    """The same end to end: "Kiel" is in the story, so "- Kiel" was confirmed and the items after it were cut."""
    lines = [STORY_LINES[0], STORY_LINES[1].replace("shipyard", "shipyard in Kiel"),
             "The council said on Friday that the new timetable would bring more crossings in summer than ever before.",
             STORY_LINES[2]]
    items = ["Laboe", "Kiel", "Eckernförde"]
    html = ("<html><head><title>Ferry back</title></head><body><article><h1>Ferry back</h1><div class='body'>"
            + "".join(f"<p>{line}</p>" for line in lines) + "<ul>" + "".join(f"<li>{item}</li>" for item in items)
            + "</ul></div></article></body></html>")
    article = extract_article(html, URL)
    assert article is not None
    assert article.text.split("\n")[-4:] == [lines[-1], *(f"- {item}" for item in items)]


def test_a_fact_box_whose_currency_is_letters_and_a_sign_apart_is_no_line_of_the_story() -> None:
    """Review: Brazilian Portuguese writes every price "R$ 2,40", Spanish and Portuguese papers "US$ 59,99", Hong
    Kong's "HK$ 12": the currency word holds letters, so it was no sign, and the fare was the year's form again."""
    for fare in ("R$ 2,40", "US$ 59.99", "HK$ 12", "2,40 R$"):
        rows = [("Linha desde", "1998"), ("Bilhete", fare), ("Ônibus", "6/hora"), ("Paradas", "14-22")]
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert article.text == "\n".join(STORY), fare


def test_a_table_that_opens_the_story_keeps_the_standfirst_above_it() -> None:
    """Review: a results table of one form (data: it stays) opening the story's container, the standfirst in the
    article's header: `standfirst.restore_standfirst` looked for the text's first line, a table's row, in the page's
    p/div/h2 blocks, found none, and read nothing above it, so the standfirst was lost (the generator's fact box
    with a fare of the year's form, every language). A table's first row now ends the walk like a block."""
    standfirst = "After months of debate the town will get four new bus routes, paid for by the regional fund."
    rows = [("Labour", "41.2%"), ("Conservatives", "30.5%"), ("Greens", "8.0%"), ("Liberals", "7.1%")]
    for two_columns in (True, False):
        cells = "".join(f"<tr><td>{party}</td><td>{share}</td></tr>" if two_columns
                        else f"<tr><td>{party} {share}</td></tr>" for party, share in rows)
        html = ("<html><head><title>The vote is in</title></head><body><article><header><h1>The vote is in</h1>"
                f"<p class='standfirst'>{standfirst}</p></header><div class='article-body'><table>{cells}</table>"
                + "".join(f"<p>{line}</p>" for line in STORY) + "</div></article></body></html>")
        article = extract_article(html, URL)
        assert article is not None
        assert article.text.split("\n")[:2] == [standfirst, "| Labour | 41.2% |" if two_columns else "Labour 41.2%"]
