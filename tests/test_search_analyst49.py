"""Analyst 49: what a media researcher tripped over answering "how did outlets cover it" (docs/search.md,
"Analyst 49"): several outlets, feeds or languages in one search (`--site a --site b`: either; before, the last one
given was kept silently), a query typed as several words, each story's last copy (`last_seen`), and a named query's
`--param` given twice (refused; before, the last one won silently).

One tiny module warehouse of syndicated copies, in-process `cli.main` calls; the filters' union is checked against a
brute force over generated choices of sites, feeds and languages (a property: CI runs its kept examples only; hunt
with NEWSFLOW_SEARCH49_EXAMPLES=300)."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import cli, search
from newsflow.search import SearchFilters
from newsflow.search_query import parse_query
from newsflow.warehouse import Warehouse, search_index
from tests.searchsample import Doc, store_docs

EXAMPLES = int(os.environ.get("NEWSFLOW_SEARCH49_EXAMPLES", "0"))
PHASES = (Phase.explicit, *((Phase.generate, Phase.shrink) if EXAMPLES else ()))
WIRE = "Harbour cranes stopped as dockers walked out, the port authority said."
DOCS = [  # one wire story (w1) run by four outlets over three days, and others
    Doc("w1", "Harbour strike", WIRE, site="wire.example", feed="wire", days_ago=3),
    Doc("w2", "Harbour strike", WIRE, site="www.herald.example", feed="herald", days_ago=3, story="w1"),
    Doc("w3", "Dockers walk out", WIRE + " More later.", site="uk.herald.example", feed="herald", days_ago=2,
        story="w1"),
    Doc("w4", "Harbour strike", WIRE, site="gazette.example", feed="gazette", days_ago=1, story="w1"),
    Doc("d1", "Hafenstreik", "Harbour: die Hafenarbeiter streikten, sagte die Behörde.", language="de",
        site="blatt.example", feed="blatt", days_ago=2),
    Doc("n1", "Harbour again", "The harbour stayed shut for a second day.", language=None, site="notherald.example",
        feed="other", days_ago=1),
    Doc("o1", "Spring", "The meadow flowers bloomed early this spring.", site="herald.example", feed="herald",
        days_ago=1),
]
SITES = ("wire.example", "herald.example", "gazette.example", "blatt.example", "notherald.example", "uk.herald.example")
FEEDS = ("wire", "herald", "gazette", "blatt", "other")
LANGUAGES = ("en", "de", "")  # "" = no language (`--language unknown`)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("a49") / "news.duckdb", DOCS)
    search.refresh(store)
    return store


@pytest.fixture(scope="module")
def config(store: Warehouse) -> Path:
    path = store.path.parent / "newsflow.toml"
    path.write_text(f"[warehouse]\npath = {str(store.path)!r}\n", encoding="utf-8")
    return path


def _csv(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> list[dict[str, str]]:
    assert cli.main([*argv, "--format", "csv", "--config", str(config)]) == 0
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def _site_of(doc: Doc) -> str:
    return doc.site.removeprefix("www.")


def _expected(sites: tuple[str, ...] | None, feeds: tuple[str, ...] | None,
              languages: tuple[str, ...] | None) -> list[str]:
    """The matching articles under the filters, by brute force: a site or its subdomain, a feed, a language."""
    def kept(doc: Doc) -> bool:
        site = _site_of(doc)
        return ("harbour" in (doc.title + doc.text).lower()
                and (sites is None or any(site == s or site.endswith("." + s) for s in sites))
                and (feeds is None or doc.feed in feeds)
                and (languages is None or (doc.language or "") in languages))
    return sorted(doc.slug for doc in DOCS if kept(doc))


def test_several_sites_take_the_copies_of_each_with_their_subdomains(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `--site wire.example --site herald.example` searched herald.example alone (the last given)."""
    sites = ["--site", "wire.example", "--site", "https://www.Herald.example/"]
    articles = _csv(capsys, config, "search", "harbour", "--articles", *sites)
    assert sorted(row["article_id"] for row in articles) == ["w1", "w2", "w3"]
    stories = _csv(capsys, config, "search", "harbour", *sites)
    assert [(row["story_id"], row["outlets"], row["articles"]) for row in stories] == [("w1", "3", "3")]
    by_source = _csv(capsys, config, "search", "harbour", "--by", "source", *sites)
    # herald.example's all_articles counts its three articles (o1 does not match), its subdomain's too
    assert {row["source"]: (row["articles"], row["all_articles"]) for row in by_source} == {
        "wire.example": ("1", "1"), "herald.example": ("1", "2"), "uk.herald.example": ("1", "1")}
    by_day = _csv(capsys, config, "search", "harbour", "--by", "day", *sites)
    assert sum(int(row["articles"]) for row in by_day) == 3
    assert sum(int(row["all_articles"]) for row in by_day) == 4  # o1, herald's spring story, in the denominator


