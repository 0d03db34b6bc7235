"""speed32: trafilatura's XPaths that call `re:test` on attributes, guarded inside `extract_article`, select the
same elements in the same order as trafilatura's own, and trafilatura called alone keeps its own."""

from __future__ import annotations

from types import ModuleType

import trafilatura.settings as trafilatura_settings
import trafilatura.xpaths as trafilatura_xpaths
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from newsflow.extract import extract_article, page_tree
from newsflow.htmlparser import EXSLT_REGEXP
from newsflow.xpathguards import ExtractionXPath, guarded_path, install, selects_elements

_TAGS = ("div", "section", "span", "p", "ul", "ol", "article", "main", "aside", "a", "details", "h1", "h2")
_VALUES = ("", "comments-title", "hidden", " hidden", "hide-print", "byline author", "Author", "fulltext",
           "FullText", "cookie-bar", "story-body", "content-main", "reply-1", "mvp-post-add-box", "tags",
           "display:none", "share", "x", "main-content", "sidebar", "disqus_thread", "comment-list", "author-name",
           "post-meta", "entry-title", "headline", "post-content", "bottom", "link")
_ATTRIBUTES = ("class", "id", "style", "itemprop", "rel", "href")


def _installed() -> list[ExtractionXPath]:
    lists = [value for value in vars(trafilatura_xpaths).values() if isinstance(value, list)]
    found = [item for items in lists for item in items if isinstance(item, ExtractionXPath)]
    return [*found, trafilatura_settings.BASIC_CLEAN_XPATH]


_PAGE = "<html><head><title>T</title></head><body><article><h1>Budget</h1><p>{}</p></article></body></html>"


def test_extraction_installs_the_guarded_xpaths_and_trafilatura_alone_keeps_its_own() -> None:
    extract_article(_PAGE.format("The council approved the budget for schools and roads after a long debate. " * 3),
                    "https://example.com/a")
    installed = _installed()
    assert len(installed) >= 20 and all(isinstance(item, ExtractionXPath) for item in installed)
    tree = page_tree(_PAGE.format("x"))
    for item in installed:  # outside extract_article: trafilatura's own object is called
        assert item.active() is False
        assert item(tree) == item.own(tree)


def _element(draw: st.DrawFn, depth: int) -> str:
    tag = draw(st.sampled_from(_TAGS))
    attributes = "".join(f' {name}="{draw(st.sampled_from(_VALUES))}"'
                         for name in draw(st.lists(st.sampled_from(_ATTRIBUTES), max_size=3, unique=True)))
    children = "".join(_element(draw, depth - 1) for _ in range(draw(st.integers(0, 3 if depth else 0))))
    return f"<{tag}{attributes}>w {children}</{tag}>"


@st.composite
def _pages(draw: st.DrawFn) -> str:
    body = "".join(_element(draw, 3) for _ in range(draw(st.integers(1, 4))))
    return f"<html><body>{body}<h1>h</h1></body></html>"


@settings(max_examples=25, deadline=None)
@given(_pages())
def test_the_guarded_twins_select_what_trafilaturas_own_select(html: str) -> None:
    extract_article(_PAGE.format("x"), "https://example.com/a")  # installs them
    tree = page_tree(html)
    for item in _installed():
        assert item.guarded(tree) == item.own(tree), item.path


def test_each_guarded_twin_selects_what_its_own_selects_on_a_page_where_its_own_selects_something() -> None:
    """Every twin is exercised, not only those the generated pages happen to reach (review: twins of TITLE_XPATHS,
    TAGS_XPATHS and CATEGORIES_XPATHS made to select nothing passed the property test alone)."""
    extract_article(_PAGE.format("x"), "https://example.com/a")
    tags = (*_TAGS, "strong", "address")
    parts = [f'<{tag} {name}="{value}"><a href="/t">t</a></{tag}>' for tag in tags for value in _VALUES
             for name in ("class", "id")]
    tree = page_tree(f"<html><body>{''.join(parts)}{''.join(f'<{tag}>w</{tag}>' for tag in tags)}</body></html>")
    for item in _installed():
        own = item.own(tree)
        assert own, f"the page exercises no element of {item.path}"
        assert item.guarded(tree) == own, item.path


def test_a_pattern_that_matches_nothing_stays_unguarded_and_only_element_paths_qualify() -> None:
    assert guarded_path("//*[re:test(@class, 'a*')]") == "//*[re:test(@class, 'a*')]"
    assert guarded_path("//*[re:test(@id|@class, '^nav', 'i')]") == (
        "//*[((@id|@class) and re:test(@id|@class, '^nav', 'i'))]")
    assert selects_elements("(.//*[self::div][re:test(@class, 'x[-_]y')])[1]")
    assert not selects_elements("//meta[re:test(@name, 'x')]/@content")
    assert not selects_elements("//p[re:test(@class, 'x')]/text()")


def test_install_looks_at_each_item_of_a_module_list_once() -> None:
    """A list of n items was rebuilt n times while looking for an XPath to guard (n² looks, review of speed32)."""
    looks = []

    class Item:
        @property
        def path(self) -> str:
            looks.append(1)
            return "//p"

    module = ModuleType("listed")
    module.ITEMS = [Item() for _ in range(50)]  # type: ignore[attr-defined]
    assert install([module], lambda: False) == 0
    assert len(looks) == 50


def test_a_path_naming_another_namespace_or_holding_a_broken_pattern_is_left_as_it_is() -> None:
    """The twin is compiled with the `re` prefix only: one naming another prefix raised at each evaluation
    ("Undefined namespace prefix", every page an extraction error), and a pattern Python cannot compile raised
    while installing, in every extraction (review of speed32)."""
    namespaces = {"re": EXSLT_REGEXP, "x": "urn:x"}
    module = ModuleType("prefixed")
    module.ATTRIBUTE = etree.XPath("//*[re:test(@x:class, 'a')]", namespaces=namespaces)  # type: ignore[attr-defined]
    module.STEP = etree.XPath("//x:div[re:test(@class, 'a')]", namespaces=namespaces)  # type: ignore[attr-defined]
    module.BROKEN = etree.XPath("//*[re:test(@class, 'a(')]", namespaces=namespaces)  # type: ignore[attr-defined]
    kept = dict(vars(module))
    assert install([module], lambda: True) == 0
    assert vars(module) == kept
    assert guarded_path("//*[self::div][contains(@style, 'display:none') or re:test(@class, 'a')]") == (
        "//*[self::div][contains(@style, 'display:none') or ((@class) and re:test(@class, 'a'))]")
