# ruff: noqa: RUF001, RUF003 - Arabic, Persian, Greek, kana and full-width characters on purpose
"""Search on real-world writing (docs/search.md, "Words"): scripts written without spaces between
words (Thai, Lao, Khmer, Burmese) are indexed as overlapping bigrams of their characters, so a word
inside a sentence is found, and the phrase of its characters is checked against the text; letters
writers use for one another (Arabic and Persian yeh, kaf and alef forms; Greek vowels with and
without tonos; full-width Latin) are one letter to search, in the index, in the query and in the
phrase check. Migration 0081 takes the articles indexed the old way out of the index, and the next
update indexes them again."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.search import SearchFilters
from newsflow.search_text import LETTER_VARIANTS, index_words, search_tokens
from newsflow.warehouse import Warehouse, run_read_query
from tests.searchsample import Doc, found, found_by_macro, indexed_after_migration, store_docs

DOCS = [
    Doc("th-stocks", "ข่าวเศรษฐกิจ", "ตลาดหุ้นไทยปรับตัวขึ้นในวันนี้", language="th"),
    Doc("th-gold", "ราคาทองคำ", "ราคาทองคำลดลงเล็กน้อย", language="th"),
    Doc("th-markets", "ตลาดนัดและตลาดน้ำ", "ตลาดสด ตลาดนัด และตลาดน้ำเปิดทุกวัน", language="th"),
    Doc("th-scattered", "ข่าว", "ตลา news าด", language="th"),  # every bigram of ตลาด, never the word
    Doc("lo", "ຂ່າວ", "ຕະຫລາດຫຸ້ນລາວເປີດແລ້ວ", language="lo"),
    Doc("km", "ព័ត៌មាន", "ទីផ្សារហ៊ុនកម្ពុជាកើនឡើង", language="km"),
    Doc("my", "သတင်း", "မြန်မာနိုင်ငံစီးပွားရေးတိုးတက်", language="my"),
    Doc("ar-hamza", "زيارة", "زار أحمد الشرع دمشق أمس", language=None),
    Doc("ar-phrase", "تصريح", "قال أحمد الشرع إن المدرسة مغلقة", language="ar"),
    Doc("fa-kaf", "کتاب", "کتاب‌های تازه در تهران", language=None),
    Doc("ar-maksura", "مصطفى", "وصل مصطفى إلى القاهرة", language=None),
    Doc("ja-fullwidth", "Ｓｙｒｉａ情勢", "２０２６年の情勢", language="ja"),
    Doc("en-syria", "Strikes in Syria", "Air strikes hit Syria in 2026.", language="en"),
    Doc("el-caps", "ΚΥΒΕΡΝΗΣΗ", "Ο ΣΙΣΥΦΟΣ ΕΣΠΡΩΧΝΕ ΤΟΝ ΒΡΑΧΟ", language="el"),  # capitals take no tonos
    Doc("el-none", "Αθήνα", "Η Αθήνα ξύπνησε νωρίς", language=None),
    Doc("el-may", "ΕΚΘΕΣΗ", "Στις 15 Μαΐου δημοσιεύθηκε η έκθεση", language="el"),  # ΐ: iota, dialytika and tonos
    Doc("ja-name", "ドナルド・トランプ氏が来日", "ドナルド・トランプ大統領は東京を訪れた。", language="ja"),
    Doc("th-at", "การประชุม", "ประชุมณทำเนียบรัฐบาล ณ วันนี้", language="th"),  # ณ ("at"), one unit, twice
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("scripts") / "news.duckdb", DOCS)
    search.refresh(store)
    return store



def test_a_character_with_its_marks_is_a_unit_and_units_are_indexed_as_bigrams() -> None:
    assert search_tokens("หุ้นไทย") == ["หุ้", "น", "ไ", "ท", "ย"]
    assert index_words(search_tokens("ตลาด")) == ["ตล", "ลา", "าด"]
    assert index_words(search_tokens("ก SET ตลาด")) == ["ก", "set", "ตล", "ลา", "าด"]  # a unit alone is itself
    assert index_words(search_tokens("ตลาด หุ้น")) == ["ตล", "ลา", "าด", "ดหุ้", "หุ้น"]  # next across a space


@pytest.mark.parametrize(("query", "articles"), [
    ("ตลาด", ["th-markets", "th-stocks"]),  # a word inside a sentence: not th-scattered, whose bigrams are apart
    ("หุ้นไทย", ["th-stocks"]),
    ('"ตลาดหุ้น"', ["th-stocks"]),
    ("ทองคำ", ["th-gold"]),
    ("ตลาด -หุ้น", ["th-markets"]),
    ("ຕະຫລາດ", ["lo"]),
    ("ទីផ្សារ", ["km"]),
    ("စီးပွားရေး", ["my"]),
])
def test_a_word_inside_a_sentence_of_an_unspaced_script_is_found(store: Warehouse, query: str,
                                                                 articles: list[str]) -> None:
    assert found(store, query) == articles
    assert found_by_macro(store, query) == articles  # the SQL macro cuts the query the same way


@pytest.mark.parametrize(("query", "articles"), [
    ("ณ", ["th-at"]),  # on main: nothing (ณ was indexed only where no other unit is next to it)
    ("ณ ประชุม", ["th-at"]),
    ("ตลาด -ณ", ["th-markets", "th-stocks"]),
    ("ทำเนียบ OR ณ", ["th-at"]),
    ("ห", []),  # `หุ้` (ห with its marks) is another unit: the bigram `หุ้น` starts with ห's letter, not with ห
])
def test_a_word_of_one_unit_is_found_inside_a_sentence(store: Warehouse, query: str, articles: list[str]) -> None:
    assert found(store, query) == articles
    assert found(store, query) == sorted(row[0] for row in search.search_stories(
        store, query, SearchFilters(), 20, prune=False).rows)


def test_an_article_using_the_word_more_ranks_first(store: Warehouse) -> None:
    rows = search.search_stories(store, "ตลาด", SearchFilters(), 20).rows
    assert [row[0] for row in rows] == ["th-markets", "th-stocks"]


@pytest.mark.parametrize(("query", "articles"), [
    ("احمد", ["ar-hamza", "ar-phrase"]),  # bare alef finds hamza on alef, in an article of no language too
    ('"احمد الشرع"', ["ar-hamza", "ar-phrase"]),  # the phrase check folds the letters as the index does
    ('"قال احمد"', ["ar-phrase"]),
    ("كتاب", ["fa-kaf"]),  # Arabic kaf finds Persian keheh
    ("مصطفي", ["ar-maksura"]),  # yeh finds alef maksura
    ("syria", ["en-syria", "ja-fullwidth"]),  # full-width Latin
    ("Ｓｙｒｉａ", ["en-syria", "ja-fullwidth"]),
    ("2026", ["en-syria", "ja-fullwidth"]),
    ('"Σίσυφος έσπρωχνε"', ["el-caps"]),  # Greek's stemmer drops the tonos: the phrase check must too
    ("αθηνα", ["el-none"]),
    ("ΑΘΗΝΑ", ["el-none"]),
    ("μαιου", ["el-may"]),  # casefolding ΐ gives iota with two marks: they go too
    ("ΜΑΪΟΥ", ["el-may"]),
    ("Μαΐου", ["el-may"]),
])
def test_letters_writers_use_for_one_another_are_one_letter_to_search(store: Warehouse, query: str,
                                                                       articles: list[str]) -> None:
    assert found(store, query) == articles
    assert found_by_macro(store, query) == articles


UNSPACED = st.sampled_from(["ต", "ล", "า", "ด", "\u0e38", "\u0e49", "\u0e4f", "ຕ", "\u0ec8", "ទ", "\u17d2",
                            "\u17d4", "မ", "\u103c", "\u1039", "\u3099", "か", "\u0301", "a", "é", " ", "-",
                            "أ", "ی", "Ｓ", "７", "ı", "ά", "Ϊ", "ΐ", "ΰ", "Σ", "・", "゛", "ー"])


@settings(max_examples=60, deadline=None)
@given(st.text(UNSPACED, max_size=30))
def test_the_phrase_text_of_unspaced_scripts_holds_the_tokens_the_index_holds(store: Warehouse, text: str) -> None:
    row = run_read_query(store, "SELECT search_phrase_body($t), search_index_words(string_split(trim("
                         "search_phrase_body($t)), ' '))", {"t": text}).rows[0]
    tokens = search_tokens(text)
    assert row[0].split() == tokens
    assert (row[1] if tokens else []) == index_words(tokens)


@pytest.mark.parametrize("query", ["ドナルド・トランプ", '"ドナルド・トランプ"', "ドナルド トランプ"])
def test_a_japanese_name_written_with_a_middle_dot_is_found(store: Warehouse, query: str) -> None:
    # `・` (and `゛` `゜` `゠`) lie in the kana block but are no letter: the phrase check's text drops
    # them, so a query holding one as a token matched nothing in `newsflow search` (the SQL macro found it)
    assert search_tokens("ドナルド・トランプ") == list("ドナルドトランプ")
    assert found(store, query) == ["ja-name"]
    assert found_by_macro(store, query) == ["ja-name"]


def test_migration_0081_takes_articles_indexed_the_old_way_out_and_the_next_update_puts_them_back(
        tmp_path: Path) -> None:
    store = store_docs(tmp_path / "news.duckdb", DOCS)
    search.refresh(store)
    left, orphans = indexed_after_migration(store, "0081_search_unspaced_scripts.sql")
    assert left == {"en-syria", "el-caps"}  # nothing to fold in either
    assert orphans == 0
    assert search.refresh(store) == len(DOCS) - 2  # el-may and ja-name too: ΐ, and `・`
    assert found(store, "ตลาด") == ["th-markets", "th-stocks"]


def test_the_sql_folds_every_letter_variant_as_python_does(store: Warehouse) -> None:
    text = " ".join([*LETTER_VARIANTS[0], *LETTER_VARIANTS[0].upper(), "ΐ", "ΰ", "ΪΫ"])
    body = run_read_query(store, "SELECT search_phrase_body($t)", {"t": text}).rows[0][0]
    assert body.split() == search_tokens(text)
