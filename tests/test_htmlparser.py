"""Extraction's page parser (`newsflow.htmlparser`, speed17) parses as trafilatura's does, gives every
element the class lxml.html gives it, without lxml.html's Python lookup, and leaves trafilatura's
own parser in place for trafilatura called alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
import trafilatura.utils
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from newsflow import extract
from newsflow.extract import page_tree
from newsflow.htmlparser import page_parser
from tests.sitefactory import Site, generated_story

FORM_PAGE = """<!DOCTYPE html><html lang="en"><head><title>T</title><!-- a comment --><?php echo 1; ?>
<meta name="description" content="d"></head><body><form action="/s"><label for="q">Search</label>
<input id="q" name="q" value="x"><select name="s"><option>a</option></select><textarea>t</textarea></form>
<article><h1 id="top">Headline</h1><p>First &amp; paragraph<br>line</p><svg><path d="M0"/></svg>
<fb:like href="/"></fb:like><TABLE><TR><TD>cell</TD></TR></TABLE></article></body></html>"""


@contextmanager
def python_lookups() -> Iterator[list[str]]:
    """The tags lxml.html's Python class lookup is asked about meanwhile."""
    asked: list[str] = []
    original = lxml.html.HtmlElementClassLookup.lookup

    def counted(self: object, node_type: str, document: object, namespace: str | None, name: str) -> object:
        asked.append(name)
        return original(self, node_type, document, namespace, name)

    lxml.html.HtmlElementClassLookup.lookup = counted  # type: ignore[method-assign]
    try:
        yield asked
    finally:
        lxml.html.HtmlElementClassLookup.lookup = original  # type: ignore[method-assign]


def parsed_both_ways(html: str) -> tuple[object, object]:
    return trafilatura.utils.load_html(html), page_tree(html)


def test_page_tree_is_trafilaturas_tree_with_the_same_element_classes() -> None:
    theirs, ours = parsed_both_ways(FORM_PAGE)
    assert etree.tostring(ours) == etree.tostring(theirs)  # comments and PIs removed alike
    assert [type(e) for e in ours.iter()] == [type(e) for e in theirs.iter()]
    forms = {"FormElement", "InputElement", "SelectElement", "TextareaElement", "LabelElement", "HtmlElement"}
    assert {type(e).__name__ for e in ours.iter()} >= forms
    assert ours.xpath('id("top")') == theirs.xpath('id("top")') == []  # ids not collected by either


def test_page_tree_elements_get_their_classes_without_the_python_lookup() -> None:
    with python_lookups() as asked:
        tree = page_tree(FORM_PAGE)
        copied = [type(e) for e in tree.__copy__().iter()]  # trafilatura works on a copy
    assert asked == []
    assert "FormElement" in {c.__name__ for c in copied}


def test_trafilatura_alone_keeps_its_own_parser_after_an_extraction() -> None:
    own = trafilatura.utils.HTML_PARSER
    page = Site("Example News").article_page(generated_story(3)).decode()
    tree = page_tree(page)
    assert extract._trafilatura_document(tree, "https://news.example/story-3").text  # no language model: cheap
    assert trafilatura.utils.HTML_PARSER is own is not page_parser()
    with python_lookups() as asked:
        trafilatura.utils.load_html(page).iter().__next__()
    assert asked  # trafilatura called alone parses as it always did


_TAGS = st.sampled_from(
    ["p", "div", "form", "input", "label", "select", "option", "textarea", "span", "a", "table", "td", "Form", "INPUT"]
)
_PIECES = st.one_of(
    _TAGS.map(lambda tag: f"<{tag}>"),
    _TAGS.map(lambda tag: f"</{tag}>"),
    st.sampled_from(["<!-- c -->", "<?pi x?>", "&amp;", "&nbsp;", "<br/>", "<![CDATA[x]]>", "<html/>", "\x00", "é"]),
    st.text(alphabet="ab <>&;\n", max_size=8),
)


@given(st.lists(_PIECES, max_size=25))
def test_any_markup_parses_alike_with_the_same_classes(pieces: list[str]) -> None:
    html = "<html><body>" + "".join(pieces) + "</body></html>"
    theirs, ours = parsed_both_ways(html)
    if theirs is None or ours is None:
        assert theirs is ours is None
        return
    assert etree.tostring(ours) == etree.tostring(theirs)
    assert [type(e) for e in ours.iter()] == [type(e) for e in theirs.iter()]
