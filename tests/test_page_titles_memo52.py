"""perf52: a hero's `<h1>` (`pageblocks._names_the_page`) reads the page's titles from the memo entry the rules made
for the page's root element, not from a new entry per `getroottree()` wrapper (each is a new object, so a new key:
244 more computations of the titles a pass over the bench's 401 pages). docs/performance.md, "Extraction cost,
session 50 (perf52)". Pure: one small page, no extraction (bench.identity pins that no stored field changed)."""

from __future__ import annotations

import lxml.html

from newsflow.pageblocks import _names_the_page, page_titles
from newsflow.pagememo import one_page

PAGE = """<html><head><title>Council approves the new budget</title></head><body>
<header class="entry-header"><h1>Council approves the new budget</h1></header><p>Text.</p></body></html>"""


def test_a_heros_heading_reads_the_titles_the_page_has_in_its_memo() -> None:
    tree = lxml.html.document_fromstring(PAGE)
    heading = next(tree.iter("h1"))
    with one_page():
        assert page_titles(tree) == ["Council approves the new budget"]
        # the page changes its <title> after the rules read it: the memo still holds the titles read, and a
        # computation of its own (a new key) would read the new one, which the heading does not name
        tree.find(".//title").text = "Weather and traffic"
        assert _names_the_page(heading)
        assert page_titles(heading.getroottree().getroot()) is page_titles(tree)


def test_outside_a_page_scope_the_heading_reads_the_titles_as_they_are() -> None:
    tree = lxml.html.document_fromstring(PAGE)
    heading = next(tree.iter("h1"))
    assert _names_the_page(heading)
    tree.find(".//title").text = "Weather and traffic"
    assert not _names_the_page(heading)  # no memo: the titles read now
