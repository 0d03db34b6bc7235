"""trafilatura's JSON-LD text preparation redone in C loops (`newsflow.jsontext`, speed18): the same
strings as trafilatura's own, and used only inside `extract_article`."""

from __future__ import annotations

from typing import Any

import pytest
import trafilatura
import trafilatura.json_metadata as trafilatura_json
import trafilatura.metadata as trafilatura_metadata
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import extract
from newsflow.jsontext import minified, normalized

# JSON's characters, and the ones the preparation treats apart: escapes (a lone surrogate among them),
# whitespace (Unicode's too), tags, comments, entities, unclosed strings.
_PIECES = ['"', "\\", '\\"', "\\n", "\\t", "\\r", "\\u00e9", "\\ud83d", "\\uDE00", "\\u12", " ", "\n", "\t",
           "\u00a0", "\u2003", "{", "}", "[", "]", ":", ",", "a", "é", "<b>", "</b>", "<!-- c -->", "<", ">",
           "&amp;", "&#233;", '"name": "Al Bo"', "\ud800"]


@settings(max_examples=150)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_the_same_text_as_trafilaturas(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert minified(text) == trafilatura_metadata.JSON_MINIFY.sub(r"\1", text)
    assert normalized(text) == trafilatura_json.normalize_json(text)
    prepared = trafilatura_json.normalize_json(trafilatura_metadata.JSON_MINIFY.sub(r"\1", text))
    assert normalized(minified(text)) == prepared


_PAGE = """<html lang="en"><head><title>A council story</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
  "headline": "The council keeps the library open", "author": {"@type": "Person", "name": "Ann Ab\\u00e9l"},
  "datePublished": "2026-03-01T09:00:00+01:00"}</script></head><body><article><h1>The council keeps the library
open</h1><p>PARAGRAPH</p><p>PARAGRAPH</p></article></body></html>"""


def test_extract_article_prepares_the_text_its_way_and_trafilatura_alone_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def spied(text: str) -> str:
        calls.append(text)
        return minified(text)

    monkeypatch.setattr(extract, "minified", spied)
    html = _PAGE.replace("PARAGRAPH", "The council met on Tuesday evening and voted to keep the library open. " * 3)
    article = extract.extract_article(html, "https://news.example/council")
    assert article is not None and len(calls) == 1, "the JSON-LD text was not prepared by newsflow.jsontext"
    alone: Any = trafilatura.bare_extraction(html, url="https://news.example/council", with_metadata=True)
    assert len(calls) == 1, "trafilatura called alone must prepare the text its own way"
    assert article.author == alone.author == "Ann Abél"
