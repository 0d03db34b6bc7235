"""The forty-first text pass (docs/extraction.md, "Forty-first pass, text"): a story's subheads that trafilatura's
wild-text recovery loses, put back from readability-lxml's blocks, on generated pages (`tests/textpageworld`'s
unnamed containers, six languages), on hand-made blocks (none copied from a site) and on the one corpus page of
the class that was read (fundus's Morgunblaðið, tune half)."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from newsflow.extract import extract_article
from newsflow.lostsubheads import restore_lost_subheads
from tests.test_text_rules_combined import promised_lines, stored_text, story_faults
from tests.textpagewords import SUBHEADS
from tests.textpageworld import LANGS, TextPage

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

ONE = "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board for the trip."
TWO = "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel."
THREE = "The harbour master said the timetable for the summer would be printed in May and handed out on the quay."


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("sizes", "subheads", "list_at", "body_class"),
                         [((2, 2, 2, 2), (1, 3), None, 2), ((1, 1, 1, 1, 1), (2,), None, 4), ((3, 2, 3), (2,), 1, 3)])
def test_an_unnamed_containers_subheads_are_stored(lang: str, sizes: tuple[int, ...], subheads: tuple[int, ...],
                                                   list_at: int | None, body_class: int) -> None:
    """A story in a container no trafilatura body XPath names: trafilatura recovers the page's `<p>`s and no heading,
    so every subhead was lost (main's code: 108 of 360 such generated pages, every language). Each is now its own
    line, once, in its place; the third shape's subhead stands under a list the recovery drops too."""
    page = TextPage(lang=lang, sizes=sizes, subheads=subheads, list_at=list_at, layout="soup", body_class=body_class)
    text = stored_text(page)
    assert [SUBHEADS[lang][number] for number in range(len(subheads))] == [
        line for line in text.split("\n") if line in SUBHEADS[lang]], page.shown()
    assert story_faults(page, text, promised_lines(page)) == [], page.shown()


def _summary(html: str) -> Any:
    """A readability-lxml output of these blocks (its `<div>` round the story's elements)."""
    return lxml.html.fragment_fromstring(f"<div>{html}</div>")


def test_a_lost_subhead_goes_back_between_its_paragraphs() -> None:
    text = f"{ONE}\n{TWO}\n{THREE}"
    summary = _summary(f"<p>{ONE}</p><h3>The yard</h3><p>{TWO}</p><h2>What comes next</h2><p>{THREE}</p>")
    assert restore_lost_subheads(text, summary) == f"{ONE}\nThe yard\n{TWO}\nWhat comes next\n{THREE}"


def test_a_boxs_heading_over_its_own_text_stays_out() -> None:
    """A newsletter box between two paragraphs: its heading has the box's line after it, not the story's."""
    text = f"{ONE}\n{TWO}"
    summary = _summary(f"<p>{ONE}</p><h3>Our newsletter</h3><p>Sign up for the morning briefing.</p><p>{TWO}</p>")
    assert restore_lost_subheads(text, summary) == text


def test_a_boxs_heading_whose_box_readability_emptied_stays_out() -> None:
    """A related box's heading ("Related Article", "Read Next": iNews, the identity check) whose teaser readability
    left out: the next block is the story's, but outside the heading's box (the first form put these back)."""
    text = f"{ONE}\n{TWO}"
    summary = _summary(f'<p>{ONE}</p><div class="related"><h3>Related Article</h3></div><p>{TWO}</p>')
    assert restore_lost_subheads(text, summary) == text


@pytest.mark.parametrize("heading", ["Read also: the old ferry's last trip", "<a href='/more'>More on the harbour</a>"])
def test_a_linked_or_marked_heading_stays_out(heading: str) -> None:
    """A teaser's linked headline and a marker's line ("Read also: ...") are no subheads."""
    text = f"{ONE}\n{TWO}"
    assert restore_lost_subheads(text, _summary(f"<p>{ONE}</p><h3>{heading}</h3><p>{TWO}</p>")) == text


def test_a_heading_inside_a_link_stays_out() -> None:
    """A teaser card linked whole (`<a><h3>…</h3></a>`): a headline, not a subhead."""
    text = f"{ONE}\n{TWO}"
    summary = _summary(f"<p>{ONE}</p><a href='/x'><h3>Ferry fares rise</h3></a><p>{TWO}</p>")
    assert restore_lost_subheads(text, summary) == text


def test_a_heading_between_lines_that_are_not_neighbours_stays_out() -> None:
    """The text left a line out between the two paragraphs (a rule dropped it): where the heading goes is unknown."""
    text = f"{ONE}\n{THREE}\n{TWO}"
    assert restore_lost_subheads(text, _summary(f"<p>{ONE}</p><h3>The yard</h3><p>{TWO}</p>")) == text


def test_a_headline_a_stored_heading_and_a_heading_beside_short_lines_are_left() -> None:
    """An `<h1>` is the page's headline; a heading the text holds is not stored twice; one beside a short line (a
    caption, a signature) is no subhead between story paragraphs."""
    text = f"{ONE}\nThe yard\n{TWO}\nReuters"
    summary = _summary(f"<p>{ONE}</p><h1>Ferry sails again</h1><h3>The yard</h3><p>{TWO}</p><h3>Sources</h3>"
                       "<p>Reuters</p>")
    assert restore_lost_subheads(text, summary) == text


def test_a_subhead_under_a_lost_list_goes_before_the_next_paragraph() -> None:
    text = f"{ONE}\n{TWO}"
    summary = _summary(f"<p>{ONE}</p><ul><li>Kiel</li><li>Laboe</li></ul><h3>The yard</h3><p>{TWO}</p>")
    assert restore_lost_subheads(text, summary) == f"{ONE}\nThe yard\n{TWO}"


@pytest.mark.skipif(not CORPORA.is_dir(), reason="needs ../shared/corpora (fundus-news), absent on this machine")
def test_morgunbladids_four_subheads_are_stored() -> None:
    """The corpus page of the class (fundus tune half): its story sits in a `div.main-layout`, trafilatura recovers
    its `<p>`s, and its four `<h3>`s, which fundus's reference and readability-lxml keep, were lost on main."""
    html = gzip.decompress((CORPORA / "fundus-news/isl/Morgunbladid_2025_04_16.html.gz").read_bytes()).decode()
    article = extract_article(html, "https://www.mbl.is/frettir/")
    assert article is not None
    lines = article.text.split("\n")
    for subhead in ("„Erum hér til að sýna samstöðu“", "Dæmdir „eyðileggjandi sértrúarsöfnuður“",
                    "Hlupu upp tröppurnar", "Bolurinn „Útskúfun drepur“"):
        assert lines.count(subhead) == 1, subhead
