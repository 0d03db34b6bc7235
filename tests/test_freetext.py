"""`newsflow.freetext` reads htmldate's free-text segments, the same texts in the same order, in linear time (red
team 27)."""

from __future__ import annotations

import gzip
import time
from pathlib import Path
from typing import Any

import htmldate.core as htmldate_core
import pytest
from htmldate.extractors import FREE_TEXT_EXPRESSIONS
from lxml import etree

from newsflow.extract import extract_article, page_tree, prepare_extractor
from newsflow.freetext import free_text_segments

CORPORA = Path("/work/shared/corpora")
PAGES = [
    "<html><body><div>a<p>b<span>c</span>d<!-- x -->e</p>f<b>g</b>h</div>i<p>j</p></body></html>",
    "<html><body><ul><li>one<a href=/>two</a>three</li><li><time datetime=2024-01-02>Jan 2</time> tail</li></ul>"
    "<section>no<h3>head<em>er</em>s</h3>after</section></body></html>",
    "<html><head><title>t</title></head><body>text<span>s<span>n<div>d</div>e</span>t</span>end</body></html>",
    "<html><body><p>x</p><h2>  </h2><table><tr><td>cell<p>in</p>out</td></tr></table><div></div></body></html>",
]


@pytest.mark.parametrize("page", PAGES)
def test_the_segments_are_htmldates_own(page: str) -> None:
    """Nested elements that are read and not, comments and tails, texts on the root's children: the XPath's texts,
    in its order (this fails if an htmldate upgrade changes its expression: then this copy must follow)."""
    tree = page_tree(page)
    assert free_text_segments(tree) == [str(text) for text in FREE_TEXT_EXPRESSIONS(tree)]
    for element in tree.iter("div", "ul", "section"):
        assert free_text_segments(element) == [str(text) for text in FREE_TEXT_EXPRESSIONS(element)]


def test_the_segments_of_real_pages_are_htmldates_own() -> None:
    """Every hundredth-odd real page of the corpora (all 430 were checked once, by hand)."""
    if not CORPORA.is_dir():
        pytest.skip(f"the corpora are not at {CORPORA}")
    paths = sorted(path for path in CORPORA.rglob("*") if path.is_file() and ".htm" in path.name)[::40]
    for path in paths:
        raw = path.read_bytes()
        tree = page_tree((gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8", "replace"))
        if tree is None:  # not HTML
            continue
        assert free_text_segments(tree) == [str(text) for text in FREE_TEXT_EXPRESSIONS(tree)], path
    assert len(paths) >= 8


def test_twenty_thousand_time_elements_are_read_in_linear_time() -> None:
    """libxml2 merges each matched element's texts into the XPath's result checking every one it holds: 20,000
    `<time>`s in a page's body took 5.5-15 s. Here a fraction of a second."""
    times = "".join(f'<time datetime="2024-01-{n % 28 + 1:02d}">Jan {n % 28 + 1}, 2024</time> ' for n in range(20_000))
    tree = page_tree(f"<html><body><article><p>{'Story words. ' * 20}</p></article>{times}</body></html>")
    started = time.process_time()
    assert len(free_text_segments(tree)) == 20_001  # each element's own text (the spaces after are <body>'s)
    assert time.process_time() - started < 2.0


def test_a_tree_whose_inline_tags_were_stripped_gives_the_xpaths_separate_texts_while_extracting() -> None:
    """Review: lxml's `strip_tags` (pagebounds' flattening past libxml2's depth limit here, and its inline tags
    past MANY_TAGS) leaves a paragraph's texts as adjacent text nodes: the XPath reads each ('Posted ', 'in the city
    hall', …), `.text` and `.tail` one merged string, which a date search judges differently (a segment's length
    bounds). On such a tree the extraction must read htmldate's own segments."""
    deep = "<div>" * 300 + "Posted <div>in the city hall</div> by <div>Ann</div> in town" + "</div>" * 300
    page = f"<html><body><article><h1>Budget</h1><p>{'Story words here. ' * 30}</p>{deep}</article></body></html>"
    read: list[tuple[list[str], list[str]]] = []
    prepare_extractor()
    extract_article("<html><body><p>warm</p></body></html>", "http://example.com/a")  # installs the hooks
    installed = htmldate_core.FREE_TEXT_EXPRESSIONS

    def recorded(tree: Any) -> list[str]:
        segments = [str(text) for text in installed(tree)]
        read.append((segments, [str(text) for text in FREE_TEXT_EXPRESSIONS(tree)]))
        return segments

    htmldate_core.FREE_TEXT_EXPRESSIONS = recorded
    try:
        extract_article(page, "http://example.com/news/1")
    finally:
        htmldate_core.FREE_TEXT_EXPRESSIONS = installed
    assert read, "htmldate's extensive search was not reached"
    assert all(ours == theirs for ours, theirs in read)
    assert any("in the city hall" in ours for ours, _ in read)


def test_outside_an_extraction_htmldate_reads_its_own_xpath() -> None:
    """Review: the benchmarks' trafilatura alone and htmldate alone run in the process that extracted; they must stay
    the libraries' own (the XPath, split texts and all), as extract.py's other hooks do outside `extract_article`."""
    prepare_extractor()
    extract_article("<html><body><p>warm</p></body></html>", "http://example.com/a")
    tree = page_tree("<html><body><p>Posted <b>2 January 2024</b> here</p></body></html>")
    etree.strip_tags(tree, "b")
    assert [str(text) for text in htmldate_core.FREE_TEXT_EXPRESSIONS(tree)] == ["Posted ", "2 January 2024", " here"]
