"""The people's names in JSON-LD that does not parse (`newsflow.jsonauthors`, speed18): the names
trafilatura's own quadratic loop finds, read in one pass, and used only inside `extract_article`."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import trafilatura
import trafilatura.json_metadata as trafilatura_json
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import extract
from newsflow.jsonauthors import PERSON_NAME, _matches, person_names

# Pieces that make and break matches: openings (whole and cut in two), name keys, quotes, braces, names
# with and without a space, and valid people.
_PIECES = ['"Person"', '"person"', '"Per', 'son"', '"name"', '"names"', '"nam', 'e"', '"', "}", "{", " ", ":", ",",
           "\n", "a", "Ann", "Jo Do", '"Jo Do"', '{"@type":"Person","name":"Al Bo"}', '"Person","name":"Cy"']


_FIRST = ("Ann", "Bo", "Cyd", "Dora", "Eve", "Finn", "Gus", "Hal", "Ida", "Jon")
_LAST = ("Abel", "Barr", "Cole", "Dunn", "Eck", "Ford", "Gray", "Hart", "Ives", "Judd")


def trafilatura_loop(text: str) -> str | None:
    """trafilatura's own `extract_json_author` for the people pattern (extract.py may have wrapped it)."""
    own = extract._original_json_author or trafilatura_json.extract_json_author
    return own(text, trafilatura_json.JSON_AUTHOR_2)  # type: ignore[no-any-return]


def test_the_pattern_is_trafilaturas() -> None:
    assert (PERSON_NAME.pattern, PERSON_NAME.flags) == (trafilatura_json.JSON_AUTHOR_2.pattern,
                                                        trafilatura_json.JSON_AUTHOR_2.flags)


@settings(max_examples=150)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_the_same_names_as_trafilaturas_loop(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert person_names(text, trafilatura_json.normalize_authors) == trafilatura_loop(text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_the_matches_are_finditers(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert [(m.span(), m[1]) for m in _matches(text)] == [(m.span(), m[1]) for m in PERSON_NAME.finditer(text)]


def test_openings_that_cannot_match_are_read_once() -> None:
    """Review of speed18: `"Person" ` 4,000 times, no `}`: finditer tried every opening to the end (quadratic)."""
    text = '"Person" ' * 4000 + '}{"@type":"Person","name":"Al Bo"}' + '"person"' * 4000
    calls = 0

    def counting(authors: str | None, name: str) -> str | None:
        nonlocal calls
        calls += 1
        return trafilatura_json.normalize_authors(authors, name)

    started = time.process_time()
    assert person_names(text, counting) == "Al Bo" and calls == 1
    assert time.process_time() - started < 0.2, "an opening that cannot match was read to the text's end"


def test_many_people_in_order_until_a_name_without_a_space() -> None:
    people = "".join(f'{{"@type":"Person","name":"{first} {last}"}},' for first in _FIRST for last in _LAST)
    text = f'{{"author":[{people}{{"@type":"Person","name":"Solo"}},{{"@type":"Person","name":"After Solo"}}]'
    found = person_names(text, trafilatura_json.normalize_authors)
    assert found == trafilatura_loop(text)
    assert found is not None and found.startswith("Ann Abel; Ann Barr; Ann Cole") and "Solo" not in found


_BROKEN_JSON_LD_PAGE = """<html lang="en"><head><title>Live: the day's news</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"LiveBlogPosting",
"headline":"Live: the day's news","author":[PEOPLE] "broken": }</script></head><body><article>
<h1>Live: the day's news</h1><p>PARAGRAPH</p><p>PARAGRAPH</p></article></body></html>"""


def _broken_page() -> str:
    people = ",".join(f'{{"@type":"Person","name":"{first} {last}"}}' for first in _FIRST[:4] for last in _LAST)
    paragraph = "The council met on Tuesday evening and voted to keep the library open for another year. " * 3
    return _BROKEN_JSON_LD_PAGE.replace("PEOPLE", people).replace("PARAGRAPH", paragraph)


def test_extract_article_reads_the_names_linearly_and_trafilatura_alone_its_own_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def spied(text: str, add: Any) -> str | None:
        calls.append(text)
        return person_names(text, add)

    monkeypatch.setattr(extract, "person_names", spied)
    html = _broken_page()
    article = extract.extract_article(html, "https://news.example/live")
    assert article is not None and calls, "the linear reading was not used inside extract_article"
    alone = trafilatura.bare_extraction(html, url="https://news.example/live", with_metadata=True)
    assert len(calls) == 1, "trafilatura called alone must run its own loop"
    assert article.author == alone.author
    assert re.fullmatch(r"Ann Abel; Ann Barr; .*; Dora Judd", article.author or "")
