"""Classes left by the thirty-first text pass (docs/extraction.md, "Thirty-second pass, text"): hand-written pages
built from each class, none copied from a site."""

from __future__ import annotations

from newsflow.extract import extract_article
from tests.test_text_pass31 import STORY, URL, _story_page


def test_a_field_label_split_by_inline_tags_is_no_line_of_the_story() -> None:
    """The label's words in two text nodes (`<label><b>Episode</b> Description:</label>`): no text node holds the
    whole label, so the search for its words must find it by one of them and read the element that shows it.
    (A `<label>` itself makes trafilatura 2.3.1 run this small page's lines together: a case left.)"""
    for label in (
        "<div class='field-label'><b>Episode</b> Description:</div>",
        "<div class='field-label'><span>Episode</span> <em>Description</em>:</div>",
        "<div class='field--label'>Show <strong>notes</strong>:</div>",
    ):
        article = extract_article(_story_page(label), URL)
        assert article is not None
        assert article.text == "\n".join(STORY), label


def test_a_story_s_own_label_split_by_inline_tags_stays() -> None:
    """A story's "Key points:" in bold inside its own paragraph is no field label: no element marks it as one."""
    for opening in ("<p><b>Key</b> points:</p>", "<p><strong>Update</strong> <em>today</em>:</p>"):
        article = extract_article(_story_page(opening), URL)
        assert article is not None
        assert article.text.split("\n")[0].endswith(":"), opening


LIST_STORY = (
    "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board for the trip.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
    "Commuters had used a bus around the bay during the repairs, which added half an hour to each trip and more.",
    "The harbour master said the crossing would run every hour from Monday, with extra sailings on weekends.",
)


def _listed_page(lead_in: str, items: tuple[str, ...], tail: str = "") -> str:
    """A story whose third paragraph introduces a list readability-lxml leaves out: its items are few words in all
    (under readability's 25 characters for a list), which the story's paragraphs do not confirm."""
    listed = "".join(f"<li>{item}</li>" for item in items)
    first, second, third, fourth = (f"<p>{line}</p>" for line in LIST_STORY)
    return (
        "<html><head><title>The ferry is back</title></head><body><article><h1>The ferry is back</h1>"
        f"<div class='body'>{first}{second}<p>{lead_in}</p><ul>{listed}</ul>{third}{fourth}{tail}</div>"
        "</article></body></html>"
    )


def test_a_list_under_its_lead_in_line_keeps_its_items() -> None:
    """The lead-in line ends in a colon and readability keeps it: the items under it are the story's."""
    lead_in = "The council set four conditions for the ferry's return:"
    for items in (("safety", "crew", "jackets", "fares"), ("Kiel", "Eckernförde", "Laboe")):
        article = extract_article(_listed_page(lead_in, items), URL)
        assert article is not None
        lines = article.text.split("\n")
        assert lines[2:3 + len(items)] == [lead_in, *(f"- {item}" for item in items)], items


def test_a_list_under_no_lead_in_line_still_goes() -> None:
    """Without the colon (a heading of a box, a plain sentence) the unconfirmed items go as before."""
    lead_in = "The council set four conditions for the ferry's return."
    article = extract_article(_listed_page(lead_in, ("safety", "crew", "jackets", "fares")), URL)
    assert article is not None
    assert not any(line.startswith("- ") for line in article.text.split("\n"))


FIGURE_FACTS = [("Released", "12 March 2026"), ("Price", "$59.99"), ("Score", "8/10"), ("Players", "1-4")]


