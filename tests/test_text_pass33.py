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
