"""Classes left by the thirtieth text pass (docs/extraction.md, "Thirty-first pass, text"): hand-written pages built
from each class, none copied from a site."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.extract import extract_article, page_tree
from newsflow.tails import OFFER_BOX_MAX_LINES, drop_offer_box
from newsflow.text import word_count

BODY = (
    "Bay City · The ferry left the north pier at seven in the morning with forty passengers and the mayor on board.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
    "Commuters had used a bus around the bay during the repairs, which added half an hour to each trip.",
)
URL = "https://bay.example/news/ferry"


def _single_quoted_title_page(meta_title: str, shown: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY)
    return (
        f"<html><head><title>{shown}</title><meta property='og:title' content='{meta_title}'></head>"
        f"<body><article><h1>{shown}</h1>{paragraphs}</article></body></html>"
    )


def test_a_meta_title_cut_at_an_apostrophe_is_the_headline_whole() -> None:
    """og:title in a single-quoted attribute, with the headline's own apostrophe or single quote unescaped: the
    value ends there ("Mayor" for "Mayor's ferry …", "Ferry is " for "Ferry is 'back for good'")."""
    for shown in ("Mayor's ferry is back on the bay after two years", "Harbour ferry is 'back for good', mayor says"):
        article = extract_article(_single_quoted_title_page(shown, shown), URL)
        assert article is not None
        assert article.title == shown


def test_a_shorter_meta_title_in_single_quotes_stays() -> None:
    shown = "Harbour ferry back after two years of repairs at the north yard"
    article = extract_article(_single_quoted_title_page("Harbour ferry back after two years", shown), URL)
    assert article is not None
    assert article.title == "Harbour ferry back after two years"


STORY = (
    "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board for the trip.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
)


def _story_page(before_story: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    return (
        "<html><head><title>The ferry is back</title></head><body><article><h1>The ferry is back</h1>"
        f"<div class='body'>{before_story}{paragraphs}</div></article></body></html>"
    )


def test_a_field_label_over_the_story_is_no_line_of_it() -> None:
    """A template's label of the field that holds the story ("Episode Description:", a podcast page's)."""
    for label in ("Episode Description:", "Summary:", "Beschreibung :"):
        page = _story_page(f"<div class='field-label'>{label}&nbsp;</div>")
        article = extract_article(page, URL)
        assert article is not None
        assert article.text == "\n".join(STORY), label


def test_a_short_line_that_opens_the_story_with_a_colon_stays() -> None:
    for opening in ("Here is what the harbour master said on Monday:", "“Finally:”"):
        page = _story_page(f"<p>{opening}</p>")
        article = extract_article(page, URL)
        assert article is not None
        assert article.text == "\n".join([opening, *STORY]), opening


def _fact_table(rows: list[tuple[str, str]], heading: str = "Ferry facts") -> str:
    cells = "".join(f"<tr><td><small>{label}</small> <strong>{value}</strong></td></tr>" for label, value in rows)
    return f"<div class='facts'><table><tr><td>{heading}</td></tr>{cells}</table></div>"


def test_a_fact_table_over_the_story_is_no_line_of_it() -> None:
    """A review's or a profile's table of labels and values set above the story (polygon's "Game Info")."""
    facts = [("Operator", "Bay Ferries Ltd"), ("Route", "North pier to Harbour Island"), ("Built", "1998")]
    article = extract_article(_story_page(_fact_table(facts)), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)
    # two columns: trafilatura writes the rows as a Markdown table ("| Route | North pier … |", "|---|---|")
    two_columns = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in facts)
    article = extract_article(_story_page(f"<table>{two_columns}</table>"), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)


CLOSING = "The operator plans a second boat for the summer, when the island's hotels expect more guests than last year."
OPINION = "Since 1947 the Bay Courier has reported on the harbour, its workers and its floods. We stay with them!"
OFFER = ("Read the Bay Courier for yourself: test the printed paper for two weeks. It comes to your letterbox free of "
         "charge. The offer ends by itself and need not be cancelled.")


def _offer_page(box_link: str, story_link: str = "") -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in (*STORY, CLOSING))
    return (
        "<html><head><title>The ferry is back</title></head><body><article><h1>The ferry is back</h1>"
        f"<div class='body'>{paragraphs}{story_link}</div>"
        "<div class='row'><div class='col promo'><p class='title'>Two weeks free</p>"
        f"<p>{OPINION}</p><p>{OFFER}</p><div class='btn'><a href='{box_link}'>Order now</a></div></div></div>"
        "</article></body></html>"
    )


def test_a_trial_subscription_box_under_the_story_goes_whole() -> None:
    """A newspaper's box under the story: a label, a line of the paper's own politics, the offer, and a button to
    its subscription page (JungeWelt's "2 Wochen kostenlos testen")."""
    for link in ("/abo/trial.php", "https://shop.bay.example/subscribe?ref=article", "/probeabo"):
        article = extract_article(_offer_page(link), URL)
        assert article is not None
        assert article.text == "\n".join([*STORY, CLOSING]), link


def test_a_box_that_links_elsewhere_stays() -> None:
    article = extract_article(_offer_page("/news/harbour-history"), URL)
    assert article is not None
    assert article.text.endswith(OFFER)


