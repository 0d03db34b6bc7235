"""extract.py copies trafilatura 2.3.1's `extract_meta_json` loop and redoes its JSON-LD text preparation
and people's-names loop (`newsflow.jsontext`, `newsflow.jsonauthors`, speed18). pyproject pins
trafilatura==2.3.1; this fails when a bump changes any of those sources, so the copies are re-checked
against the new ones instead of silently diverging (review of speed18)."""

from __future__ import annotations

import hashlib
import inspect
import re
from typing import Any

import trafilatura.json_metadata as trafilatura_json
import trafilatura.metadata as trafilatura_metadata
import trafilatura.utils as trafilatura_utils

from newsflow import extract


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
