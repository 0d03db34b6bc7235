"""`newsflow.freetext` reads htmldate's free-text segments, the same texts in the same order, in linear time (red
team 27)."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest
from htmldate.extractors import FREE_TEXT_EXPRESSIONS

from newsflow.extract import page_tree
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
