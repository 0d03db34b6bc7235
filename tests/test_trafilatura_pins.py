"""extract.py copies trafilatura 2.3.1's `extract_meta_json` loop and redoes its JSON-LD text preparation
and people's-names loop (`newsflow.jsontext`, `newsflow.jsonauthors`, speed18). pyproject pins
trafilatura==2.3.1; this fails when a bump changes any of those sources, so the copies are re-checked
against the new ones instead of silently diverging (review of speed18)."""

from __future__ import annotations

import hashlib
import inspect
import re
import sys
from typing import Any

import htmldate.core as htmldate_core
import htmldate.extractors as htmldate_extractors
import justext.core as justext_core
import trafilatura.external as trafilatura_external
import trafilatura.json_metadata as trafilatura_json
import trafilatura.metadata as trafilatura_metadata
import trafilatura.utils as trafilatura_utils

from newsflow import extract
from newsflow.freetext import FAST_TAGS
from newsflow.xpathguards import ExtractionXPath


def _sources() -> dict[str, Any]:
    """The functions as trafilatura ships them (extract.py swaps two of them in while extracting)."""
    return {"extract_meta_json": extract._original_meta_json or trafilatura_metadata.extract_meta_json,
            "normalize_json": trafilatura_json.normalize_json,
            "extract_json_author": extract._original_json_author or trafilatura_json.extract_json_author,
            "trim": trafilatura_utils.trim}


_DIGESTS = {"extract_meta_json": "f4232983df26bffd", "normalize_json": "0de27e0e4bdaf2f2",
            "extract_json_author": "8a9acb51926ec7c7", "trim": "b82ffd884c0dc230"}
_PATTERNS = {
    trafilatura_metadata.JSON_MINIFY: (r'("(?:\\.|[^"\\])*")|\s', 0),
    trafilatura_json.JSON_AUTHOR_2: (r'"[Pp]erson"[^}]+?"names?".+?"([^"]+)', re.DOTALL),
    trafilatura_json.JSON_UNICODE_REPLACE: (r"\\u([0-9a-fA-F]{4})", 0),
    trafilatura_utils.HTML_STRIP_TAGS: (r"(<!--.*?-->|<[^>]*>)", 0),
}


def test_the_copied_and_redone_trafilatura_sources_are_2_3_1s() -> None:
    for name, function in _sources().items():
        digest = hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]
        assert digest == _DIGESTS[name], f"trafilatura's {name} changed: re-check newsflow's copy against it"
    for pattern, (text, flags) in _PATTERNS.items():
        assert (pattern.pattern, pattern.flags & ~re.UNICODE) == (text, flags)


_JUSTEXT_DIGESTS = {"revise_paragraph_classification": "cdb816fa335044f0", "_get_neighbour": "2b29d11400c9c65c",
                    "get_prev_neighbour": "b5c2e2ea07186138", "get_next_neighbour": "896f4a49f90c7bfa"}


def test_the_redone_justext_and_htmldate_passes_are_3_0_2s_and_1_11_0s() -> None:
    """extract.py swaps in `newsflow.justextlinear` for jusText 3.0.2's classification (as trafilatura's fallback
    names it) and `newsflow.freetext` for htmldate 1.11.0's free-text XPath (red team 27): this fails when a bump
    changes either source or the names the hooks replace, so the copies are re-checked (review of red team 27)."""
    for name, digest in _JUSTEXT_DIGESTS.items():
        source = inspect.getsource(getattr(justext_core, name))
        assert hashlib.sha256(source.encode()).hexdigest()[:16] == digest, f"jusText's {name} changed: re-check"
    assert "revise_paragraph_classification(paragraphs, 150)" in inspect.getsource(trafilatura_external.try_justext)
    assert htmldate_extractors.FREE_TEXT_EXPRESSIONS.path == (
        ".//*[" + " or ".join(f"self::{tag}" for tag in htmldate_extractors.FAST_TAGS) + "]/text()")
    assert frozenset(htmldate_extractors.FAST_TAGS) == FAST_TAGS
    assert "for segment in FREE_TEXT_EXPRESSIONS(search_tree):" in inspect.getsource(htmldate_core.find_date)


def _re_test_xpaths() -> list[Any]:
    """Every XPath object of trafilatura's modules (alone or in a module-level list) whose path calls `re:test`."""
    found = {id(item): item for name, module in list(sys.modules.items()) if name.partition(".")[0] == "trafilatura"
             for value in vars(module).values() for item in (value if isinstance(value, list) else [value])
             if "re:test" in str(getattr(item, "path", ""))}
    return list(found.values())


def test_the_xpaths_guarded_inside_extraction_are_2_3_1s() -> None:
    """`newsflow.xpathguards` guards trafilatura 2.3.1's `re:test` XPaths, an equivalence argued for these strings
    (element-only paths; single-quoted patterns that cannot match ""): a bump that changes, adds or drops any of them
    fails here, so the guards are re-checked instead of silently applied to new shapes (review of speed32)."""
    extract.extract_article("<html><body><p>x</p></body></html>", "https://example.com/a")  # installs the twins
    xpaths = _re_test_xpaths()
    assert all(isinstance(item, ExtractionXPath) for item in xpaths), "a re:test XPath of trafilatura's has no twin"
    paths = sorted({item.own.path for item in xpaths})
    digest = hashlib.sha256("\n".join(paths).encode()).hexdigest()[:16]
    changed = "trafilatura's re:test XPaths changed: re-check newsflow.xpathguards against them"
    assert (len(paths), digest) == (21, "6c52a329b3883810"), changed
