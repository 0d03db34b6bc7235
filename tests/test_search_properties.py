"""`newsflow search` against a brute-force reference, on generated small warehouses.

Each example stores random articles (a small vocabulary, four languages, three sites, two feeds,
syndicated copies) and runs random queries, with random --since, --until, --feed and --language,
through the CLI's search (stories, outlets, first outlet), its attention counts (per day and week,
zero-filled, and per source) and the SQL macro `search_articles`. A few lines of plain Python say
what each must return (docs/search.md): every clause holds (one of its alternatives: a word, or a
phrase whose words are in the text in order), no excluded word or phrase does (`-x`, `NOT x`), and
a stop word of the article's language counts as present.
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


def expected_periods(matches: list[Doc], kept: list[Doc], filters: SearchFilters, by: str
                     ) -> list[tuple[date, int, int]]:
    """Per day or week (from Monday), from the first match (or --since) to the last day anything was collected
    under the filters (`kept`; or --until; "Analyst 45"), zero-filled: stories first seen in the period, and
    articles."""
    def period(day: date) -> date:
        return day - timedelta(days=day.weekday()) if by == "week" else day

    days = sorted({_day(d) for d in matches})
    collected = sorted({_day(d) for d in kept + matches})
    lo, hi = filters.since or (days[0] if days else None), filters.until or (collected[-1] if collected else None)
    if lo is None or hi is None:
        return []
    firsts: dict[str, date] = {}
    for doc in matches:
        story = doc.story or doc.slug
        firsts[story] = min(firsts.get(story, _day(doc)), _day(doc))
    step = 7 if by == "week" else 1
    span = [period(lo) + timedelta(days=n) for n in range(0, (period(hi) - period(lo)).days + 1, step)]
    return [(p, sum(1 for f in firsts.values() if period(f) == p), sum(1 for d in matches if period(_day(d)) == p))
            for p in span]


def expected_sources(matches: list[Doc]) -> dict[str, tuple[int, int]]:
    return {site: (len({d.story or d.slug for d in matches if _site(d) == site}),
                   sum(1 for d in matches if _site(d) == site)) for site in {_site(d) for d in matches}}


@st.composite
def filters(draw: st.DrawFn) -> SearchFilters:
    day = st.none() | st.integers(min_value=0, max_value=7).map(lambda n: (TODAY - timedelta(days=n)).date())
    since, until = draw(day), draw(day)
    if since and until and since > until:
        since, until = until, since
    return SearchFilters(since, until, draw(st.none() | st.sampled_from(["planet", "gazette"])),
                         draw(st.none() | st.sampled_from(["en", "de", "xx"])))


def _kept(doc: Doc, f: SearchFilters) -> bool:
    return ((f.since is None or _day(doc) >= f.since) and (f.until is None or _day(doc) <= f.until)
            and (f.feed is None or doc.feed == f.feed) and (f.language is None or doc.language == f.language))


def check(store: Warehouse, docs: list[Doc], text: str, clauses: list[list[Phrase]], excluded: list[Phrase],
          where: SearchFilters) -> None:
    everywhere = reference(docs, clauses, excluded)
    matches = [d for d in everywhere if _kept(d, where)]
    result = search.search_stories(store, text, where, 1000)
    got = {row[0]: (row[2], row[3], row[4]) for row in result.rows}
    assert got == expected_stories(matches), text
    for by in ("day", "week"):
        rows = search.search_attention(store, text, where, by).rows
        kept = [d for d in docs if _kept(d, where)]
        assert [(row[0], row[1], row[2]) for row in rows] == expected_periods(matches, kept, where, by), (text, by)
    sources = search.search_attention(store, text, where, "source").rows
    assert {row[0]: (row[1], row[2]) for row in sources} == expected_sources(matches), text
    macro = run_read_query(store, "SELECT article_id FROM search_articles($q)", {"q": text})
    assert sorted(r[0] for r in macro.rows) == sorted(d.slug for d in everywhere), text


@settings(max_examples=10, deadline=None)
@given(corpora(), st.lists(st.tuples(queries(), filters()), min_size=1, max_size=8))
def test_search_matches_a_brute_force_reference(
    docs: list[Doc], typed: list[tuple[tuple[str, list[list[Phrase]], list[Phrase]], SearchFilters]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = store_docs(Path(scratch) / "w.duckdb", docs)
        search.refresh(store)
        for (text, clauses, excluded), where in typed:
            check(store, docs, text, clauses, excluded, where)
