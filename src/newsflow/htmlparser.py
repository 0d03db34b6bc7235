"""The HTML parser extraction reads pages with: trafilatura's, its element classes looked up in C.

The only module that imports lxml. lxml.html gives each element the class its tag names
(`FormElement` for `<form>`, `InputElement` for `<input>`, ... `HtmlElement` for the rest) through a
Python method that lxml calls every time it hands Python an element: ~6,500 calls a page in
trafilatura's walks and newsflow's rules, ~2% of extraction's CPU (docs/performance.md, speed17).
`ElementNamespaceClassLookup` with the same table gives every element of a parsed page the same
class without calling back into Python. The one case it decides otherwise, an element that code
creates with an upper-case or namespaced tag (`SubElement(p, "FORM")`), never arises: the HTML
parser lower-cases tags and has no namespaces, and trafilatura makes its own elements lower-case.
"""

from __future__ import annotations

from functools import cache

from lxml import etree, html

PARSER_OPTIONS = {
    "collect_ids": False,
    "default_doctype": False,
    "encoding": "utf-8",
    "remove_comments": True,
    "remove_pis": True,
}
"""trafilatura's own parser's (`trafilatura.utils.HTML_PARSER`, 2.3.1); tests/test_htmlparser.py
checks that both parse pages alike."""


@cache
def page_parser() -> html.HTMLParser:
    """A parser with trafilatura's options whose elements get lxml.html's classes from a table in C (one a
    process: a document asks its parser for each element's class as long as it lives)."""
    parser = html.HTMLParser(**PARSER_OPTIONS)
    parser.set_element_class_lookup(_class_lookup())
    return parser


@cache
def deep_page_parser() -> html.HTMLParser:
    """`page_parser` with libxml2's `huge_tree`: nesting kept to 2,048 levels, not 255. Only for a page the
    first parse cut at 255 (`newsflow.pagebounds`, red team 26), whose tree is then flattened back."""
    parser = html.HTMLParser(huge_tree=True, **PARSER_OPTIONS)
    parser.set_element_class_lookup(_class_lookup())
    return parser


def _class_lookup() -> etree.ElementNamespaceClassLookup:
    fallback = etree.ElementDefaultClassLookup(
        element=html.HtmlElement, comment=html.HtmlComment, pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity
    )
    lookup = etree.ElementNamespaceClassLookup(fallback)
    classes = lookup.get_namespace(None)
    for tag, element_class in html.HtmlElementClassLookup._default_element_classes.items():
        classes[tag] = element_class
    return lookup


def cut_at_depth_limit(parser: html.HTMLParser) -> bool:
    """Whether `parser`'s last parse stopped at libxml2's nesting limit, dropping what came after."""
    return any(error.type_name == "ERR_RESOURCE_LIMIT" and "depth" in error.message for error in parser.error_log)


def strip_tags(tree: etree._Element, *tags: str) -> None:
    """lxml's `strip_tags`: the elements of those tags (`*`: all) under `tree` removed, their text and children
    kept in place; in C, a million elements in milliseconds."""
    etree.strip_tags(tree, *tags)


EXSLT_REGEXP = "http://exslt.org/regular-expressions"


def element_xpath(path: str) -> etree.XPath:
    """An XPath selecting elements, its `re:` functions EXSLT's, without smart strings: the strings its `re:test`
    calls are handed are plain `str` (no parent kept for each), as no result of it is a string (speed32)."""
    return etree.XPath(path, namespaces={"re": EXSLT_REGEXP}, smart_strings=False)
