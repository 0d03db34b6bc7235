"""The thirty-fifth text pass (docs/extraction.md, "Thirty-fifth pass, text"): an event's box whose time row was
read as the year's form, and currencies written in a country's own letters or signs, each on a hand-written page."""

from __future__ import annotations

from time import process_time

import lxml.html

from newsflow.extract import extract_article
from newsflow.factrows import FACT_ROW_MAX_CHARACTERS, FACT_TABLE_MAX_ROWS, MAX_TABLES_READ, fact_rows
from tests.test_text_pass31 import STORY, URL
from tests.test_text_pass32 import _table_page


def test_an_event_box_with_a_time_row_is_no_line_of_the_story() -> None:
    """An event's box: its day, its time and a price. "19:30", "7.30pm", "7pm", "7 pm", "19h30" were "0", the
    year's form, so the day and the time were two figures of one form and the box stayed over the story."""
    for time in ("19:30", "7.30pm", "7pm", "7 pm", "19h30", "7:30 p.m.", "19.30 Uhr"):
        rows = [("Date", "12.03.2026"), ("Doors", time), ("Tickets", "€12")]
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert article.text == "\n".join(STORY), time


def test_an_event_box_with_two_times_is_no_line_of_the_story() -> None:
    """Doors and start: two times share a form, as an event's two prices may."""
    rows = [("Date", "12 March 2026"), ("Doors", "19:00"), ("Start", "20:00"), ("Tickets", "€12")]
    article = extract_article(_table_page(rows), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)


def test_a_box_of_scores_and_counts_under_a_year_stays() -> None:
    """The guard: a score ("2:1", "28:25") is no time, and a match's data box of a year, scores and counts stays;
    three times (a timetable) are the story's data."""
    for rows in ([("Season", "2025"), ("Home", "2:1"), ("Away", "0:3"), ("Fans", "4.500")],
                 [("Since", "1998"), ("First bus", "05:30"), ("Noon bus", "12:00"), ("Last bus", "23:30")]):
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert rows[0][0] in article.text and rows[-1][0] in article.text, rows


def test_a_fact_box_whose_currency_is_a_countrys_letters_is_no_line_of_the_story() -> None:
    """"RM 12", "Rp 15.000", "TL 40", "KSh 200", "лв. 5", "S/ 12", joined ("RM12", "Rp15.000", "40TL") or after the
    figure ("12 RM"): the currency is the figure's form, not the year's; "₹ 500" and "₦500" are signs already."""
    fares = ("RM 12", "Rp 15.000", "TL 40", "KSh 200", "5 лв.", "S/ 12", "RM12", "Rp15.000", "40TL", "KSh200",
             "₹ 500", "₦500", "Ksh 200", "12 RM")
    for number, fare in enumerate(fares):
        rows = [("Line since", "1998"), ("Ticket", fare), ("Buses", "6/hour"), ("Stops", "14-22")]
        table = [(f"{label} {value}",) for label, value in rows] if number % 2 else rows
        article = extract_article(_table_page(table), URL)
        assert article is not None
        assert article.text == "\n".join(STORY), fare


def test_a_price_list_in_a_countrys_letters_under_a_year_stays() -> None:
    """The guard: three prices in one currency's letters are one form, a price list, the story's data."""
    for rows in ([("Since", "1998"), ("Single", "RM 2.50"), ("Return", "RM 4.50"), ("Season", "RM 95")],
                 [("Since", "1998"), ("Single", "Rp5.000"), ("Return", "Rp9.000"), ("Season", "Rp95.000")]):
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert rows[0][0] in article.text and rows[-1][0] in article.text, rows


def test_a_word_that_is_also_a_currencys_letters_leaves_the_year_a_year() -> None:
    """Romanian "din 1998" is "since 1998": "din" without its point is no dinar, so the box keeps its year and goes."""
    rows = [("Linie", "din 1998"), ("Bilet", "2,40 lei"), ("Autobuze", "6/oră"), ("Stații", "14-22")]
    article = extract_article(_table_page(rows), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)


def test_a_match_box_of_a_season_and_two_scores_stays() -> None:
    """Review: a handball's or a basketball's score ("21:19", "12:10") has two-figure sides an hour and minutes could
    be; read as times, a match's box of a season and two scores had three forms and left the story. An event's time
    is on a five minutes' mark, a score on any (the guard above has a crowd of the season's form, so it held either
    way)."""
    for rows in ([("Season", "2025"), ("Final", "21:19"), ("Half-time", "12:11")],
                 [("Season", "2025"), ("Home", "23:22"), ("Away", "18:21")]):
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert rows[0][0] in article.text and rows[-1][0] in article.text, rows


def test_hours_before_h_are_a_duration_not_a_time() -> None:
    """Review: "20 h", "12 h" (a battery's hours, a drive's) were read as times of day, which the pass meant only with
    minutes ("19:30 h"); three of them were a timetable's form, and a product's box of a year and its hours stayed
    over the story where main's code took it out (a unit apart from its figure is no figure)."""
    rows = [("Released", "2024"), ("Battery", "20 h"), ("Standby", "12 h"), ("Charging", "2 h")]
    article = extract_article(_table_page(rows), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)


def test_an_event_box_with_a_time_in_french_or_spanish_print_is_no_line_of_the_story() -> None:
    """Review: French typography's "20 h 30" (the minutes a word of their own) and Spanish, Dutch and German "19:30h",
    "19.30h" (the "h" joined) were still "0", the year's form, so the event's box stayed over the story."""
    for time in ("20 h 30", "19:30h", "19.30h", "20 h 00"):
        rows = [("Date", "12.03.2026"), ("Doors", time), ("Tickets", "€12")]
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert article.text == "\n".join(STORY), time


def test_hostile_joined_words_in_every_row_cost_little() -> None:
    """Review: a row ending in a figure joined to a long run of letters and a stop ("1aaa…a!") made the joined
    currency's pattern backtrack over every split of the word and every length of its letters (cubic: about 1 s for a
    page of MAX_TABLES_READ such tables, where main's code took 3 ms)."""
    word = "1" + "a" * (FACT_ROW_MAX_CHARACTERS - 6) + "!"  # the longest a row of "r14 " and it holds
    rows = "".join(f"<tr><td>r{row}</td><td>{word}</td></tr>" for row in range(FACT_TABLE_MAX_ROWS))
    tables = f"<table>{rows}</table>" * MAX_TABLES_READ
    tree = lxml.html.fromstring(f"<html><body>{tables}</body></html>")
    head = {f"r{row} {word}" for row in range(FACT_TABLE_MAX_ROWS)}
    started = process_time()  # this process's CPU, not the wall clock: about 5 ms here once linear
    fact_rows(tree, head)
    assert process_time() - started < 0.1


def test_an_event_box_with_a_time_after_its_clock_word_is_no_line_of_the_story() -> None:
    """Review: Scandinavian "kl. 19.30", Finnish "klo 19.30", Italian "ore 21.00", Polish "godz. 19.00": the clock's
    word before a dotted time (a decimal's shape alone) makes it one; it was "0", the year's form."""
    for time in ("kl. 19.30", "kl 20.00", "klo 19.30", "ore 21.00", "godz. 19.00", "Kl. 19:30"):
        rows = [("Date", "12.03.2026"), ("Doors", time), ("Tickets", "€12")]
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert article.text == "\n".join(STORY), time
