"""An analyst's list of matches (docs/search.md, "Analyst 20"): `--articles --sort newest|oldest` lists them by
date, and `--snippets` adds the words around each article's first match, the matching words marked «so»."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import cli, search
from newsflow.search import SearchFilters
from newsflow.search_query import parse_query
from newsflow.search_snippets import SNIPPET_CHARS, WORDS_BEFORE, query_words, snippet
from newsflow.warehouse import Warehouse
from tests.conftest import write_config
from tests.searchsample import Doc, store_docs

FILLER = " ".join(f"word{n}" for n in range(60))
DOCS = [
    Doc("old", "Delta floods", f"{FILLER} Flood waters rose across the delta overnight.", days_ago=9),
    Doc("new", "Floods again", "Floods hit the delta, the U.S. agency said.", days_ago=1),
    Doc("mid", "Hochwasser im Delta", "Das Hochwasser stieg im Delta.", language="de", days_ago=5),
    Doc("hanoi", "Tin", "Hôm nay Hà Nội mưa lớn.", language="vi", days_ago=3),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = store_docs(tmp_path_factory.mktemp("snippets") / "warehouse" / "news.duckdb", DOCS)
    search.refresh(store)
    return store


def test_articles_sort_by_date_newest_or_oldest_first(store: Warehouse) -> None:
    def ids(sort: str) -> list[str]:
        return [row[0] for row in search.search_articles(store, "delta", SearchFilters(), 100, sort=sort).rows]
    assert ids("newest") == ["new", "mid", "old"]
    assert ids("oldest") == ["old", "mid", "new"]
    assert sorted(ids("relevance")) == ["mid", "new", "old"]
    assert ids("newest")[:1] == [row[0] for row in search.search_articles(
        store, "delta", SearchFilters(), 1, sort="newest").rows]  # the limit keeps the newest


def test_snippets_show_the_words_around_the_first_match_marked(store: Warehouse) -> None:
    result = search.search_articles(store, 'floods "delta" U.S. -hurricane', SearchFilters(), 100, snippets=True)
    assert result.columns[-1] == "snippet"
    snippets = {row[0]: row[-1] for row in result.rows}
    assert snippets == {"new": "«Floods» hit the «delta,» the «U.S.» agency said."}
    old = search.search_articles(store, "flood", SearchFilters(), 100, snippets=True).rows
    text = next(row[-1] for row in old if row[0] == "old")
    assert text.startswith("… word54 word55 word56 word57 word58 word59 «Flood» waters") and "«delta" not in text
    bare = search.search_articles(store, "ha noi", SearchFilters(), 100, snippets=True).rows
    assert bare[0][-1] == "Hôm nay «Hà» «Nội» mưa lớn."  # typed without accents, marked as written
    german = search.search_articles(store, "hochwasser", SearchFilters(), 100, snippets=True).rows
    assert german[0][-1] == "Das «Hochwasser» stieg im Delta."  # stemmed in the article's language
    # a Thai word is a run of units inside a sentence: its units are marked, not the sentence ("Analyst 40")
    assert snippet("ตลาดหุ้นไทย ปรับตัวขึ้น", "th", query_words(parse_query("ตลาด"))) == "«ตลาด»หุ้นไทย ปรับตัวขึ้น"



def test_a_snippet_of_a_text_without_spaces_is_cut_too() -> None:
    # review: a Chinese or Thai paragraph is one run without spaces; the snippet printed it whole (2,702 chars)
    paragraph = "北京市政府今天宣布" * 300
    shown = snippet(paragraph + " 上海", "zh", query_words(parse_query("上海")))
    assert len(shown) <= SNIPPET_CHARS + 10 and shown.startswith("北京市政府") and shown.endswith("… «上海»")
    assert len(snippet("x" * 5000 + " floods", "en", ["floods"])) <= 2 * SNIPPET_CHARS + 10

@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["flood", "floods", "Flooding", "delta", "the", "x", "«", "»", "…", "U.S."]),
                max_size=120))
def test_a_snippet_is_the_text_in_order_with_marks_and_cuts_only(words: list[str]) -> None:
    text = " ".join(words)
    shown = snippet(text, "en", query_words(parse_query("floods")))
    plain = shown.removeprefix("… ").removesuffix(" …")
    original = [w for w in plain.split(" ") if w]
    marked = [w[1:-1] if w.startswith("«") and w.endswith("»") and len(w) > 2 and w[1:-1].lower().startswith("flood")
              else w for w in original]
    assert " ".join(marked) in text  # the text's own words, in order: only the marks and the cuts added
    # SNIPPET_CHARS of text, or the words before the match and the match, and one more word: never the whole text
    assert len(plain) <= SNIPPET_CHARS + (WORDS_BEFORE + 2) * (max(map(len, words), default=0) + 3)
    if any(w.lower().startswith("flood") for w in words):
        assert "«" + next(w for w in words if w.lower().startswith("flood")) + "»" in shown


def test_cli_sort_and_snippets_and_their_refusal_without_articles(
    store: Warehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(Path(store.path).parent.parent, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    assert cli.main(["search", "delta", "--articles", "--sort", "newest", "--snippets", "--format", "csv",
                     "--config", str(config)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["article_id"] for r in rows] == ["new", "mid", "old"]
    assert rows[0]["snippet"].startswith("Floods hit the «delta")
    for args in (["--snippets"], ["--sort", "oldest"]):
        assert cli.main(["search", "delta", *args, "--config", str(config)]) == 2
        err = capsys.readouterr().err
        assert "add --articles" in err and len(err.strip().splitlines()) == 1