def test_a_short_story_about_a_trial_that_links_to_the_offer_stays() -> None:
    """A brief whose container links to the subscription page it reports on: the box would be the story."""
    brief = ("Subscribers can now test the paper's new app for two weeks before they pay, the Bay Courier said.",
             "You can test it free of charge from Monday; the offer ends by itself after the two weeks.")
    linked = brief[1].replace("test it", "<a href='/subscribe'>test it</a>")
    page = ("<html><head><title>Courier app</title></head><body><article><h1>Courier app</h1><div class='brief'>"
            f"<p>{brief[0]}</p><p>{linked}</p></div></article></body></html>")
    article = extract_article(page, URL)
    assert article is not None
    assert article.text == "\n".join(brief)


BOX_LINES = st.sampled_from([OPINION, OFFER, "Two weeks free", CLOSING, STORY[0]])


@settings(max_examples=40, deadline=None)
@given(
    box=st.lists(BOX_LINES, max_size=4),
    offer_last=st.booleans(),
    link=st.sampled_from(["/abo/trial.php", "/subscribe", "/news/other"]),
    inside=st.booleans(),
)
def test_an_offer_box_goes_from_the_end_only_and_never_with_a_line_the_text_keeps(
    box: list[str], offer_last: bool, link: str, inside: bool
) -> None:
    """Whatever the box holds and wherever it stands, the rule leaves a prefix of the text's lines, drops at most
    OFFER_BOX_MAX_LINES, only lines of the box, keeps more words than it drops, and drops nothing from the story's
    own container."""
    box = [*box, OFFER] if offer_last or not box else box
    story = "".join(f"<p>{line}</p>" for line in (*STORY, CLOSING))
    box_html = "".join(f"<p>{line}</p>" for line in box) + f"<div><a href='{link}'>Order</a></div>"
    box_html = box_html if inside else f"<div class='promo'>{box_html}</div>"
    body = f"<div class='body'>{story}{box_html}</div>" if inside else f"<div class='body'>{story}</div>{box_html}"
    tree = page_tree(f"<html><body><article>{body}</article></body></html>")
    text = "\n".join([*STORY, CLOSING, *box])
    result = drop_offer_box(text, tree)
    lines, kept = text.split("\n"), result.split("\n")
    assert lines[: len(kept)] == kept
    dropped = lines[len(kept):]
    assert len(dropped) <= OFFER_BOX_MAX_LINES and set(dropped) <= set(box)
    assert not dropped or word_count(" ".join(dropped)) < word_count(result)
    assert not (inside and dropped)


def _table(rows: list[tuple[str, ...]]) -> str:
    cells = ("".join(f"<td>{cell}</td>" for cell in row) for row in rows)
    return "<table>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</table>"


RESULTS_TABLES = {
    "two columns": [("Party", "Share"), ("Labour", "41.2%"), ("Conservative", "30.5%"), ("Green", "8.0%")],
    "three columns": [("Party", "Votes", "Share"), ("Labour", "12,345", "41.2%"), ("Green", "2,400", "8.0%")],
    "one column": [("Results",), ("Labour 41.2%",), ("Conservative 30.5%",), ("Green 8.0%",)],
}


def test_a_results_table_that_opens_the_story_stays() -> None:
    """Review: an election's, a league's or a price table above the first paragraph is the story's data, no fact
    box: its rows are figures, or it has more than a label's and a value's column."""
    for name, rows in RESULTS_TABLES.items():
        article = extract_article(_story_page(_table(rows)), URL)
        assert article is not None
        assert "Labour" in article.text and "Green" in article.text, name


def test_a_story_s_own_label_over_its_lines_stays() -> None:
    """Review: "Update:", "Key points:", "Correction:" in the story's own paragraph are its words; only a label the
    template marks as one (a `label` class, a `<label>`) goes."""
    for label in ("Update:", "Key points:", "Correction:", "In short:"):
        page = _story_page(f"<p><strong>{label}</strong></p><p>Council approves the new ferry budget</p>")
        article = extract_article(page, URL)
        assert article is not None
        assert article.text.split("\n")[0] == label, label


def test_a_story_s_last_paragraph_that_links_to_the_offer_it_reports_stays() -> None:
    """Review: a page that wraps each paragraph in a block of its own; the story's last one speaks to the reader
    of the paper's offer and links its words to the subscription page. The offer's box has its button beside its
    paragraphs; a link inside the paragraph is the story's own. (The rule alone: `drop_reader_call`, before it,
    has its own reading of a linked line that speaks to the reader.)"""
    last = "Readers who want to try the digital edition can test it free for four weeks; you need not cancel the offer."
    linked = last.replace("digital edition", "<a href='/abo/digital'>digital edition</a>")
    blocks = "".join(f"<div class='text-block'><p>{line}</p></div>" for line in (*STORY, CLOSING, linked))
    tree = page_tree(f"<html><body><article><div class='body'>{blocks}</div></article></body></html>")
    text = "\n".join([*STORY, CLOSING, last])
    assert drop_offer_box(text, tree) == text
