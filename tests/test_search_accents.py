# ruff: noqa: RUF001 - Turkish, Greek and accented Latin letters on purpose
"""Words typed without their accents (docs/search.md, "Eighteenth session"): a word written with accented
Latin letters is indexed under its bare form too, so `ha noi` finds `Hà Nội`, `cafe` `café`, `lodz` `Łódź`,
in `newsflow search` and in the SQL macro, while a word typed with accents finds only those (`año` is not
`ano`). A phrase typed without accents is checked in the phrase text without them. Migration 0086 takes the
articles indexed before with an accented letter out of the index; the next update puts them back."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.search import SearchFilters
from newsflow.search_text import UNACCENTED, UNACCENTED_PAIRS, analyse, search_tokens, unaccented
from newsflow.warehouse import Warehouse, run_read_query, sql_root
from tests.searchsample import Doc, found, found_by_macro, indexed_after_migration, store_docs

DOCS = [
    Doc("hanoi", "Tin tức", "Hôm nay Hà Nội mưa lớn.", language="vi"),
    Doc("ha-noi-other", "Tin", "Hạ nơi khác xa.", language="vi"),  # other words, the same bare forms
    Doc("cafe-fr", "Le café", "Un café à Zürich et à São Paulo.", language="fr"),
    Doc("zurich-en", "Banks", "Banks in Zurich and Sao Paulo.", language="en"),
    Doc("lodz", "Miasto", "Miasto Łódź rośnie.", language="pl"),
    Doc("ano", "Noticias", "El año pasado.", language="es"),
    Doc("istanbul", "Haber", "Beşiktaş kazandı.", language="tr"),
    Doc("oeuvre", "Art", "Une œuvre de Dvořák.", language=None),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("accents") / "warehouse" / "news.duckdb", DOCS)
    search.refresh(store)
    return store



# Each query costs ~0.7 s (the CLI's path and the macro bind their SQL): a few that cover the rule.
@pytest.mark.parametrize(("query", "articles"), [
    # toneless Vietnamese, as typed on most phones; the phrase found in the text without tones too
    ('"ha noi" OR lodz OR besiktas OR oeuvre OR dvorak', ["ha-noi-other", "hanoi", "istanbul", "lodz", "oeuvre"]),
    ('"sao paulo" cafe', ["cafe-fr"]),  # typed bare: every spelling (`zurich-en` has no `cafe`)
    ('zurich', ["cafe-fr", "zurich-en"]),
    # typed with accents: only those accents, words and phrases (`año` is not `ano`, `hà nội` not `hạ nơi`)
    ('"hà nội" OR año OR "são paulo" OR zürich', ["ano", "cafe-fr", "hanoi"]),
    # a phrase with one accent is checked as typed; `ü` is `u`, not `ue`
    ('"hà noi" OR zuerich', []),
])
def test_a_word_typed_without_accents_finds_it_written_with_them(store: Warehouse, query: str,
                                                                  articles: list[str]) -> None:
    assert found(store, query) == articles
    assert found_by_macro(store, query) == articles


def test_filters_combine_with_words_typed_without_accents(store: Warehouse) -> None:
    # the filtered statement is another statement than the unfiltered one (search_index.STORIES_SQL)
    def stories(query: str, filters: SearchFilters) -> list[str]:
        return sorted(row[0] for row in search.search_stories(store, query, filters, 20).rows)
    assert stories('zurich "sao paulo"', SearchFilters(language="fr")) == ["cafe-fr"]
    assert stories("zurich", SearchFilters(language="en", site="planet.example")) == ["zurich-en"]
    assert stories('"ha noi"', SearchFilters(language="vi", site="planet.example")) == ["ha-noi-other", "hanoi"]


def test_a_word_with_accents_is_listed_once_by_word(store: Warehouse) -> None:
    rows = search.search_attention(store, "lodz OR zurich", SearchFilters(), "word", 50).rows
    words = {row[0]: row[2] for row in rows}
    assert words["łódź"] == 1 and words["zürich"] == 1 and words["zurich"] == 1  # `zurich-en` writes it so
    assert "lodz" not in words  # the bare form that `lodz` alone was indexed under


def test_the_bare_form_adds_no_length_and_no_term_a_stemmer_already_gives() -> None:
    german = analyse(None, "Zürich und Zurich", "de")  # German's stemmer drops umlauts: one term
    assert german.terms == {"zurich": 2} and german.length == 2
    vietnamese = analyse(None, "Hà Nội", "vi")
    assert vietnamese.terms == {"hà": 1, "nội": 1, "ha": 1, "noi": 1} and vietnamese.length == 2
    assert analyse(None, "Über", "de").terms == {}  # a stop word's bare form is not indexed either


def bodies(store: Warehouse, texts: list[str]) -> list[list[str]]:
    row = run_read_query(store, "SELECT list_transform($t, lambda x: search_unaccented(search_phrase_body(x)))",
                         {"t": texts}).rows[0]
    return [body.split() for body in row[0]]


def test_the_rule_for_letters_without_accents(store: Warehouse) -> None:
    rule = {"Hà Nội": ["ha", "noi"], "Đà Nẵng": ["da", "nang"], "São Paulo": ["sao", "paulo"],
            "Łódź": ["lodz"], "Øresund": ["oresund"], "œuvre ÆON": ["oeuvre", "aeon"], "Zürich": ["zurich"],
            "Straße": ["strasse"], "İstanbul": ["istanbul"], "Ångström": ["angstrom"], "Αθήνα": ["αθηνα"]}
    assert {text: [unaccented(t) for t in search_tokens(text)] for text in rule} == rule
    assert bodies(store, list(rule)) == list(rule.values())
    assert len(UNACCENTED[0]) == len(UNACCENTED[1]) and all(len(v) == 2 for v in UNACCENTED_PAIRS.values())


# the pattern of migration 0086's regexp_matches, an SQL expression
MIGRATION_PATTERN = re.search(r"coalesce\(a\.\"text\", ''\),\s*(.*?)\);", (
    sql_root() / "migrations" / "0086_search_words_without_accents.sql").read_text(encoding="utf-8"), re.S)[1]
# migration 0094's condition on the text `t` (title, a space and text), an SQL expression
MIGRATION_0094 = re.search(r"WHERE (.*?);", (
    sql_root() / "migrations" / "0094_search_accents_composed.sql").read_text(encoding="utf-8"), re.S)[1]
# a letter 0086's pattern does not list that NFC composes with a mark after it (İ, long s, ẗ, the Kelvin sign),
# and marks of other blocks that a composing mark may come after (a Hebrew accent, a supplement mark)
LATINISH = st.sampled_from([*"aeoudzAZ .-", *"áÀéÊñÑüÜøØłŁđĐœŒæÆßẞİıőŐạẠờỜǿǽſẗ", "\u0301", "\u0323", "\u212b",
                            "\u212a", "\u0591", "\u1dc2", "\u0483", "α", "ά", "ก", "中"])


def taken_out(store: Warehouse, texts: list[str]) -> list[tuple[bool, bool]]:
    """Whether migrations 0086 and 0094 take out an article whose title and text are each of `texts`."""
    return [tuple(pair) for pair in run_read_query(
        store, f"SELECT list_transform($t, lambda t: [regexp_matches(t, {MIGRATION_PATTERN}), {MIGRATION_0094}])",
        {"t": texts}).rows[0][0]]


@settings(max_examples=4, deadline=None)  # an example is one statement binding the macros: many texts each
@given(st.lists(st.text(LATINISH, max_size=16), min_size=1, max_size=100))
@example(["\u0130\u0323"])  # seed 51 (session 31): `Ị` and a dot above once composed; 0086 missed it, 0094 not
@example(["a\u0591\u0301", "\u212a\u0301 \u1e97\u0323", "\u017f\u0307", "I\u1dc2\u0323\u0307"])
def test_the_phrase_text_without_accents_holds_the_bare_forms_the_index_holds(store: Warehouse,
                                                                              texts: list[str]) -> None:
    assert bodies(store, texts) == [[unaccented(t) for t in search_tokens(text)] for text in texts]
    # migrations 0086 and 0094 take out every text whose words have a bare form: 0094 exactly those 0086
    # missed, 0086 no more but for a letter followed by a mark, which the analysis may compose into one
    for text, (by_0086, by_0094) in zip(texts, taken_out(store, [f" {t}" for t in texts]), strict=True):
        changes = any(unaccented(t) != t for t in search_tokens(text))
        assert not (by_0086 and by_0094), text
        assert by_0094 == (changes and not by_0086), text
        assert changes or not by_0086 or re.search("[A-Za-z][\u0300-\u036f]", text), text


def _letters_and_marks() -> tuple[list[str], list[str], list[str]]:
    """Every letter whose decomposition (or casefolding's) starts with an ASCII letter, the marks that compose
    with them (all in U+0300-U+036F), and one mark of each other combining class."""
    def latin(c: str) -> bool:
        return any((d := unicodedata.normalize("NFD", x)[:1]).isascii() and d.isalpha() for x in (c, c.casefold()))
    letters = [chr(c) for c in range(0x2200) if latin(chr(c))]
    composing = [chr(c) for c in range(0x300, 0x370)]
    classes = {unicodedata.combining(chr(c)): chr(c) for c in range(0x300, 0x1E950)
               if unicodedata.category(chr(c))[0] == "M"}
    return letters, composing, list(classes.values())


def test_0094_takes_out_exactly_the_texts_whose_bare_forms_0086_missed_over_unicode(store: Warehouse) -> None:
    letters, composing, classes = _letters_and_marks()
    texts = [f" {b}{m}" for b in letters for m in composing] + [
        f" {b}{between}{m}" for b in "a\u0130" for between in classes for m in composing]
    for text, (by_0086, by_0094) in zip(texts, taken_out(store, texts), strict=True):
        changes = any(unaccented(t) != t for t in search_tokens(text))
        if by_0094 != (changes and not by_0086):
            pytest.fail(f"{[hex(ord(c)) for c in text]}: 0094 {by_0094}, 0086 {by_0086}, bare form {changes}")


def test_migration_0086_takes_articles_indexed_the_old_way_out_and_the_next_update_puts_them_back(
        tmp_path: Path) -> None:
    plain = [Doc("english", "Talks", "Talks in Geneva."), Doc("arabic", "خبر", "محادثات في جنيف", language="ar")]
    store = store_docs(tmp_path / "news.duckdb", [*DOCS, *plain])
    search.refresh(store)
    left, orphans = indexed_after_migration(store, "0086_search_words_without_accents.sql")
    assert left == {"english", "arabic", "zurich-en"} and orphans == 0
    assert search.unindexed_count(store) == len(DOCS) - 1
    assert search.refresh(store) == len(DOCS) - 1
    assert found(store, "lodz") == ["lodz"]


def test_migration_0094_takes_out_only_the_articles_0086_missed_and_is_idempotent(tmp_path: Path) -> None:
    composed = [Doc("kelvin", "Kelvin", "\u212a\u0301ilo unit", language=None),  # `Ḱilo` once composed
                Doc("dotted", "Haber", "\u0130\u0323stanbul haber", language="tr"),  # `Ị̇stanbul`
                Doc("hebrew", "Cafe", "cafe\u0591\u0301 menu", language=None)]  # `café` and a Hebrew accent
    store = store_docs(tmp_path / "news.duckdb", [*DOCS, *composed])
    search.refresh(store)
    left, orphans = indexed_after_migration(store, "0094_search_accents_composed.sql")
    assert left == {doc.slug for doc in DOCS} and orphans == 0  # 0086's articles are not taken out again
    assert search.refresh(store) == len(composed)
    assert (found(store, "kilo"), found(store, "istanbul"), found(store, "cafe")) == (
        ["kelvin"], ["dotted"], ["cafe-fr", "hebrew"])
    assert indexed_after_migration(store, "0094_search_accents_composed.sql") == (left, 0)
    assert search.refresh(store) == len(composed) and found(store, "kilo") == ["kelvin"]
