"""`newsflow search` against a brute-force reference, on generated small warehouses.

Each example stores random articles (a small vocabulary, four languages, three sites, two feeds,
syndicated copies) and runs random queries through the CLI's search, its attention counts and
the SQL macro `search_articles`; a few lines of plain Python say what each must return
(docs/search.md): every clause holds (one of its alternatives: a word, or a phrase whose words
are in the text in order), no excluded word or phrase does, and a stop word of the article's
language counts as present.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.search import SearchFilters
from newsflow.search_text import analyser_language, is_stop_word, stem
from newsflow.text import word_tokens
from newsflow.warehouse import Warehouse, run_read_query
from tests.searchsample import TODAY, Doc, store_docs

STOP = ["the", "und"]  # an English and a German stop word
WORDS = [w for w in ["oil", "port", "gas", "bank", "fire", "film", "zoo", "kiwi", "tax", "road"]
         if all(stem(lang, w) == w for lang in ("en", "de"))]  # words every analyser keeps as they are
LANGUAGES = ["en", "de", None, "xx"]  # two with stemmers and stop words, none, one without a stemmer
SITES = ["s0.example", "www.s1.example", "s2.example"]


def _words(draw: st.DrawFn, vocabulary: list[str], n: int) -> list[str]:
    return [draw(st.sampled_from(vocabulary)) for _ in range(n)]


@st.composite
def corpora(draw: st.DrawFn) -> list[Doc]:
    docs: list[Doc] = []
    for i in range(draw(st.integers(min_value=1, max_value=12))):
        copy_of = draw(st.none() | st.integers(min_value=0, max_value=max(i - 1, 0))) if i else None
        text = " ".join(_words(draw, WORDS + STOP, draw(st.integers(min_value=0, max_value=10))))
        title = " ".join(_words(draw, WORDS + STOP, draw(st.integers(min_value=0, max_value=3)))).title()
        if copy_of is not None and draw(st.booleans()):
            title, text = docs[copy_of].title, docs[copy_of].text  # a syndicated copy, word for word
        docs.append(Doc(f"a{i:02}", title, text + draw(st.sampled_from(["", ".", ", oil!"])),
                        language=draw(st.sampled_from(LANGUAGES)), site=draw(st.sampled_from(SITES)),
                        days_ago=draw(st.integers(min_value=1, max_value=6)),
                        story=docs[copy_of].story or docs[copy_of].slug if copy_of is not None else None,
                        feed=draw(st.sampled_from(["planet", "gazette"]))))
    return docs


Phrase = tuple[str, ...]


@st.composite
def queries(draw: st.DrawFn) -> tuple[str, list[list[Phrase]], list[Phrase]]:
    """The query as typed, its clauses of alternatives, and its exclusions (stop words only as
    words ANDed with others: alone or OR'ed they would match articles with no indexed word)."""
    def phrase() -> Phrase:
        n = draw(st.integers(min_value=1, max_value=2))
        words = _words(draw, WORDS, 1) + _words(draw, WORDS + STOP, n - 1)
        return tuple(draw(st.permutations(words)))

    clauses = [[phrase() for _ in range(draw(st.integers(min_value=1, max_value=2)))]
               for _ in range(draw(st.integers(min_value=1, max_value=2)))]
    clauses += [[(w,)] for w in draw(st.lists(st.sampled_from(STOP), max_size=1))]
    excluded = [phrase() for _ in range(draw(st.integers(min_value=0, max_value=2)))]

    def typed(p: Phrase) -> str:
        return p[0] if len(p) == 1 else '"' + " ".join(p) + '"'

    parts = [" OR ".join(typed(p) for p in clause) for clause in clauses]
    parts += [draw(st.sampled_from(["-", "NOT ", 'NOT "" '])) + typed(p) for p in excluded]
    noise = draw(st.sampled_from(["", "OR ", '"" ', ", ", "AND "]))  # ignored: a leading OR, an empty phrase
    joints = [draw(st.sampled_from([" ", " AND "])) for _ in parts]
    return noise + "".join(j + part for j, part in zip(joints, draw(st.permutations(parts)), strict=True)), \
        clauses, excluded


def _holds(doc: Doc, phrase: Phrase) -> bool:
    lang = analyser_language(doc.language)
    tokens = word_tokens(doc.title + " " + doc.text)
    if not all(w in tokens or is_stop_word(lang, w) for w in phrase):
        return False
    return len(phrase) == 1 or f" {' '.join(phrase)} " in f" {' '.join(tokens)} "


def reference(docs: list[Doc], clauses: list[list[Phrase]], excluded: list[Phrase]) -> list[Doc]:
    return [d for d in docs if all(any(_holds(d, p) for p in clause) for clause in clauses)
            and not any(_holds(d, p) for p in excluded)]


def _day(doc: Doc) -> date:
    return (TODAY - timedelta(days=doc.days_ago)).date()


def _site(doc: Doc) -> str:
    return doc.site.removeprefix("www.")


def expected_stories(matches: list[Doc]) -> dict[str, tuple[int, int, str]]:
    """Per story: its outlets, its matching copies, and the site of its first copy."""
    by_story: dict[str, list[Doc]] = defaultdict(list)
    for doc in matches:
        by_story[doc.story or doc.slug].append(doc)
    return {story: (len({_site(d) for d in copies}), len(copies),
                    _site(min(copies, key=lambda d: (_day(d), d.slug))))
            for story, copies in by_story.items()}


def expected_days(matches: list[Doc]) -> list[tuple[date, int, int]]:
    """Per day from the first match to the last: stories first seen that day, and articles."""
    if not matches:
        return []
    firsts: dict[str, date] = {}
    for doc in matches:
        story = doc.story or doc.slug
        firsts[story] = min(firsts.get(story, _day(doc)), _day(doc))
    days = sorted({_day(d) for d in matches})
    span = [days[0] + timedelta(days=n) for n in range((days[-1] - days[0]).days + 1)]
    return [(day, sum(1 for f in firsts.values() if f == day), sum(1 for d in matches if _day(d) == day))
            for day in span]


def check(store: Warehouse, docs: list[Doc], text: str, clauses: list[list[Phrase]], excluded: list[Phrase]) -> None:
    matches = reference(docs, clauses, excluded)
    result = search.search_stories(store, text, SearchFilters(), 1000)
    got = {row[0]: (row[2], row[3], row[4]) for row in result.rows}
    assert got == expected_stories(matches), text
    by_day = search.search_attention(store, text, SearchFilters(), "day")
    assert [(row[0], row[1], row[2]) for row in by_day.rows] == expected_days(matches), text
    macro = run_read_query(store, "SELECT article_id FROM search_articles($q)", {"q": text})
    assert sorted(r[0] for r in macro.rows) == sorted(d.slug for d in matches), text


@settings(max_examples=10, deadline=None)
@given(corpora(), st.lists(queries(), min_size=1, max_size=8))
def test_search_matches_a_brute_force_reference(docs: list[Doc],
                                                 typed: list[tuple[str, list[list[Phrase]], list[Phrase]]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = store_docs(Path(scratch) / "w.duckdb", docs)
        search.refresh(store)
        for text, clauses, excluded in typed:
            check(store, docs, text, clauses, excluded)
