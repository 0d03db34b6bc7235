"""Acronyms (docs/search.md, "Analyst 20"): `U.S.`, `US` and `u.s.` find one another and not the pronoun
`us`; `UN` is not French `un`, `WHO` not `who`; `UK` finds `U.K.`. In `newsflow search` and in the SQL macro.
Migration 0090 takes the articles indexed before with an acronym out of the index; the next update puts
them back."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.search_acronyms import ACRONYM_WORDS, acronym_terms, query_acronym
from newsflow.search_query import parse_query
from newsflow.search_text import analyse, search_tokens
from newsflow.warehouse import Warehouse, run_read_query, search_index, sql_root
from tests.searchsample import Doc, found, found_by_macro, indexed_after_migration, store_docs

DOCS = [
    Doc("us-dotted", "Troops", "U.S. troops left the base."),
    Doc("us-caps", "Troops", "US troops left the base."),
    Doc("us-pronoun", "Troops", "They told us the troops left the base."),
    Doc("uk-dotted", "Talks", "The U.K. joined the talks."),
    Doc("uk-caps", "Talks", "UK ministers joined the talks."),
    Doc("un-caps", "Council", "The UN Security Council met."),
    Doc("un-dotted", "Council", "The U.N. council met."),
    Doc("un-french", "Accord", "Un accord a été signé au conseil.", language="fr"),
    Doc("who-caps", "Vaccine", "WHO warns on the vaccine."),
    Doc("who-pronoun", "Vaccine", "Those who got the vaccine were fine."),
    Doc("nyc-dotted", "Subway", "The N.Y.C. subway flooded."),
    Doc("nyc-caps", "Subway", "The NYC subway flooded again."),
    Doc("am-time", "Morning", "The vote closes at 10 a.m. today."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("acronyms") / "warehouse" / "news.duckdb", DOCS)
    search.refresh(store)
    return store



US = ["us-caps", "us-dotted"]


# Each query costs ~0.7 s (the CLI's path and the macro bind their SQL): a few that cover the rule.
@pytest.mark.parametrize(("query", "articles"), [
    ("US troops", US),  # on main: `US` was `us`, and found the pronoun too
    ("U.S. OR u.s.", US),  # on main: the phrase `u s`, which missed `US`
    ("us", ["us-caps", "us-dotted", "us-pronoun"]),  # in lower case the word, pronoun and country alike
    ('"US" troops', ["us-caps", "us-dotted", "us-pronoun"]),  # quoted: the plain word, as `us`
    ("UK", ["uk-caps", "uk-dotted"]),  # on main `UK` missed `U.K.`
    ("U.K.", ["uk-caps", "uk-dotted"]),  # and `U.K.` missed `UK`
    ("UN", ["un-caps", "un-dotted"]),  # on main: not `U.N.`
    ("UN accord", []),  # on main: every French article with `accord` (`un` is a French stop word)
    ("WHO vaccine", ["who-caps"]),  # on main: every English article with `vaccine` (`who` a stop word)
    ("N.Y.C. subway", ["nyc-caps", "nyc-dotted"]),  # on main `N.Y.C.` (the phrase `n y c`) missed `NYC`
    ('"a.m."', ["am-time"]),  # a time: quoted, the letters (unquoted `a.m.` is the acronym AM)
])
def test_an_acronym_finds_its_spellings_and_not_the_common_word(store: Warehouse, query: str,
                                                                articles: list[str]) -> None:
    assert found(store, query) == articles
    assert found_by_macro(store, query) == articles


def test_an_acronym_adds_terms_but_no_length() -> None:
    plain = analyse("Troops", "They left the base.", "en")
    dotted = analyse("Troops", "They left the U.S. base.", "en")
    assert dotted.length == plain.length + 2  # `u` and `s`, as before; `us` and `US` add none
    assert dotted.terms["US"] == 1 and dotted.terms["us"] == 1 and dotted.forms["US"] == "US"
    assert analyse(None, "The U.K. and UK.", "en").terms["uk"] == 2
    assert "UN" in analyse(None, "L'ONU, UN.", "fr").terms and "un" not in analyse(None, "Un UN.", "fr").terms
    assert acronym_terms("Hello World, the usual text.") == {}  # no capitals in a row, no dotted letters


def test_attention_by_word_lists_no_acronym_term(store: Warehouse) -> None:
    words = [row[0] for row in search.search_attention(store, "US OR us", search.SearchFilters(), "word", 50).rows]
    assert "us" in words and "US" not in words


WORDS = st.sampled_from(["US", "U.S.", "u.s.", "us", "Us", "UK", "U.K.", "uk", "UN", "U.N.", "un", "WHO", "who",
                         "N.Y.C.", "NYC", "AM", "a.m.", "NATO", "Nato", "USA", "U.S.A.", "e.g.", "IT", "it",
                         "x", "-", ".", "'", "é", "É"])
SEPARATORS = st.sampled_from([" ", "", ".", ",", "-", "_", "\u0301"])


@settings(max_examples=8, deadline=None)  # an example is one statement binding the macros: many texts each
@given(st.lists(st.lists(st.tuples(WORDS, SEPARATORS), max_size=6), min_size=1, max_size=40))
@example([[("U.S.", " ")], [("e.g.", " ")], [("NATO", "")], [("US", "_")], [("IT", "\u0301")]])
def test_the_query_rule_and_the_migration_agree_with_the_index(store: Warehouse,
                                                               texts_parts: list[list[tuple[str, str]]]) -> None:
    texts = ["".join(w + s for w, s in parts) for parts in texts_parts]
    # the SQL macro reads a query word as `newsflow search` does
    words = [w for parts in texts_parts for w, _ in parts]
    sql = run_read_query(store, "SELECT list_transform($w, lambda x: search_acronym(x))", {"w": words}).rows[0][0]
    assert sql == [query_acronym(w) for w in words]
    # migration 0090 takes out every text whose acronyms add terms (and more only where no term is added
    # because a dotted acronym is followed by a letter, `U.Sx`, which its pattern does not look at)
    taken = run_read_query(store, f"SELECT list_transform($t, lambda x: regexp_matches(x, {MIGRATION_PATTERN}))",
                           {"t": texts}).rows[0][0]
    for text, out in zip(texts, taken, strict=True):
        assert out or not acronym_terms(text), text


MIGRATION_PATTERN = re.search(r"coalesce\(a\.\"text\", ''\),\s*(.*?)\);", (
    sql_root() / "migrations" / "0090_search_acronyms.sql").read_text(encoding="utf-8"), re.S)[1]


def test_the_common_words_are_the_stop_words_and_us() -> None:
    assert {"us", "un", "who", "it", "am"} <= ACRONYM_WORDS and "nato" not in ACRONYM_WORDS
    assert parse_query("NATO").clauses == ((("nato",),),)  # not a common word: every spelling, as before
    assert parse_query("-U.S. syria").excluded == (("US",),)


def test_migration_0090_takes_articles_indexed_the_old_way_out_and_the_next_update_puts_them_back(
        tmp_path: Path) -> None:
    store = store_docs(tmp_path / "news.duckdb", DOCS)
    search.refresh(store)
    left, orphans = indexed_after_migration(store, "0090_search_acronyms.sql")
    # `UK` and `NYC` in capitals add no term (their letters make no common word): left as they were
    assert left == {"us-pronoun", "who-pronoun", "un-french", "am-time", "uk-caps", "nyc-caps"} and orphans == 0
    assert search.unindexed_count(store) == len(DOCS) - 6
    assert search.refresh(store) == len(DOCS) - 6
    assert found(store, "US") == US


WORLD_WORDS = ["US", "U.S.", "us", "UN", "un", "U.N.", "troops", "air", "ณ", "ตลาด", "ณตลาด", "ก"]
WORLD_QUERIES = ["US", "U.S. troops", "us", "UN -troops", "ณ", "ณ OR US", "air -ณ", "ก ตลาด"]


@settings(max_examples=6, deadline=None)  # an example builds and indexes a warehouse and runs 16 searches
@given(st.lists(st.tuples(st.lists(st.sampled_from(WORLD_WORDS), min_size=1, max_size=10),
                          st.sampled_from(["en", "fr", "th", None]), st.integers(min_value=0, max_value=3)),
                min_size=1, max_size=12),
       st.integers(min_value=1, max_value=3))
def test_acronyms_and_one_unit_keep_the_pruned_search_exact_and_find_what_they_say(
        texts: list[tuple[list[str], str | None, int]], limit: int) -> None:
    docs = [Doc(f"a{i:03}", "news", " ".join(words), language=lang, story=f"a{story:03}" if story < i else None)
            for i, (words, lang, story) in enumerate(texts)]
    with tempfile.TemporaryDirectory() as scratch:
        store = store_docs(Path(scratch) / "w.duckdb", docs)
        search.refresh(store)
        _check_world(store, docs, limit)


def _check_world(store: Warehouse, docs: list[Doc], limit: int) -> None:
    with pytest.MonkeyPatch.context() as patch:  # one candidate per story: small indexes prune and widen too
        patch.setattr(search_index, "STORY_DEPTH", 1)
        patch.setattr(search_index, "PRUNE_WIDTH", 1)
        for query in WORLD_QUERIES:
            pruned = search.search_stories(store, query, search.SearchFilters(), limit).rows
            exact = search.search_stories(store, query, search.SearchFilters(), limit, prune=False).rows
            assert pruned == exact, query
    # `US` finds the stories with an article writing it in capitals, `ณ` those with the unit anywhere
    for query, holds in (("US", lambda text: bool(acronym_terms(text).get("US"))),
                         ("ณ", lambda text: "ณ" in search_tokens(text))):
        stories = {doc.story or doc.slug for doc in docs if holds(doc.text)}
        assert set(found(store, query)) <= stories and len(found(store, query)) == min(len(stories), 20), query
