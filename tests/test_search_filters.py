"""The analyst's side of `newsflow search` (docs/search.md): a site filter with its subdomains,
attention per language, and the export of every matching article with its story and URL."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from newsflow import cli, search
from newsflow.search import SearchFilters
from newsflow.warehouse import Warehouse
from tests.conftest import write_config
from tests.searchsample import Doc, store_docs

WIRE = "Flood waters rose across the delta overnight, the disaster agency said on Monday."
DOCS = [
    Doc("wire1", "Delta floods", WIRE, site="www.herald.example", days_ago=4, feed="herald"),
    Doc("wire2", "Floods in the delta", WIRE + " More later.", site="uk.herald.example", days_ago=4, story="wire1",
        feed="herald"),
    Doc("wire3", "Delta floods rise", WIRE, site="planet.example", days_ago=3, story="wire1"),
    Doc("notherald", "Floods elsewhere", "Floods hit the valley, the agency said.", site="notherald.example",
        days_ago=2, feed="other"),
    Doc("de1", "Hochwasser im Delta", "Das Hochwasser im Delta stieg, floods, sagte die Behörde.", language="de",
        site="blatt.example", days_ago=1, feed="blatt"),
    Doc("nolang", "Floods, undated language", "Floods again in the delta region.", language=None,
        site="planet.example", days_ago=1),
]


@pytest.fixture
def store(tmp_path: Path) -> Warehouse:
    store = store_docs(tmp_path / "warehouse" / "news.duckdb", DOCS)
    with store.writing() as con:
        search.update_index(con)
    return store


def test_site_filter_takes_the_site_and_its_subdomains_only(store: Warehouse) -> None:
    result = search.search_articles(store, "floods", SearchFilters(site="herald.example"), 100)
    assert sorted(row[0] for row in result.rows) == ["wire1", "wire2"]  # not notherald.example
    stories = search.search_stories(store, "floods", SearchFilters(site="herald.example"), 20)
    assert [(row[0], row[2], row[3]) for row in stories.rows] == [("wire1", 2, 2)]  # outlets, articles on the site
    by_day = search.search_attention(store, "floods", SearchFilters(site="planet.example"), "day")
    assert sum(row[2] for row in by_day.rows) == 2


def test_attention_by_language_counts_stories_and_articles_per_language(store: Warehouse) -> None:
    result = search.search_attention(store, "floods", SearchFilters(), "language")
    assert result.columns == ["language", "stories", "articles", "all_articles", "share"]
    assert [row[:3] for row in result.rows] == [("en", 2, 4), ("de", 1, 1), ("unknown", 1, 1)]


def test_articles_export_lists_every_match_with_story_site_and_url(store: Warehouse) -> None:
    result = search.search_articles(store, "delta", SearchFilters(), 100)
    assert result.columns == ["article_id", "story_id", "site", "feed_id", "published_at", "language", "title",
                              "url", "score"]
    rows = [dict(zip(result.columns, row, strict=True)) for row in result.rows]
    assert {r["article_id"] for r in rows} == {"wire1", "wire2", "wire3", "de1", "nolang"}
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    wire2 = next(r for r in rows if r["article_id"] == "wire2")
    assert (wire2["story_id"], wire2["site"], wire2["url"]) == ("wire1", "uk.herald.example",
                                                                 "https://uk.herald.example/wire2")
    assert len(search.search_articles(store, "delta", SearchFilters(), 2).rows) == 2


def test_cli_exports_csv_and_refuses_bad_site_and_by_with_articles(
    store: Warehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"}))  # its warehouse is `store`
    assert cli.main(["search", "floods", "--articles", "--site", "https://www.Herald.example/news",
                     "--format", "csv", "--limit", "1000000000000", "--config", config]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["article_id"] for r in rows) == ["wire1", "wire2"] and rows[0]["story_id"] == "wire1"
    assert cli.main(["search", "floods", "--by", "language", "--format", "json", "--config", config]) == 0
    assert json.loads(capsys.readouterr().out)[0] == {"language": "en", "stories": 2, "articles": 4, "all_articles": 4,
                                                      "share": 1.0}
    assert cli.main(["search", "floods", "--site", "two words", "--config", config]) == 2
    err = capsys.readouterr().err
    assert "--site expects a site like reuters.com" in err and len(err.strip().splitlines()) == 1
    assert cli.main(["search", "floods", "--articles", "--by", "day", "--config", config]) == 2
    assert "give one of the two" in capsys.readouterr().err


def test_top_words_of_the_matches_count_articles_and_stories_per_word(store: Warehouse) -> None:
    """`--by word`: the words the matching articles use most, each as its shortest form seen."""
    result = search.search_attention(store, "delta", SearchFilters(), "word", 50)
    assert result.columns == ["word", "stories", "articles"]
    counts = {row[0]: row[1:] for row in result.rows}
    assert counts["delta"] == (3, 5)  # wire1-3 (one story), nolang, and de1: one word across languages
    assert counts["agency"] == (1, 3)  # "agency" in the wire copies only: one story, three articles
    assert counts["the"] == (1, 1)  # a stop word: indexed only in the article with no language (nolang)
    # English "Flood"/"Floods" are one stem, shown as its shortest form; the article with no language
    # and the German one index "floods" word for word (German stems it to itself)
    assert counts["flood"] == (1, 3) and counts["floods"] == (2, 2)
    assert [row[2] for row in result.rows] == sorted((row[2] for row in result.rows), reverse=True)
    assert len(search.search_attention(store, "delta", SearchFilters(), "word", 3).rows) == 3
    assert search.search_attention(store, "delta", SearchFilters(site="planet.example"), "word", 50).rows[0][2] == 2


def test_cli_reads_a_site_url_with_a_port_as_its_host_and_takes_language_unknown(
    store: Warehouse, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Regressions (review of analyst11): `--site https://herald.example:443/x` was refused though a
    URL is read as its host, and `--by language` listed `unknown` that `--language unknown` refused."""
    config = str(write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"}))
    assert cli.main(["search", "floods", "--articles", "--site", "https://www.herald.example:443/news",
                     "--format", "json", "--config", config]) == 0
    assert sorted(r["article_id"] for r in json.loads(capsys.readouterr().out)) == ["wire1", "wire2"]
    assert cli.main(["search", "floods", "--articles", "--language", "unknown", "--format", "json",
                     "--config", config]) == 0
    assert [r["article_id"] for r in json.loads(capsys.readouterr().out)] == ["nolang"]
    assert cli.main(["search", "floods", "--language", "", "--config", config]) == 2
    assert "--language expects a language code" in capsys.readouterr().err


def test_top_words_read_only_the_best_ranked_sample(store: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--by word` reads the best TOP_WORDS_SAMPLE matches only: set to 2, no word is in more than
    the 2 best-ranked articles (with the whole set, "delta" is in 5)."""
    from newsflow.warehouse import search_index

    monkeypatch.setattr(search_index, "TOP_WORDS_SAMPLE", 2)
    best_two = {row[0] for row in search.search_articles(store, "delta", SearchFilters(), 2).rows}
    result = search.search_attention(store, "delta", SearchFilters(), "word", 50)
    counts = {row[0]: row[1:] for row in result.rows}
    assert counts["delta"][1] == 2 and max(articles for _, articles in counts.values()) == 2
    assert len(best_two) == 2