def _table_page(rows: list[tuple[str, ...]]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return _story_page(f"<table>{cells}</table>")


def test_a_fact_box_of_figures_over_the_story_is_no_line_of_it() -> None:
    """A review's box of a release day, a price, a score and a player count: each row ends in a figure, but each
    figure is of another form (a year, a price, a score, a range), where a results table's are of one."""
    german = [("Erscheint", "12.03.2026"), ("Preis", "59,99€"), ("Wertung", "8/10"), ("Spieler", "1-4")]
    for rows in (FIGURE_FACTS, [("Game info",), *FIGURE_FACTS], [("Ferry", "facts"), ("Built", "1998"),
                                                                 ("Fare", "€4.50"), ("Crossings", "6/day")], german):
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert article.text == "\n".join(STORY), rows


def test_a_table_of_figures_of_one_form_over_the_story_stays() -> None:
    """An election's, a league's, a price list's rows: their figures have one form (or two of one form), so the
    table is the story's data whatever its labels, a year among them or not."""
    for rows in (
        [("Labour", "41.2%"), ("Conservative", "30.5%"), ("Green", "8.0%")],
        [("Harbour FC", "24"), ("Bay United", "22"), ("North Pier", "19"), ("Island Town", "12")],
        [("Turnout", "64%"), ("Labour", "12,345"), ("Green", "987"), ("Majority", "2,100")],
        [("Single", "€2.50"), ("Return", "€4.50"), ("Season", "€95")],
        [("Last election", "2022"), ("Labour", "41.2%"), ("Conservative", "30.5%"), ("Green", "8.0%")],
    ):
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert rows[0][0] in article.text and rows[-1][0] in article.text, rows


def test_a_list_under_a_lead_in_line_the_second_opinion_lacks_still_goes() -> None:
    """A box's own heading ending in a colon ("More from the harbour:"), which readability left out with its
    items: it opens no list, and both go as before. Under a confirmed lead-in, the items stay until a line that
    is no item."""
    from newsflow.refine import drop_unconfirmed_lines

    story = list(LIST_STORY)
    box = ["More from the island desk today:", "- Gulls", "- Tides", "- Weather"]
    second = "\n".join(story)
    assert drop_unconfirmed_lines("\n".join([*story, *box]), second) == second
    lead_in = "The harbour master listed what the ferry needs:"
    text = "\n".join([story[0], lead_in, "- Gulls", "- Tides", story[1], "Photo credit", story[2], story[3]])
    kept = drop_unconfirmed_lines(text, "\n".join([lead_in, *story]))
    assert kept.split("\n") == [story[0], lead_in, "- Gulls", "- Tides", *story[1:]]


def test_a_story_table_of_figures_in_units_over_the_story_stays() -> None:
    """A company's results, a phone's spec table: each row's figure has its own unit ("$4.2bn", "$310m", "128GB",
    "172g"), but the figures are one kind (money, a measure): a unit's letters are no form of their own (review of
    the thirty-second pass)."""
    for rows in (
        [("Revenue", "$4.2bn"), ("Net profit", "$310m"), ("Earnings per share", "$1.12")],
        [("Screen", "6.1in"), ("Battery", "4000mAh"), ("Storage", "128GB"), ("Weight", "172g")],
        [("Sales", "€12.4bn"), ("Operating profit", "€1.1bn"), ("Margin", "8.9%"), ("Staff", "41,200")],
    ):
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert rows[0][0] in article.text and rows[-1][0] in article.text, rows


def test_a_box_heading_of_the_story_s_words_opens_no_list() -> None:
    """A box's heading whose words are all somewhere in the story ("More on the ferry:") but which readability
    left out as a line: it is no lead-in the second opinion confirms, and the box's items go as before (review of
    the thirty-second pass)."""
    from newsflow.refine import drop_unconfirmed_lines

    story = list(LIST_STORY)
    second = "\n".join(story)
    box = ["More on the ferry:", "- Gulls nest on the old lighthouse roof", "- Storm closes the coastal road"]
    kept = drop_unconfirmed_lines("\n".join([*story, *box]), second)
    assert kept.split("\n") == [*story, box[0]]
    lead_in = "The harbour master said the ferry needs:"
    confirmed = "\n".join([story[0], lead_in, *story[1:]])
    text = "\n".join([story[0], lead_in, "- Gulls nest", "- Storm closes", *story[1:]])
    assert drop_unconfirmed_lines(text, confirmed) == text
    as_one_line = " ".join(confirmed.split("\n"))  # a JSON-LD articleBody: one string, the lead-in inside it
    assert drop_unconfirmed_lines(text, as_one_line) == text


def test_a_stat_line_of_figures_of_many_forms_over_the_story_stays() -> None:
    """A player's or a match's stat line: each figure of another form ("10-18", "55.6%", "27") but no date among
    them; a fact box tells when its thing was made, released or built, a stat line measures (review of the
    thirty-second pass)."""
    for rows in (
        [("Field goals", "10-18"), ("Shooting", "55.6%"), ("Points", "27")],
        [("Score", "2-1"), ("Possession", "58%"), ("Attendance", "41,000")],
        [("Approve", "44%"), ("Sample", "1,024"), ("Margin of error", "±3.1")],
    ):
        article = extract_article(_table_page(rows), URL)
        assert article is not None
        assert rows[0][0] in article.text and rows[-1][0] in article.text, rows


def test_only_the_first_lead_ins_are_looked_for_in_the_second_opinion() -> None:
    """Each lead-in is a search of the second opinion's text: a hostile text of thousands of them reads only the
    first MAX_LEAD_INS_READ, the later ones open no list (their items go as on main's code)."""
    from newsflow.leadins import MAX_LEAD_INS_READ, LeadIns

    lines = [line for number in range(MAX_LEAD_INS_READ + 5) for line in (f"The ferry needs {number}:", "- gulls")]
    lead_ins = LeadIns("\n".join(lines[::2]))
    opened = [lead_ins.opens_list(lines, index) for index in range(0, len(lines), 2)]
    assert opened == [True] * MAX_LEAD_INS_READ + [False] * 5
    assert not lead_ins.opens_list(["Plain line:", "Not an item"], 0) and lead_ins.read == MAX_LEAD_INS_READ


def test_a_story_s_own_label_in_a_field_whose_label_is_hidden_stays() -> None:
    """Drupal's body field is `div.field--label-hidden`: its class says how the field's label shows, and marks no
    label; a story's own "Key points:" directly in it stays, in one text node or split by inline tags (review of
    the thirty-second pass)."""
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    for wrapper in ("field field--name-body field--label-hidden field__item", "field field-label-inline"):
        for opening in ("<p>Key points:</p>", "<p><b>Key</b> points:</p>"):
            page = (
                "<html><head><title>The ferry is back</title></head><body><article><h1>The ferry is back</h1>"
                f"<div class='{wrapper}'>{opening}{paragraphs}</div></article></body></html>"
            )
            article = extract_article(page, URL)
            assert article is not None
            assert article.text.split("\n")[0] == "Key points:", (wrapper, opening)
