"""Analyst 54: a phrase search's text preparation takes a short path for plain text, with the same text (docs/search.md,
"Analyst 54").

`search_phrase_pieces` reads a text of ASCII, Latin-1 (less `µ`, `ß`) and General Punctuation as `lower()` and its
numbers joined, skipping NFC, the folds, the marks, the letter variants, the units and CJK. Checked against main's
definition (`MAIN_PIECES`, kept here verbatim): every character of that set, generated texts mixing it with the
characters each skipped step changes, the real news texts of ../shared/corpora, and phrase searches' results on a
generated warehouse with each definition."""

from __future__ import annotations

import dataclasses
import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import search
from newsflow.search import SearchFilters
from newsflow.search_query import parse_query
from newsflow.warehouse import Warehouse, search_index
from tests.searchsample import empty_warehouse, examples

MAIN_PIECES = r"""CREATE OR REPLACE MACRO {name}(s, numbers := true) AS
search_units_apart(regexp_replace(search_numbers_joined(search_unmarked(search_fold(nfc_normalize(
                                      replace(s, chr(0), ' ')))), numbers),
                                  '([\x{{3040}}-\x{{30ff}}\x{{3400}}-\x{{4dbf}}\x{{4e00}}-\x{{9fff}}\x{{f900}}-\x{{faff}}])',
                                  ' \1 ', 'g'));"""
"""search_phrase_pieces as main defined it before "Analyst 54" (one line broken at a comma)."""
PLAIN = [chr(c) for c in (*range(1, 0x80), *range(0xA0, 0x180), *range(0x2010, 0x2028), *range(0x2030, 0x205F), 0x20AC)
         if chr(c) not in "µßİıŉſ"]
# What each skipped step changes: folds, marks, letter variants, full-width forms, Thai, CJK, a decomposed accent,
# the apostrophe mark, Greek, C1 controls, and the two Latin-1 letters left out of the short path
SPECIAL = [*"µßİŉſςϐΐ\u0307\u0640\u064b\ufe0f\u0301ıیάϊ０Ａａʼ－／：ตลาด日本\u034f\u2028\u0085Ω\u212b\u0300"]  # noqa: RUF001
NEWS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "readability-testpages-news"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    with empty_warehouse(tmp_path_factory.mktemp("s54") / "w.duckdb").writing() as writing:
        writing.execute(MAIN_PIECES.format(name="main_pieces"))
        yield writing


def differing(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[str]:
    """The texts whose pieces differ from main's, with numbers joined or not."""
    rows = con.execute("""SELECT s FROM (SELECT unnest($texts) AS s)
                          WHERE search_phrase_pieces(s) IS DISTINCT FROM main_pieces(s)
                             OR search_phrase_pieces(s, false) IS DISTINCT FROM main_pieces(s, false)""",
                       {"texts": texts}).fetchall()
    return [r[0] for r in rows]


def test_every_plain_character_is_read_as_main_reads_it(con: duckdb.DuckDBPyConnection) -> None:
    """Each character of the short path's set, alone, between letters and next to numbers written in groups; and
    each character outside it, which must take the long path (the set's class says so)."""
    texts = [form.format(c=c) for c in PLAIN for form in ("{c}", "Ab{c}Cd", "1{c}000", "1,000{c}5 Ü{c}É")]
    assert differing(con, texts) == []
    outside = con.execute("SELECT list(regexp_matches(c, search_plain_text_outside())) FROM (SELECT unnest($c) AS c)",
                          {"c": SPECIAL}).fetchone()
    plain = con.execute("SELECT list(regexp_matches(c, search_plain_text_outside())) FROM (SELECT unnest($c) AS c)",
                        {"c": PLAIN}).fetchone()
    assert outside == ([True] * len(SPECIAL),) and plain == ([False] * len(PLAIN),)


@settings(max_examples=examples(400, 8), deadline=None)
@given(texts=st.lists(st.text(st.sampled_from([*PLAIN[:40], *"aZéÉ’“–…0123456789 ,.'\u00a0\u202f", *SPECIAL]),  # noqa: RUF001
                              max_size=40), min_size=1, max_size=40))
def test_generated_texts_give_mains_pieces(con: duckdb.DuckDBPyConnection, texts: list[str]) -> None:
    assert differing(con, texts) == []


def test_real_news_texts_give_mains_pieces(con: duckdb.DuckDBPyConnection) -> None:
    """The 40 articles of readability's news test pages (tags stripped): most take the short path."""
    texts = [re.sub(r"<[^>]+>", " ", gzip.decompress(page.read_bytes()).decode("utf-8"))
             for page in sorted(NEWS.glob("*/expected.html.gz"))]
    assert len(texts) >= 30
    assert differing(con, texts) == []
    short = con.execute("SELECT count(*) FILTER (WHERE NOT regexp_matches(s, search_plain_text_outside())) "
                        "FROM (SELECT unnest($t) AS s)", {"t": texts}).fetchone()
    assert short is not None and short[0] >= len(texts) // 2


WORLD_TEXTS = [  # plain and special texts, each phrase found in both kinds
               "The Security Council met on Monday; the security council’s vote was 1,000 to 3.",  # noqa: RUF001
               "Straße und Maß: der Sicherheitsrat tagte. Security  Council—members said “yes”.",
               "ＳＥＣＵＲＩＴＹ ＣＯＵＮＣＩＬ met in full-width letters, and O’Brien spoke.",  # noqa: RUF001
               "Le Conseil de sécurité s’est réuni; security council reform, 9/11 and 3-2.",  # noqa: RUF001
               "A 1.000.000 budget for the Security Council (UN) was approved; ſecurity council too.",  # noqa: RUF001
               "日本 security council ตลาดหุ้น met, Ωmega and the Å angstrom security council."]
PHRASES = ['"security council"', '"1000000 budget"', '"9/11"', '"security council" met', '"strasse und mass"',
           '"conseil de securite"', '"obrien spoke"', '"der sicherheitsrat"', '"1000 to 3"']
# CI searches two (plain, full-width and long-s texts; numbers written in groups; each statement ~0.06 cpu-s), all
# nine by hand
SEARCHED = PHRASES[:examples(len(PHRASES), 2)]


def test_phrase_searches_find_what_mains_definition_finds(tmp_path: Path) -> None:
    """Phrase searches' top stories and matching articles on a warehouse of plain and special texts: the same rows
    with main's definition swapped in on the same connection."""
    store = empty_warehouse(tmp_path / "w.duckdb")
    load_texts(store, WORLD_TEXTS * 3)
    with store.writing() as con:
        before = answers(con)
        con.execute(MAIN_PIECES.format(name="search_phrase_pieces"))
        after = answers(con)
    assert before == after
    assert all(before[phrase] for phrase in SEARCHED[:3])  # they find articles


def load_texts(store: Warehouse, texts: list[str]) -> None:
    from bench import synth
    from bench.search_scripts import load_and_index

    batch, _, _ = synth.article_batch(len(texts), "s54")
    articles = [dataclasses.replace(a, text=text, title=f"Story {n}")
                for n, (a, text) in enumerate(zip(batch, texts, strict=True))]
    load_and_index(store, articles)


def answers(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    found: dict[str, list[tuple[object, ...]]] = {}
    for phrase in SEARCHED:
        params = search_index.search_params(search.ranked_inputs(con, parse_query(phrase)), **vars(SearchFilters()))
        found[phrase] = [*search_index.ranked_stories(con, params, 20).rows,
                         *search_index.matching_articles(con, params, 100).rows]
    return found
