# ruff: noqa: RUF001, RUF002, RUF003 - apostrophes and dashes of every kind on purpose
"""What an analyst types (docs/search.md, "Analyst 42"): an apostrophe of any kind (`'`, `’`, `ʼ` U+02BC, the
ʻokina U+02BB, transliteration's `ʾ` `ʿ`, full-width `＇`, a backtick or acute typed for one) finds the word
written with any other, both ways, joined or apart; a quoted phrase with one finds the text writing the word with
it or joined; numbers typed with a separator find that separator, any dash for a dash, a decimal comma for a
decimal point."""

from __future__ import annotations

import functools
import shutil
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import cli, search
from newsflow.search import SearchFilters
from newsflow.search_apostrophes import apostrophe_terms
from newsflow.search_query import parse_query
from newsflow.search_text import analyse, search_tokens
from newsflow.warehouse import Warehouse, sql_root
from tests.searchsample import Doc, found_by_macro, indexed_after_migration, store_docs, stories_on
from tests.test_search_analyst41 import taken_by_0099

DOCS = [
    Doc("obrien-ascii", "Talks", "Pat O'Brien spoke.", language="en"),
    Doc("obrien-modifier", "Vote", "Pat OʼBrien voted.", language="en"),  # U+02BC, a modifier letter
    Doc("obrien-joined", "Handle", "Pat OBrien posted.", language="en"),
    Doc("obrien-fullwidth", "Press", "記者 Pat O＇Brien 说。", language=None),  # full-width, as CJK keyboards type it
    Doc("oneal-backtick", "Dunk", "Shaquille O`Neal scored.", language="en"),  # a backtick typed for one
    Doc("smith", "Other", "Pat Smith met Brien.", language="en"),
    Doc("hawaii-okina", "Lava", "Lava reached Hawaiʻi island.", language="en"),  # the ʻokina, U+02BB
    Doc("hawaii-ascii", "Surf", "Surf on Hawai'i today.", language="en"),
    Doc("myaso-modifier", "Ціни", "Ціни на мʼясо зросли.", language="uk"),  # Ukrainian's apostrophe, U+02BC
    Doc("myaso-ascii", "Ринок", "Ринок: м'ясо дешевшає.", language="uk"),
    Doc("quran-ayn", "Faith", "Shiʿite scholars read the Qurʾan.", language="en"),  # transliteration's ʿ ʾ
    # a letter of the word (the ʻokina, ayin, prime) after 1-2 letters, or before a lower-case one
    Doc("oahu-okina", "Surf", "Big waves on Oʻahu and Niʻihau.", language="en"),
    Doc("qaida-ayn", "Cell", "A cell of al-Qaʿida and the Baʿath party.", language="en"),
    Doc("qaida-plain", "Raid", "A raid on al-Qaida ended.", language="en"),  # the words written joined
    Doc("lviv-prime", "Rail", "Trains reached Lʹviv late.", language="en"),
    # a phrase with an apostrophe and numbers with a separator: the separator holds in each of its writings
    Doc("darcy-dash", "Match", "Coach DArcy won 4–1 there.", language="en"),
    Doc("darcy-colon", "Spiel", "Coach DArcy won 4:1 there.", language="en"),
    Doc("kauai-date", "Memory", "On Kauaʻi 9/11 was marked.", language="en"),
    Doc("kauai-apart", "Boats", "On Kauaʻi 9, 11 boats left.", language="en"),
    Doc("europe-modifier", "Débat", "Le débat sur lʼEurope des nations.", language="fr"),
    Doc("europe-ascii", "Vote", "Pour l'Europe des nations, dit-il.", language="fr"),
    Doc("europe-bare", "Autre", "Une Europe des nations libres.", language="fr"),  # without `l'`: not the phrase
    Doc("score-hyphen", "Final", "They won 3-2 at home.", language="en"),
    Doc("score-dash", "Cup", "They lost 3–2 away.", language="en"),  # an en dash, the usual score form
    Doc("score-colon", "Endstand", "Es endete 3:2.", language="de"),
    Doc("decimal-point", "Growth", "Growth was 2.5 percent.", language="en"),
    Doc("decimal-comma", "Wachstum", "Das Wachstum lag bei 2,5 Prozent.", language="de"),
    Doc("around-clock", "Shop", "Open 24/7 now.", language="en"),
    Doc("around-dash", "Bar", "Open 24-7 here.", language="en"),
    Doc("score-fullwidth", "試合", "試合は５－１で勝った。", language="ja"),  # full-width digits and dash, as typeset
    Doc("date-fullwidth", "記念", "９／１１の記念日。", language="ja"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("analyst42") / "news.duckdb", DOCS)
    search.refresh(store)
    return store


def found_each(store: Warehouse, expected: dict[str, list[str]]) -> dict[str, list[str]]:
    with store.reading() as con:
        return {query: sorted(row[0] for row in stories_on(con, query, SearchFilters(), 30)) for query in expected}


OBRIEN = ["obrien-ascii", "obrien-fullwidth", "obrien-joined", "obrien-modifier"]


def test_an_apostrophe_of_any_kind_finds_the_others_both_ways(store: Warehouse) -> None:
    expected = {
        "obrien": OBRIEN, "O'Brien": OBRIEN, "OʼBrien": OBRIEN, "O’Brien": OBRIEN,
        "O＇Brien": OBRIEN, "O`Brien": OBRIEN, "oneal": ["oneal-backtick"], "O'Neal": ["oneal-backtick"],
        "hawaii": ["hawaii-ascii", "hawaii-okina"], "Hawai'i": ["hawaii-ascii", "hawaii-okina"],
        "Hawaiʻi": ["hawaii-ascii", "hawaii-okina"],
        "мʼясо": ["myaso-ascii", "myaso-modifier"], "м'ясо": ["myaso-ascii", "myaso-modifier"],
        "м’ясо": ["myaso-ascii", "myaso-modifier"],
        "quran": ["quran-ayn"], "Qur'an": ["quran-ayn"], "shiite": ["quran-ayn"], "Shi'ite": ["quran-ayn"],
        "europe": ["europe-ascii", "europe-bare", "europe-modifier"],
    }
    assert found_each(store, expected) == expected


def test_a_letter_written_as_an_apostrophe_joins_its_word_after_any_part(store: Warehouse) -> None:
    # the ʻokina, ayin, hamza and prime are sounds of the word, never an elision or a contraction: `Oʻahu` is
    # written `Oahu` as `Hawaiʻi` is `Hawaii`, though `O'ahu` with a typewriter apostrophe would not be joined
    expected = {"oahu": ["oahu-okina"], "niihau": ["oahu-okina"], "qaida": ["qaida-ayn", "qaida-plain"],
                "baath": ["qaida-ayn"], "lviv": ["lviv-prime"], "Oʻahu": ["oahu-okina"], "lʹviv": ["lviv-prime"],
                # a word with a hyphen too: its part with the apostrophe is also looked for joined
                "al-Qaʿida": ["qaida-ayn", "qaida-plain"], "al-Qa'ida": ["qaida-ayn", "qaida-plain"]}
    assert found_each(store, expected) == expected
    assert found_by_macro(store, "oahu OR qaida") == ["oahu-okina", "qaida-ayn", "qaida-plain"]
    assert apostrophe_terms("Oʻahu, Baʿath, Lʹviv; lʼEurope, Oʼahu") == Counter({"Oahu": 1, "Baath": 1, "Lviv": 1})


def test_a_quoted_phrase_with_an_apostrophe_finds_the_word_with_it_or_joined(store: Warehouse) -> None:
    expected = {
        '"Pat O\'Brien"': OBRIEN, '"pat oʼbrien"': OBRIEN, '"Pat O’Brien voted"': ["obrien-modifier"],
        '"Pat OBrien"': OBRIEN,  # typed joined: every writing too, as the index joins the word ("Analyst 43"; the
        # text writing it joined only before)
        '"l\'Europe des nations"': ["europe-ascii", "europe-modifier"],  # not `Europe des nations` without l'
        '"lʼEurope des nations"': ["europe-ascii", "europe-modifier"],
        '"Hawaiʻi island"': ["hawaii-okina"], '"on Hawai\'i"': ["hawaii-ascii"],
        '"Pat Brien"': [],
        '"D\'Arcy won 4-1"': ["darcy-dash"], '"Kauaʻi 9/11"': ["kauai-date"],
    }
    assert found_each(store, expected) == expected


def test_numbers_typed_with_a_separator_find_what_a_reader_means(store: Warehouse) -> None:
    expected = {
        "3-2": ["score-dash", "score-hyphen"], "3–2": ["score-dash", "score-hyphen"],  # any dash is a dash
        "3:2": ["score-colon"],  # a colon is not a dash: `10:30` is a time, `10-30` a range
        "2.5": ["decimal-comma", "decimal-point"], "2,5": ["decimal-comma", "decimal-point"],  # a decimal comma
        "24/7": ["around-clock"], "24-7": ["around-dash"],
        "5-1": ["score-fullwidth"], "5–1": ["score-fullwidth"], "５－１": ["score-fullwidth"], "5:1": [],
        "9/11": ["date-fullwidth", "kauai-date"], "９／１１": ["date-fullwidth", "kauai-date"],
    }
    assert found_each(store, expected) == expected


def test_the_sql_macro_reads_apostrophes_of_any_kind_alike(store: Warehouse) -> None:
    assert found_by_macro(store, "мʼясо") == ["myaso-ascii", "myaso-modifier"]
    assert found_by_macro(store, '"lʼEurope des nations"') == ["europe-ascii", "europe-modifier"]
    assert found_by_macro(store, "hawaii") == ["hawaii-ascii", "hawaii-okina"]
    assert found_by_macro(store, "3–2 OR 2,5") == ["decimal-comma", "decimal-point", "score-dash", "score-hyphen"]
    assert found_by_macro(store, "5-1 OR 9/11") == ["date-fullwidth", "kauai-date", "score-fullwidth"]


def test_a_modifier_apostrophe_cuts_a_word_as_an_apostrophe_does() -> None:
    assert search_tokens("OʼBrien Hawaiʻi Qurʾan ʿAli Lʹviv") == ["o", "brien", "hawai", "i", "qur", "an", "ali",
                                                                  "l", "viv"]
    assert apostrophe_terms("OʼBrien, O＇Neal, O`Neill, Hawaiʻi") == Counter({"OBrien": 1, "ONeal": 1, "ONeill": 1,
                                                                            "Hawaii": 1})


_PARTS = st.lists(st.sampled_from(["O", "o", "l", "Brien", "brien", "Hawai", "i", "s", "ll", "мʼ", "ясо", "x1",
                                   "Qur", "an", "É"]), min_size=1, max_size=3)
_MARKS = ["'", "ʼ", "ʻ", "ʾ", "ʿ", "ʹ", "ʽ", "＇", "`", "´", "’", " ", "-"]


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(_PARTS, st.sampled_from(_MARKS)), min_size=1, max_size=5))
@example([(["o", "brien"], "＇")])
def test_migration_0097_takes_out_exactly_the_texts_whose_words_change(words: list[tuple[list[str], str]]) -> None:
    texts = [mark.join(parts) for parts, mark in words] + [" ".join(mark.join(parts) for parts, mark in words)]
    migration = (sql_root() / "migrations" / "0097_search_apostrophes_of_every_kind.sql").read_text(encoding="utf-8")
    rule = migration[migration.index("WHERE "):migration.index(";", migration.index("WHERE "))]
    con = _connection()  # one for every example: a connection's open is most of an example's cost
    con.execute("CREATE OR REPLACE TABLE texts (i INTEGER, t VARCHAR)")
    con.executemany("INSERT INTO texts VALUES (?, ?)", list(enumerate(texts)))
    taken = {row[0] for row in con.execute(f"SELECT i FROM texts {rule}").fetchall()}
    # since 0099 the rule joins a lower-case `o＇brien` too, which 0097 did not take out: 0099 does ("Analyst 44")
    changed, taken_later = {i for i, text in enumerate(texts) if _changed_by_0097(text)}, taken_by_0099(con, texts)
    assert changed <= taken | taken_later and taken - changed <= taken_later


