"""The thirty-sixth text pass (docs/extraction.md, "Thirty-sixth pass, text"): a summary box the page marks as one,
above the story, on hand-written pages (none copied from a site)."""

from __future__ import annotations

from time import process_time

import lxml.html
import pytest

from newsflow.extract import extract_article
from newsflow.summarybox import SUMMARY_MAX_CHARACTERS, drop_summary_box

URL = "https://bay.example/news/ferry"
STORY = (
    "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board for the trip.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
    "The council expects the crossing to carry about nine hundred people a day once the summer timetable begins.",
    "Fares stay as they were before the repairs, and season tickets bought in the spring remain valid on the boat.",
)
POINTS = (
    "The ferry is back on the bay after two years of repairs to its engines and hull.",
    "The council expects nine hundred passengers a day in the summer.",
    "Fares and season tickets stay as they were before the repairs.",
)
SUMMARY_LABELS = ("Kort fortalt", "Kortversjonen", "Kort sagt", "Lyhyesti", "In short", "Das Wichtigste in Kürze",
                  "En bref")
SUMMARY_CLASSES = ("article-summary", "column aiArticleSummary compressed", "_summary_z2qlv_1 _component_1vcc0_1",
                   "story-summary-box")


def _page(box: str, standfirst: str = "") -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    return ("<html><head><title>The ferry is back</title></head><body><article><h1>The ferry is back</h1>"
            f"{standfirst}<div class='body'>{box}{paragraphs}</div></article></body></html>")


def _box(label: str, marked: str, heading: str = "<h2>") -> str:
    items = "".join(f"<li>{point}</li>" for point in POINTS)
    closing = heading.split(" ")[0].replace("<", "</").rstrip(">") + ">"
    return f"<div class='{marked}'>{heading}{label}{closing}<div><ul>{items}</ul></div></div>"


@pytest.mark.parametrize(("label", "marked"), [(label, SUMMARY_CLASSES[number % len(SUMMARY_CLASSES)])
                                               for number, label in enumerate(SUMMARY_LABELS)])
def test_a_summary_box_the_page_marks_as_one_is_no_line_of_the_story(label: str, marked: str) -> None:
    """A box of the story's points under a label ("Kort fortalt", "Kortversjonen": Norwegian papers' summaries,
    written by a model and approved by the desk), in a container whose class or id says it is a summary: the
    readers' text is the story, as the references have it. The label's language does not matter: the page's
    markup says what the box is."""
    article = extract_article(_page(_box(label, marked)), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)


def test_a_summary_box_whose_label_is_marked_too_is_no_line_of_the_story() -> None:
    """The label's own element is classed as the summary's title ("summaryTitle"): the box is the marked ancestor
    that holds the list, not the label's element."""
    article = extract_article(_page(_box("Kort fortalt", "column aiArticleSummary", "<h2 class='summaryTitle'>")), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)


def test_a_summary_box_under_the_standfirst_leaves_the_standfirst_first() -> None:
    """The box between the standfirst and the story (Dagbladet's order): the standfirst stays, the box goes."""
    standfirst = "<p class='lead'>The old ferry returns to the bay this week after two long years in the yard.</p>"
    article = extract_article(_page(_box("Kort fortalt", "aiArticleSummary"), standfirst), URL)
    assert article is not None
    assert article.text.split("\n")[0].startswith("The old ferry returns")
    assert "Kort fortalt" not in article.text and POINTS[0] not in article.text


def test_a_story_s_own_points_under_a_label_stay() -> None:
    """The guard: the same list under the same label, in a container that says nothing of a summary, is the
    story's (the thirty-first pass's review: "Key points:" over the story's lines is its own text)."""
    for marked in ("points", "box", "article-body-list"):
        article = extract_article(_page(_box("Kort fortalt", marked)), URL)
        assert article is not None
        assert all(point in article.text for point in POINTS), marked


def test_a_page_of_many_labels_and_a_long_summary_class_costs_little() -> None:
    """The bounds: 20,000 elements holding the label, each in a summary-classed container, inside one that is long,
    cost one XPath walk and at most MAX_LABELS_READ short reads (a hostile page, parsed without `page_tree`'s bounds,
    which would cut it; no box is read to its end): about 0.05 s of CPU, bounded at ten times that."""
    points = "".join(f"<li>{point}</li>" for point in POINTS)
    labels = "".join("<div class='entry-summary'><h2>Kort fortalt</h2></div>" for _ in range(20_000))
    filler = "<span>x</span>" * (SUMMARY_MAX_CHARACTERS + 1)  # read piece by piece: a read costs what it holds
    page = f"<html><body><div class='summary'>{filler}{labels}</div><ul>{points}</ul></body></html>"
    tree = lxml.html.fromstring(page)
    text = "\n".join(("Kort fortalt", *(f"- {point}" for point in POINTS), *STORY))
    started = process_time()
    assert drop_summary_box(text, tree) == text
    assert process_time() - started < 0.5


@pytest.mark.parametrize("marked", ["entry-summary", "story summary"])
def test_a_short_story_s_own_points_in_a_body_classed_a_summary_stay(marked: str) -> None:
    """Review: a short story's whole body in a container classed a summary (WordPress's "entry-summary", a teaser's
    class kept on the story), opening with its own label and points: the container holds the story's paragraphs
    after the list, so it is the story's, not a box above it; the points are the story's text."""
    items = "".join(f"<li>{point}</li>" for point in POINTS)
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    page = ("<html><head><title>The ferry is back</title></head><body><article><h1>The ferry is back</h1>"
            f"<div class='{marked}'><h2>Key points</h2><ul>{items}</ul>{paragraphs}</div></article></body></html>")
    article = extract_article(page, URL)
    assert article is not None
    assert all(point in article.text for point in POINTS) and "Key points" in article.text



def test_a_summary_box_whose_points_hold_emphasis_is_no_line_of_the_story() -> None:
    """Review: a point with an emphasised word before a comma or inside a word ("<em>is</em>,", "fe<b>rr</b>y"):
    the box's text, read piece by piece, has spaces where the stored line has none; the box is known all the same."""
    items = ("The ferry <em>is</em>, after two years of repairs to its engines and hull, back on the bay.",
             "The council expects nine hundred <b>pass</b>engers a day in the summer.",
             "Fares and season tickets stay as they were «<i>before</i>» the repairs.")
    box = ("<div class='aiArticleSummary'><h2>Kort fortalt</h2><ul>"
           + "".join(f"<li>{item}</li>" for item in items) + "</ul></div>")
    article = extract_article(_page(box), URL)
    assert article is not None
    assert article.text == "\n".join(STORY)


def test_a_story_that_is_a_labelled_list_in_a_summary_class_is_kept() -> None:
    """Review: a brief whose whole text is a label over its points, in a container classed a summary: no story
    follows the list, so it is no box above a story; dropping it left nothing, and the page was stored as no
    article."""
    items = "".join(f"<li>{point}</li>" for point in (*POINTS, *STORY))
    page = ("<html><head><title>The ferry is back</title></head><body><article><h1>The ferry is back</h1>"
            f"<div class='entry-summary'><h2>What we know</h2><ul>{items}</ul></div></article></body></html>")
    article = extract_article(page, URL)
    assert article is not None
    assert all(point in article.text for point in POINTS)
