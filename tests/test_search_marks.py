# ruff: noqa: RUF001 - Turkish dotless i on purpose
"""Search in scripts written with combining marks (docs/search.md, "Words"): a word keeps its marks,
so Hindi, Tamil and Thai words are whole words to the index and to their stemmers, and the marks
a writer may leave out (Arabic harakat and tatweel, Hebrew points, the dot of `İ`) are folded away
on both sides. Migration 0052 takes the articles indexed in pieces out of the index, and the next
update indexes them again."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow import search
from newsflow.search_text import search_tokens
from newsflow.warehouse import Warehouse
from tests.searchsample import Doc, found, indexed_after_migration, store_docs

DOCS = [
    Doc("hindi", "भारत में चुनाव", "दिल्ली में मतदान शुरू हुआ। हिन्दी समाचार।", language="hi"),
    Doc("hindi-other", "मौसम", "बारिश दिल्ली में।", language="hi"),
    Doc("tamil", "தமிழ் செய்தி", "சென்னையில் மழை பெய்தது.", language="ta"),
    Doc("arabic", "مُحَمَّد يَزُورُ دِمَشْق", "زار مُحَمَّد العاصمة.", language="ar"),
    Doc("hebrew", "שָׁלוֹם עֲלֵיכֶם", "חדשות מירושלים.", language="he"),
    Doc("thai", "ข่าวเศรษฐกิจ", "ตลาดหุ้นไทยปรับตัวขึ้น", language="th"),
    Doc("english", "Strikes in Syria", "Air strikes hit Syria overnight.", language="en"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("marks") / "news.duckdb", DOCS)
    search.refresh(store)
    return store


def test_a_word_keeps_its_vowel_signs_and_viramas() -> None:
    assert search_tokens("हिन्दी समाचार") == ["हिन्दी", "समाचार"]
    assert search_tokens("தமிழ் செய்தி") == ["தமிழ்", "செய்தி"]
    # Thai is written without spaces: each character keeps its marks, as a unit (tests/test_search_scripts.py)
    assert search_tokens("ภาษาไทย") == ["ภ", "า", "ษ", "า", "ไ", "ท", "ย"]
    assert search_tokens("หุ้น") == ["หุ้", "น"]


def test_optional_marks_are_folded_away() -> None:
    assert search_tokens("مُحَمَّد مـحـمـد") == ["محمد", "محمد"]
    assert search_tokens("שָׁלוֹם") == ["שלום"]
    assert search_tokens("İstanbul ISPARTA ığdır") == ["istanbul", "isparta", "iğdir"]
    assert search_tokens("Cafe\u0301 café") == ["café", "café"]  # decomposed or not, one word


@pytest.mark.parametrize(("query", "articles"), [
    ("दिल्ली", ["hindi", "hindi-other"]),  # cut at its vowel signs it was two pieces found anywhere
    ('"हिन्दी समाचार"', ["hindi"]),
    ("मतदान", ["hindi"]),
    ("சென்னையில்", ["tamil"]),
    ("محمد", ["arabic"]),  # unvocalised query, vocalised text
    ("دمشق", ["arabic"]),
    ("שלום", ["hebrew"]),
    ("ตลาดหุ้นไทยปรับตัวขึ้น", ["thai"]),
])
def test_words_written_with_marks_are_found(store: Warehouse, query: str, articles: list[str]) -> None:
    assert found(store, query) == articles


def test_a_piece_of_a_word_no_longer_finds_it(store: Warehouse) -> None:
    # `ह` alone was a token of हिन्दी when words were cut at their marks.
    assert found(store, "ह") == []


def test_migration_0052_takes_words_indexed_in_pieces_out_and_the_next_update_puts_them_back(
        tmp_path: Path) -> None:
    store = store_docs(tmp_path / "news.duckdb", DOCS)
    search.refresh(store)
    left, orphans = indexed_after_migration(store, "0052_search_words_keep_marks.sql")
    assert left == {"english"}
    assert orphans == 0
    assert found(store, "syria") == ["english"]
    assert search.refresh(store) == len(DOCS) - 1
    assert found(store, "दिल्ली") == ["hindi", "hindi-other"]
