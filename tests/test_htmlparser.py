"""Extraction's page parser (`newsflow.htmlparser`, speed17) parses as trafilatura's does, gives every
element the class lxml.html gives it, without lxml.html's Python lookup, and leaves trafilatura's
own parser in place for trafilatura called alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
import pytest
import trafilatura.utils
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newsflow import extract, pagebounds
from newsflow.extract import page_tree
from newsflow.extractworker import _DeadlineExceeded
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
    # huge_tree: without it lxml cuts a page at 256 levels (2,048 with it). Both parse a page under that alike; one
    # past it newsflow parses again with huge_tree and flattens (`newsflow.pagebounds`, red team 26), keeping the
    # text trafilatura's parser drops.
    theirs, ours = parsed_both_ways("<html><body>" + "<div>" * 250 + "deep text</body></html>")
    assert etree.tostring(ours) == etree.tostring(theirs)
    theirs, ours = parsed_both_ways("<html><body>" + "<div>" * 300 + "deep text</body></html>")
    assert "deep text" not in theirs.text_content() and "deep text" in ours.text_content()


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
    ["p", "div", "form", "input", "label", "select", "option", "textarea", "span", "a", "table", "td", "Form", "INPUT",
     "LABEL", "TextArea", "o:p", "svg:rect", "fb:like", "math", "mi", "my-widget", "template", "frameset", "frame",
     "html", "body", "head", "title"]
)
# What lxml's HTML parser might hand the lookup other than a plain lower-case tag: a page from Word (`o:p`),
# XHTML served as HTML (`xmlns`, an XML declaration with an encoding), no `<html>` at all (lxml.html's
# fragment path), a comment or PI before everything (review of speed17).
_PROLOGUES = st.sampled_from(
    ["<html><body>", "", "<!DOCTYPE html>", '<?xml version="1.0" encoding="windows-1252"?>', "<!-- c --><?pi x?>",
     '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office"><body>']
)
_PIECES = st.one_of(
    _TAGS.map(lambda tag: f"<{tag}>"),
    _TAGS.map(lambda tag: f"</{tag}>"),
    st.sampled_from(["<!-- c -->", "<?pi x?>", "&amp;", "&nbsp;", "<br/>", "<![CDATA[x]]>", "<html/>", "\x00", "é"]),
    st.text(alphabet="ab <>&;\n", max_size=8),
)


@given(_PROLOGUES, st.lists(_PIECES, max_size=25))
def test_any_markup_parses_alike_with_the_same_classes(prologue: str, pieces: list[str]) -> None:
    html = prologue + "".join(pieces)
    theirs, ours = parsed_both_ways(html)
    if theirs is None or ours is None:
        assert theirs is ours is None
        return
    assert etree.tostring(ours) == etree.tostring(theirs)
    assert [type(e) for e in ours.iter()] == [type(e) for e in theirs.iter()]


_STORY = "<p>" + "The harbour council approved the budget on Tuesday after a long debate. " * 6 + "</p>"
HOSTILE_PAGES = [
    '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><title>Word</title></head><body>'
    + _STORY.replace("</p>", "<o:p></o:p></p>") * 4 + "</body></html>",
    "<HTML><HEAD><TITLE>Upper</TITLE></HEAD><BODY><FORM><LABEL>Name</LABEL><INPUT NAME=q><TEXTAREA>t</TEXTAREA>"
    + _STORY.upper() * 4 + "</FORM><svg:svg><svg:rect/></svg:svg></BODY></HTML>",
    '<?xml version="1.0" encoding="iso-8859-1"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title>'
    '</head><body><math><mi>x</mi></math><my-widget>' + _STORY * 4 + "</my-widget><template><form><input></form>"
    "</template></body></html>",
    "<!-- top --><?pi x?><title>No html</title><form>" + _STORY * 4 + "</form>",
    "<label>" + _STORY * 3 + "</label>",  # htmldate's drop_tree fails on this root on main too: the same exception
    '<frameset><frame src="a"><noframes><body>' + _STORY * 4 + "</body></noframes></frameset>",
    "<html><body>" + "<div><form><label>" * 120 + _STORY * 3 + "\udcff\x00</body></html>",
]


def _extracted(html: str) -> object:
    try:
        return extract.extract_article(html, "https://news.example/story-1")
    except Exception as exc:  # the pool records it (extract_error): both parsers must raise alike
        return f"{type(exc).__name__}: {exc}"


def test_hostile_pages_extract_as_with_trafilaturas_own_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every field of extract_article, or its exception, is what main's parse (trafilatura's parser) gives."""
    ours = [_extracted(page) for page in HOSTILE_PAGES]
    monkeypatch.setattr(pagebounds, "page_parser", lambda: trafilatura.utils.HTML_PARSER)
    assert [_extracted(page) for page in HOSTILE_PAGES] == ours
    assert sum(article is not None and not isinstance(article, str) for article in ours) >= 4  # not all empty


_ELEMENT_API = ("text_content", "drop_tree", "drop_tag", "iterlinks", "make_links_absolute", "cssselect", "forms",
                "classes", "find_class", "body", "base_url", "getparent", "xpath", "iterancestors", "itersiblings")


def test_the_page_trees_elements_have_lxml_htmls_methods() -> None:
    tree = page_tree(FORM_PAGE + HOSTILE_PAGES[1])
    for element in tree.iter():
        assert all(hasattr(element, name) for name in _ELEMENT_API), element.tag
    assert page_tree(FORM_PAGE).find(".//input").label is not None  # InputElement's own API


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, _DeadlineExceeded, ValueError])
def test_trafilaturas_parser_is_put_back_when_parsing_is_interrupted(
    monkeypatch: pytest.MonkeyPatch, interruption: type[BaseException]
) -> None:
    """Ctrl-C, the extract worker's deadline (a BaseException) or an error inside the parse."""
    own = extract._TRAFILATURA_PARSER  # not HTML_PARSER as found: an earlier failure may have left it swapped
    assert own is not page_parser()

    def interrupted(html: str) -> None:
        assert trafilatura.utils.HTML_PARSER is page_parser()  # the swap is in place when it lands
        raise interruption

    monkeypatch.setattr(extract, "load_html", interrupted)
    with pytest.raises(interruption):
        page_tree(FORM_PAGE)
    assert trafilatura.utils.HTML_PARSER is own


@settings(max_examples=25, deadline=None)
@given(_PROLOGUES, st.lists(_PIECES, max_size=20), st.integers(min_value=0, max_value=20))
def test_generated_pages_extract_as_with_trafilaturas_own_parser(prologue: str, pieces: list[str], at: int) -> None:
    """A story inside generated hostile markup: every field, or the exception, as with main's parse."""
    at = min(at, len(pieces))
    html = prologue + "".join(pieces[:at]) + "<h1>Headline of the day</h1>" + _STORY * 3 + "".join(pieces[at:])
    ours = _extracted(html)
    extract.page_parser = lambda: trafilatura.utils.HTML_PARSER  # type: ignore[assignment]  # main's parse
    try:
        assert _extracted(html) == ours
    finally:
        extract.page_parser = page_parser