@functools.cache
def _connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _changed_by_0097(text: str) -> bool:
    """Whether the analysis before 0097 cut `text` otherwise: a modifier letter used as an apostrophe was a letter,
    and a full-width apostrophe or a backtick between letters joined no word."""
    if any(c in text for c in "ʹʻʼʽʾʿ"):
        return True
    return apostrophe_terms(text) != apostrophe_terms(text.replace("＇", " ").replace("`", " "))


def test_migration_0097_takes_out_only_the_articles_whose_words_change(store: Warehouse, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(store.path, copy)
    left, orphans = indexed_after_migration(Warehouse(copy), "0097_search_apostrophes_of_every_kind.sql")
    changed = {"obrien-modifier", "obrien-fullwidth", "oneal-backtick", "hawaii-okina", "myaso-modifier",
               "quran-ayn", "europe-modifier", "oahu-okina", "qaida-ayn", "lviv-prime",
               "kauai-date", "kauai-apart"}
    assert orphans == 0 and left == {doc.slug for doc in DOCS} - changed
    search.refresh(Warehouse(copy))
    expected = {"hawaii": ["hawaii-ascii", "hawaii-okina"], "мʼясо": ["myaso-ascii", "myaso-modifier"]}
    assert found_each(Warehouse(copy), expected) == expected


def test_the_help_names_apostrophes_of_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["search", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert "Hawaiʻi" in shown and "3–2" in shown and '"Pat O\'Brien"' in shown


_KINDS = ["'", "’", "‘", "ʼ", "＇", "`", "´"]  # the apostrophes read alike (not the letter marks: `Oʻahu` joins more)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_PARTS, st.sampled_from(_KINDS)), min_size=1, max_size=4), st.sampled_from(["en", "fr"]))
def test_an_apostrophe_of_any_kind_is_read_as_a_typewriter_one(words: list[tuple[list[str], str]],
                                                                language: str) -> None:
    written = " ".join(mark.join(parts) for parts, mark in words)
    typewriter = " ".join("'".join(parts) for parts, _ in words)
    assert analyse("", written, language) == analyse("", typewriter, language)
    assert parse_query(written) == parse_query(typewriter)
    assert parse_query(f'"{written}"') == parse_query(f'"{typewriter}"')