def test_several_feeds_and_languages_take_either(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    feeds = _csv(capsys, config, "search", "harbour", "--articles", "--feed", "wire", "--feed", "gazette")
    assert sorted(row["article_id"] for row in feeds) == ["w1", "w4"]
    languages = _csv(capsys, config, "search", "harbour", "--articles", "--language", "DE", "--language", "unknown")
    assert sorted(row["article_id"] for row in languages) == ["d1", "n1"]


def test_each_repeated_filter_is_checked_and_refused_in_one_line(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bad value first: before, only the last one given was read (and checked)."""
    for argv, named in ((["--feed", "nowhere", "--feed", "wire"], "--feed 'nowhere'"),
                        (["--site", "a b", "--site", "wire.example"], "--site expects"),
                        (["--language", "english1", "--language", "en"], "--language expects")):
        assert cli.main(["search", "harbour", *argv, "--config", str(config)]) == 2
        err = capsys.readouterr().err
        assert named in err and err.count("\n") == 1, err


@given(sites=st.none() | st.sets(st.sampled_from(SITES), min_size=1).map(tuple),
       feeds=st.none() | st.sets(st.sampled_from(FEEDS), min_size=1).map(tuple),
       languages=st.none() | st.sets(st.sampled_from(LANGUAGES), min_size=1).map(tuple))
@example(sites=("uk.herald.example", "herald.example", "blatt.example"), feeds=("herald", "blatt", "other"),
         languages=("de", "en"))
@example(sites=("notherald.example", "wire.example"), feeds=None, languages=("", "en"))
@settings(max_examples=max(EXAMPLES, 1), phases=PHASES, deadline=None, database=None)
def test_the_filters_take_every_article_of_any_value_given(
        store: Warehouse, sites: tuple[str, ...] | None, feeds: tuple[str, ...] | None,
        languages: tuple[str, ...] | None) -> None:
    """Property: the matches under several values of each filter are exactly those with any one of them (a site:
    itself or a subdomain), every filter applying; the stories count the same copies."""
    filters = SearchFilters(feed=feeds, language=languages, site=sites)
    expected = _expected(sites, feeds, languages)
    found = sorted(row[0] for row in search.search_articles(store, "harbour", filters, 100).rows)
    assert found == expected
    copies = sum(row[3] for row in search.search_stories(store, "harbour", filters, 100).rows)
    assert copies == len(expected)


def test_a_query_typed_as_several_words_is_those_words(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `newsflow search harbour strike` was refused ("unrecognized arguments: strike")."""
    apart = _csv(capsys, config, "search", "harbour", "dockers", "--articles")
    assert apart == _csv(capsys, config, "search", "harbour dockers", "--articles") and len(apart) == 4


def test_a_query_of_several_arguments_one_with_spaces_is_refused_saying_to_quote_it(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`newsflow search "harbour strike" dockers`: the shell took the quotes; a phrase or two words cannot be told."""
    assert cli.main(["search", "harbour strike", "dockers", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "'harbour strike' has spaces in it" in err and "one argument" in err and err.count("\n") == 1


def test_a_story_carries_its_first_and_last_copy_in_the_zone_asked(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _csv(capsys, config, "search", "harbour", "--tz", "America/New_York")
    wire = next(row for row in rows if row["story_id"] == "w1")
    first, last = DOCS[0].article().published_at, DOCS[3].article().published_at
    assert first is not None and last is not None
    assert wire["first_seen"] < wire["last_seen"] and wire["last_seen"].endswith("-05:00")
    assert (wire["first_seen"][:10], wire["last_seen"][:10]) == (f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}")
    lone = next(row for row in rows if row["story_id"] == "d1")
    assert lone["first_seen"] == lone["last_seen"]


def test_a_named_querys_param_given_twice_is_refused_in_one_line(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `--param site=a --param site=b` ran with site=b alone (half the analyst's filter dropped)."""
    argv = ["query", "search_attention", "--param", "q=harbour", "--param", "site=wire.example",
            "--param", "site=herald.example", "--config", str(config)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "--param site is given twice ('wire.example', then 'herald.example')" in err and err.count("\n") == 1


VOCABULARY = ("harbour", "harbour", "said", "dockers", "port", "the", "die", "sagte", "shut", "spring", "US",
              "nowhere", "more")
# kept: a left-out word that takes matches out, stop words of one language, OR across languages, an acronym (three
# of them fail with the words macro's exclusion taken out; review: `harbour -nowhere` dropped for CI's time)
KEPT_QUERIES = ["harbour -dockers", "harbour OR spring -the", "die OR the harbour", "US said"]
TYPES = search_index.RANKED_TYPES
ARGUMENTS = f"$terms::{TYPES['terms']}, $stops::{TYPES['stops']}, $alts::{TYPES['alts']}"


def _generated_query(rng: random.Random) -> str:
    """A query of words only (no phrase): required words, OR alternatives, a left-out word, stop words."""
    clauses = []
    for _ in range(rng.randint(1, 2)):
        words = rng.sample(VOCABULARY, rng.randint(1, 2))
        clauses.append(" OR ".join(words))
    if rng.random() < 0.4:
        clauses.append("-" + rng.choice(VOCABULARY))
    return " ".join(clauses)


def _ranked(store: Warehouse, query: str, macro: str) -> list[tuple[object, ...]]:
    with store.reading() as con:
        params = search_index.search_params(search.ranked_inputs(con, parse_query(query)), **vars(SearchFilters()))
        ranked = {k: params[k] for k in ("terms", "stops", "alts")}
        # scores to 12 places: a sum of doubles in another order may differ in its last bits, a different match not
        sql = f"SELECT article_id, round(score, 12) FROM {macro}({ARGUMENTS}) ORDER BY article_id"
        return [tuple(row) for row in con.execute(sql, ranked).fetchall()]


def test_a_query_of_words_ranks_the_same_by_the_cheaper_macro(store: Warehouse) -> None:
    """search_ranked_words (no phrase check) gives search_ranked's very rows and scores for generated queries of
    words; a phrase is ranked by search_ranked (migration 0103; the kept queries in CI, NEWSFLOW_SEARCH49_EXAMPLES
    drawn ones more: review, for CI's time)."""
    rng = random.Random(49)
    queries = KEPT_QUERIES + [_generated_query(rng) for _ in range(EXAMPLES)]
    matched = False
    for query in queries:
        ranked = _ranked(store, query, "search_ranked")
        assert _ranked(store, query, "search_ranked_words") == ranked, query
        matched = matched or bool(ranked)
    assert matched  # the comparison saw matches
    phrase = {"alts": [{"pattern": "harbour strike"}]}
    assert search_index.ranked_by_words("FROM search_ranked($x)", phrase) == "FROM search_ranked($x)"
    assert search_index.ranked_by_words("FROM search_ranked($x)", {"alts": [{"pattern": None}]}) == \
        "FROM search_ranked_words($x)"


def test_a_warehouse_not_migrated_to_0103_yet_still_searches_words(store: Warehouse, tmp_path: Path) -> None:
    """Review: after an upgrade, before any run or `--reindex` migrates the warehouse (a search only reads it), it
    lacks search_ranked_words; a search of words then failed (exit 3, "no search index yet") where a phrase worked."""
    old = Warehouse(tmp_path / "old.duckdb")
    shutil.copyfile(store.path, old.path)
    with duckdb.connect(str(old.path)) as con:
        con.execute("DROP MACRO TABLE search_ranked_words; DROP MACRO TABLE search_ranked_words_in")
    found = search.search_stories(old, "harbour -dockers", SearchFilters(), 100).rows
    assert found == search.search_stories(store, "harbour -dockers", SearchFilters(), 100).rows and found


def test_a_storys_spread_is_seconds_a_spreadsheet_computes_with(
        config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review: `query stories` wrote `spread` as Python's `2 days, 0:00:00` in CSV and JSON (text to a spreadsheet
    and to jq); seconds now (docs/queries.md). w1's four copies are two days apart, first to last."""
    rows = _csv(capsys, config, "query", "stories")
    assert next(row["spread"] for row in rows if row["story_id"] == "w1") == "172800"
    assert cli.main(["query", "stories", "--format", "json", "--config", str(config)]) == 0
    stories = json.loads(capsys.readouterr().out)
    assert next(row["spread"] for row in stories if row["story_id"] == "w1") == 172800


def test_a_left_out_word_typed_apart_is_part_of_the_query(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review: `newsflow search harbour -dockers` was refused ("unrecognized arguments: -dockers"), and `harbour
    -hafenarbeiter` read as -h ("ignored explicit argument"), where words typed apart are one query."""
    rows = _csv(capsys, config, "search", "-dockers", "harbour", "-hafenarbeiter", "--articles")
    assert rows == _csv(capsys, config, "search", "-dockers harbour -hafenarbeiter", "--articles")
    assert [row["article_id"] for row in rows] == ["n1"]  # neither w1-w4 (dockers) nor d1 (Hafenarbeiter)


def test_several_languages_each_get_their_hint(store: Warehouse, config: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Review: the hints read one language before; with several, each one asked is named (no article in it; a query
    of its stop words), and a language not asked is not."""
    assert cli.main(["search", "harbour", "--language", "fr", "--language", "it", "--config", str(config)]) == 0
    err = capsys.readouterr().err
    assert "in language 'fr'" in err and "in language 'it'" in err and err.count("\n") == 2, err
    assert "stop words in en " in (search.stop_word_hint(store, "the", ("de", "en")) or "")
    assert search.stop_word_hint(store, "the", ("de",)) is None
