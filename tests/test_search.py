"""`newsflow search`: ranking, story collapsing, phrases, exclusions, OR, languages, attention."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from newsflow import cli, search
from newsflow.search import SearchFilters
from newsflow.warehouse import Warehouse, search_index
from tests.conftest import write_config
from tests.searchsample import TODAY, Doc, empty_warehouse, store_docs

WIRE = "Air strikes hit targets in eastern Syria overnight, the military said on Tuesday."
DOCS = [
    Doc("wire1", "US air strikes in Syria", WIRE, site="planet.example", days_ago=5),
    Doc("wire2", "US air strikes in Syria", WIRE + " Reporting by staff.", site="gazette.example", days_ago=5,
        story="wire1", feed="gazette"),
    Doc("wire3", "Air strikes in Syria", WIRE, site="www.herald.example", days_ago=4, story="wire1", feed="herald"),
    Doc("raid", "Raids on the border", "Special forces raids near the Syria border; air cover was not used, "
        "strikes came later.", days_ago=2),
    Doc("iran", "Iran and Syria talks", "Iran said strikes must stop as Syria talks resume.", days_ago=2),
    Doc("flood", "Floods in the valley", "The river burst its banks after days of rain.", days_ago=1),
    Doc("de1", "Angriffe auf Häuser", "Die Luftangriffe trafen mehrere Häuser und eine Schule in Syrien.",
        language="de", site="blatt.example", days_ago=1, feed="blatt"),
    Doc("de2", "Ein Haus brennt", "Das Haus brannte nieder, und die Feuerwehr kam spät.", language="de",
        site="blatt.example", days_ago=3, feed="blatt"),
]


@pytest.fixture
def store(tmp_path: Path) -> Warehouse:
    store = store_docs(tmp_path / "warehouse" / "news.duckdb", DOCS)
    with store.writing() as con:
        search.update_index(con)
    return store


def stories(store: Warehouse, text: str, **filters: object) -> list[str]:
    result = search.search_stories(store, text, SearchFilters(**filters), 20)  # type: ignore[arg-type]
    return [row[0] for row in result.rows]


def test_syndicated_copies_collapse_into_one_story_with_outlets_and_first_outlet(store: Warehouse) -> None:
    result = search.search_stories(store, '"air strikes" syria', SearchFilters(), 20)
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    assert [r["story_id"] for r in rows] == ["wire1"]
    assert rows[0]["outlets"] == 3 and rows[0]["articles"] == 3
    assert rows[0]["first_outlet"] == "planet.example"


def test_phrase_needs_its_words_in_order(store: Warehouse) -> None:
    # "raid" has both words, apart; only the wire story has the phrase.
    assert "raid" in stories(store, "air strikes")
    assert stories(store, '"air strikes"') == ["wire1"]


def test_minus_word_leaves_out_articles_with_it(store: Warehouse) -> None:
    assert set(stories(store, "strikes syria")) == {"wire1", "raid", "iran"}
    assert set(stories(store, "strikes syria -iran")) == {"wire1", "raid"}
    assert set(stories(store, 'strikes -"air strikes"')) == {"iran", "raid"}  # raid has both words, apart


def test_or_matches_either_word(store: Warehouse) -> None:
    assert set(stories(store, "floods OR raids")) == {"flood", "raid"}


def test_english_stemming_matches_other_forms(store: Warehouse) -> None:
    assert stories(store, "flooding") == ["flood"]
    assert "raid" in stories(store, "raided")


def test_german_stemming_and_stop_words_follow_the_article_language(store: Warehouse) -> None:
    # Häuser and Haus share the German stem; "und" is a German stop word, so it never blocks a match.
    assert set(stories(store, "Haus")) == {"de1", "de2"}
    assert stories(store, "Haus und Schule") == ["de1"]
    assert stories(store, "Haus", language="en") == []


def test_a_stop_word_is_never_excluded_nor_an_alternative_in_its_language(store: Warehouse) -> None:
    # "the" is an English stop word: it is not indexed, so English articles cannot be told apart by it.
    assert set(stories(store, "strikes syria -the")) == {"wire1", "raid", "iran"}
    assert set(stories(store, "the OR floods")) == {"flood"}
    assert stories(store, "Schule -und") == ["de1"]  # "und" in de1's text: a German stop word


def test_more_relevant_article_ranks_first(store: Warehouse) -> None:
    # The wire copies carry "strikes" in title and text; the others once, in the text.
    assert stories(store, "strikes")[0] == "wire1"


def test_filters_by_date_and_feed(store: Warehouse) -> None:
    assert set(stories(store, "syria", since=(TODAY - timedelta(days=3)).date())) == {"raid", "iran"}
    assert stories(store, "syria", feed="herald") == ["wire1"]
    assert stories(store, "syria", until=(TODAY - timedelta(days=5)).date()) == ["wire1"]


def test_unknown_word_matches_nothing(store: Warehouse) -> None:
    assert stories(store, "syria zanzibar") == []


def test_attention_per_day_is_zero_filled_and_counts_stories_once(store: Warehouse) -> None:
    result = search.search_attention(store, "syria OR syrien", SearchFilters(), "day")
    days = {row[0]: (row[1], row[2]) for row in result.rows}
    expected_days = [(TODAY - timedelta(days=n)).date() for n in (5, 4, 3, 2, 1)]  # to the last article collected
    assert list(days) == expected_days
    assert days[expected_days[0]] == (1, 2)  # the wire story begins: 1 story, 2 copies
    assert days[expected_days[1]] == (0, 1)  # its third copy: no new story, 1 article
    assert days[expected_days[2]] == (0, 0)  # zero-filled
    assert days[expected_days[3]] == (2, 2)
    assert days[expected_days[4]] == (1, 1)  # de1 (German "Syrien")


def test_attention_by_source_counts_stories_and_articles(store: Warehouse) -> None:
    result = search.search_attention(store, "strikes", SearchFilters(), "source")
    assert result.rows[0][:3] == ("planet.example", 3, 3)
    assert ("herald.example", 1, 1, 1, 1.0) in result.rows  # and the share of the site's articles


def test_incremental_index_catches_new_and_changed_articles_only(tmp_path: Path) -> None:
    store = store_docs(tmp_path / "news.duckdb", DOCS[:3])
    with store.writing() as con:
        assert search.update_index(con) == 3
        assert search.update_index(con) == 0
    store_docs(store.path, DOCS[3:])
    with store.writing() as con:
        assert search.update_index(con) == len(DOCS) - 3
        con.execute("UPDATE articles SET text = 'Volcano erupts', content_hash = 'changed' WHERE article_id = 'flood'")
        assert search.update_index(con) == 1
    assert stories(store, "volcano") == ["flood"]
    assert stories(store, "river") == []


def test_cli_search_table_json_and_chart(store: Warehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})  # its warehouse is `store`
    assert cli.main(["search", "air strikes", "--config", str(config), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["story_id"] == "wire1" and rows[0]["outlets"] == 3
    assert cli.main(["search", "syria", "--by", "day", "--config", str(config)]) == 0
    chart = capsys.readouterr().out
    assert "█" in chart and f"{(TODAY - timedelta(days=3)).date()}   0 (0)" in chart
    assert cli.main(["search", "--config", str(config), "--", "-iran"]) == 2
    assert "no word to look for" in capsys.readouterr().err


def test_top_stories_widen_past_many_copies_of_one_story(store: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    # With one candidate article per story asked for, the wire story's 3 copies fill the first
    # look; the search widens until it holds the stories asked for, and still counts every copy.
    monkeypatch.setattr(search_index, "STORY_DEPTH", 1)
    result = search.search_stories(store, "strikes OR syria", SearchFilters(), 2)
    assert result.rows[0][0] == "wire1" and len(result.rows) == 2
    assert result.rows[0][2:4] == (3, 3)


def test_end_of_run_indexes_the_articles_the_run_stored(tmp_path: Path) -> None:
    from newsflow.runner import RunSummary, end_run

    store = store_docs(tmp_path / "news.duckdb", DOCS)  # stored by a run ("search-test"), not indexed yet
    assert search.unindexed_count(store) == len(DOCS)
    end_run(store, RunSummary("search-test"), None)
    assert search.unindexed_count(store) == 0
    assert stories(store, '"air strikes"') == ["wire1"]


def test_end_of_run_indexes_its_own_articles_before_a_backlog(tmp_path: Path) -> None:
    with store_docs(tmp_path / "news.duckdb", DOCS).writing() as con:
        con.execute("UPDATE articles SET run_id = 'this-run' WHERE article_id IN ('raid', 'flood')")
        assert search.update_index(con, limit=3, run_id="this-run") == 3
        indexed = {r[0] for r in con.execute("SELECT article_id FROM search_docs").fetchall()}
        assert {"raid", "flood"} <= indexed  # then one article of the backlog
        assert search.update_index(con, run_id="next-run") == len(DOCS) - 3  # a backlog: caught up


def test_backlog_is_indexed_a_slice_per_run_and_search_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = store_docs(tmp_path / "warehouse" / "news.duckdb", DOCS)
    with store.writing() as con:
        assert search.update_index(con, limit=3) == 3
    config = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    assert cli.main(["search", "syria", "--config", str(config)]) == 0
    assert f"{len(DOCS) - 3} articles are not in the search index yet" in capsys.readouterr().err
    assert cli.main(["search", "--reindex", "--config", str(config)]) == 0
    assert f"search index updated: {len(DOCS) - 3} articles indexed" in capsys.readouterr().out
    assert search.unindexed_count(store) == 0


def test_sql_examples_in_docs_search_md_run(store: Warehouse) -> None:
    from newsflow.warehouse import run_read_query

    text = (Path(__file__).resolve().parents[1] / "docs" / "search.md").read_text(encoding="utf-8")
    block = text.split("```sql\n", 1)[1].split("```", 1)[0]
    statements = [s.strip() for s in block.split(";") if s.strip()]
    assert len(statements) == 3
    first = run_read_query(store, statements[0])
    assert first.columns[:2] == ["article_id", "story_id"] and {r[1] for r in first.rows} == {"wire1"}
    second = run_read_query(store, statements[1].replace("'centcom syria'", "'\"air strikes\"'"))
    assert [r[0] for r in second.rows] == ["wire1"] and second.rows[0][1] == 3
    feed = first.rows[0][first.columns.index("feed_id")]  # --feed in SQL ("Analyst 57"): a feed's matches
    third = run_read_query(store, statements[2].replace("'harbour'", "'\"air strikes\" syria'")
                           .replace("'politics'", f"'{feed}'"))
    assert third.rows and {r[0] for r in third.rows} <= {r[0] for r in first.rows}


def test_search_on_a_warehouse_without_the_index_says_how_to_create_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "warehouse" / "news.duckdb"
    store = empty_warehouse(path)
    with store.writing() as con:  # as a warehouse from before migration 0010 has them: not at all
        for table in ("search_postings", "search_forms", "search_terms", "search_docs", "search_stopwords",
                      "search_segments"):
            con.execute(f"DROP TABLE {table}")
    config = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    assert cli.main(["search", "syria", "--config", str(config)]) == 3
    assert "no search index yet" in capsys.readouterr().err
    assert cli.main(["search", "syria", "--limit", "0", "--config", str(config)]) == 2
