"""Numbers written with their digits in groups (docs/search.md, "Query syntax"): `1,000`, `1.000`, `1'000`
and Indian `1,00,000` are the number's digits to search (not `1 000`: the stored text has every space as a
plain one), in the index, the query and the phrase check, in `newsflow search` and in the SQL macro;
decimals (`3.5`, `3,5`) and dates (`12.05.2026`) keep their parts, so `3.5` never finds `3,500`.
Migration 0084 takes the articles indexed the old way out of the index; the next update puts them back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsflow.warehouse
from newsflow import cli, search
from newsflow.search_numbers import numbers_joined
from newsflow.search_text import search_tokens
from newsflow.text import normalize_text
from newsflow.warehouse import Warehouse, run_read_query, sql_root
from tests.conftest import write_config
from tests.searchsample import Doc, found, found_by_macro, indexed_after_migration, store_docs

DOCS = [
    Doc("comma", "Troops sent", "Some 1,000 troops arrived on Monday."),
    Doc("plain", "Troops sent", "Some 1000 troops arrived on Monday."),
    # as a run stores it: normalize_text makes its narrow no-break space a plain one
    Doc("fr", "Troupes", normalize_text("Quelque 1\u202f000 troupes sont arrivées."), language="fr"),
    Doc("de", "Soldaten", "Rund 1.000 Soldaten kamen am 12.05.2026 an.", language="de"),
    Doc("ch", "Soldaten", "Rund 1\u2019000 Soldaten, nicht 1'500.", language="de"),
    Doc("lakh", "Crowd", "A crowd of 1,00,000 people gathered."),
    Doc("hundred-k", "Crowd", "A crowd of 100,000 people gathered."),
    Doc("decimal", "Growth", "Growth was 3.5 percent by 10.30 on 12.05.2026."),
    Doc("decimal-de", "Wachstum", "Das Wachstum lag bei 3,5 Prozent.", language="de"),
    Doc("thousands", "Jobs", "Some 3,500 jobs were cut, 2026.100 units."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("numbers") / "warehouse" / "news.duckdb", DOCS)
    search.refresh(store)
    return store



EVERY_THOUSAND = ["ch", "comma", "de", "plain"]


# Each query costs ~0.7 s (the CLI's path and the macro bind their SQL): the rule's other cases (Indian
# groups, dates, `2026.100`) are in RULE, checked on the index's and the phrase text's side at once.
@pytest.mark.parametrize(("query", "articles"), [
    # every way of writing it, `plain` too: the index joins them all (before, `1000` found `plain` alone) and
    # so does the query (were it `1` and `000`, it would find none of them)
    ("1,000", EVERY_THOUSAND),
    # pasted from a French page with its narrow no-break space: `1` and `000`, as the stored text has them
    # (joined, it found none: the review)
    ("1\u202f000", ["fr"]),
    ('"1,000 troops"', ["comma", "plain"]),  # the query's number joined too; before: `plain` missed
    ("3.5", ["decimal", "decimal-de"]),  # a decimal is its parts: not `3,500`
])
def test_a_number_is_found_however_its_digits_are_grouped(store: Warehouse, query: str, articles: list[str]) -> None:
    assert found(store, query) == articles
    assert found_by_macro(store, query) == articles


RULE = {
    "1,000,000.50": ["1000000", "50"], "1.000,50": ["1000", "50"], "1,000-2,000": ["1000", "2000"],
    "12,34,56,789": ["123456789"], "1,0000": ["1", "0000"], "1 000 1\u00a0000": ["1", "000", "1", "000"],  # spaces
    "1,000.": ["1000"], "1.000.000": ["1000000"], "1,000.000": ["1000", "000"],  # one separator a number
    "1,00,000 100,000": ["100000", "100000"], "3,500 3.5": ["3500", "3", "5"],  # Indian groups; a decimal
    "12.05.2026 10.30": ["12", "05", "2026", "10", "30"], "2026.100": ["2026", "100"],  # dates, times
}


def bodies(store: Warehouse, texts: list[str]) -> list[list[str]]:
    """search_phrase_body of each text (one statement: binding the macro is most of a call's cost), split."""
    row = run_read_query(store, "SELECT list_transform($t, lambda x: search_phrase_body(x))", {"t": texts}).rows[0]
    return [body.split() for body in row[0]]


def test_the_rule_for_numbers_in_groups(store: Warehouse) -> None:
    assert {text: search_tokens(text) for text in RULE} == RULE
    assert bodies(store, list(RULE)) == list(RULE.values())


NUMBERISH = st.sampled_from(["0", "1", "2", "5", "9", ",", ".", "'", "\u2019", "\u00a0", "\u202f", "\u2009", " ",
                             "a", "-", "\uff11", "\uff10", "\u0e51"])


@settings(max_examples=4, deadline=None)  # an example is one statement binding the macro (~0.1 s): many texts each
@given(st.lists(st.text(NUMBERISH, max_size=24), min_size=1, max_size=100))
def test_the_phrase_text_joins_the_numbers_the_index_joins(store: Warehouse, texts: list[str]) -> None:
    assert bodies(store, texts) == [search_tokens(text) for text in texts]
    # migration 0084 takes out exactly the texts whose words this changes (the index reads full-width digits
    # as ASCII ones): not every digit, separator and digit (a decimal, a time, a date `12.05.2026`)
    taken = run_read_query(store, f"SELECT list_transform($t, lambda x: regexp_matches(x, {MIGRATION_PATTERN}))",
                           {"t": texts}).rows[0][0]
    ascii_digits = [text.translate(FULL_WIDTH_DIGITS) for text in texts]
    assert taken == [numbers_joined(text) != text for text in ascii_digits]


# the pattern of migration 0084's regexp_matches, an SQL expression
MIGRATION_PATTERN = re.search(r"coalesce\(a\.\"text\", ''\),\s*(.*?)\);", (
    sql_root() / "migrations" / "0084_search_numbers_in_groups.sql").read_text(encoding="utf-8"), re.S)[1]
FULL_WIDTH_DIGITS = str.maketrans("\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19", "0123456789")


def test_migration_0084_takes_articles_indexed_the_old_way_out_and_the_next_update_puts_them_back(
        tmp_path: Path) -> None:
    store = store_docs(tmp_path / "news.duckdb", [*DOCS, Doc("none", "Calm", "Nothing 2026 to see.")])
    search.refresh(store)
    left, orphans = indexed_after_migration(store, "0084_search_numbers_in_groups.sql")
    # no digits in groups; a decimal (`3.5`, `3,5`), a time, a date or `1 000` changes no word, so stays indexed
    assert left == {"plain", "none", "decimal", "decimal-de", "fr"}
    assert orphans == 0
    assert search.unindexed_count(store) == len(DOCS) - 4  # what `newsflow search` says awaits indexing
    assert search.refresh(store) == len(DOCS) - 4
    with store.reading() as con:  # indexed again the new way: `1000` is the word of every one of them
        thousands = con.execute("SELECT count(DISTINCT p.doc_id) FROM search_forms f JOIN search_postings p "
                                "USING (term_id) WHERE f.form = '1000'").fetchone()
    assert thousands == (len(EVERY_THOUSAND),)


def test_a_search_on_a_warehouse_its_migrations_have_not_reached_says_so_in_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A warehouse upgraded to a newsflow whose search migrations no run has applied yet: its index
    cuts words the old way, the query the new way, so `1000` found nothing there, silently."""
    store = store_docs(tmp_path / "warehouse" / "news.duckdb", DOCS[:2])
    search.refresh(store)
    with store.writing() as con:  # as a warehouse last written by the newsflow before 0084
        con.execute("DELETE FROM schema_migrations WHERE version = 84")
    config = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    assert cli.main(["search", "troops", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "0084_search_numbers_in_groups" in err and "newsflow search --reindex" in err
    monkeypatch.setattr(newsflow.warehouse, "_MIGRATED", set())  # a new process migrates the file it opens
    # --reindex applies it, then searches: the CLI finds the number however it was written, and says nothing
    assert cli.main(["search", "--reindex", '"1000 troops"', "--articles", "--format", "json",
                     "--config", str(config)]) == 0
    out, err = capsys.readouterr()
    indexed, rows = out.split("\n", 1)
    assert indexed == "search index updated: 1 articles indexed"  # `comma`, which 0084 took out
    assert sorted(row["article_id"] for row in json.loads(rows)) == ["comma", "plain"]
    assert err == ""
    with store.writing() as con:  # as a warehouse a newer newsflow migrated (a shared one, a downgrade)
        con.execute("INSERT INTO schema_migrations VALUES (9999, '9999_newer', now())")
        con.execute("UPDATE schema_views SET sha256 = 'x'")
    assert search.out_of_date(store) is None  # its index is not older than this newsflow: --reindex would refuse it
