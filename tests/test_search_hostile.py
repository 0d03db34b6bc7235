# ruff: noqa: RUF001 - Greek letters on purpose
"""What analysts type into `newsflow search`, and what feeds store: every failure one line with
exit code 2 (README, "Exit codes"), never a traceback or a hang; odd but valid input finds the
right articles."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import cli, search
from newsflow.cli_search import bar_chart
from newsflow.search import SearchFilters
from newsflow.search_text import search_tokens
from newsflow.warehouse import QueryResult, Warehouse, run_read_query
from tests.conftest import write_config
from tests.searchsample import Doc, found_by_macro, store_docs

SQL_TITLE = "Robert'); DROP TABLE articles;-- \"quoted\", with, commas"
DOCS = [
    Doc("strasse", "Große Straße gesperrt", "Die Straße in Berlin war gesperrt.", language="de"),
    Doc("sisyphus", "ΣΊΣΥΦΟΣ", "Ο Σίσυφος έσπρωχνε τον βράχο.", language="el"),
    Doc("finance", "The ﬁnance ministry", "The ﬁnance ministry said so.", language="en"),
    Doc("istanbul", "İstanbul harbour", "İstanbul harbour closed today.", language="tr"),
    Doc("sql", SQL_TITLE + "\nsecond line", "'); DELETE FROM articles; -- O'Brien wrote it.", language=None),
    Doc("empty", "", "", language="xx"),
    Doc("syria", "Air strikes in Syria", "Air strikes hit Syria overnight.", days_ago=3),
    Doc("syria2", "Air strikes in Syria", "Air strikes hit Syria overnight.", days_ago=2, story="syria",
        site="www.gazette.example", feed="gazette"),
    Doc("escape", "\x1b[2J\x1b[31mSiren alert\x9b0m\x07", "The siren sounded at noon.", days_ago=1),
    Doc("ancient", "Papyrus found", "A papyrus dated by its feed to the second century.", days_ago=365_000),
    Doc("huge", "Long report", "report " * 40_000 + "needle", language="en", days_ago=4),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    store = store_docs(root / "warehouse" / "news.duckdb", DOCS)
    search.refresh(store)
    write_config(root, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    return root


@pytest.fixture(scope="module")
def store(site: Path) -> Warehouse:
    return Warehouse(site / "warehouse" / "news.duckdb")


def run(site: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`newsflow ARGS` in this process: its exit code (argparse's too), stdout and stderr."""
    try:
        code = cli.main([*args, "--config", str(site / "newsflow.toml")])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def found(store: Warehouse, text: str) -> list[str]:
    return sorted(row[0] for row in search.search_stories(store, text, SearchFilters(), 50).rows)



# --- phrases and words as the index casefolds them -------------------------------------------


@pytest.mark.parametrize(("query", "article"), [
    ('"große straße"', "strasse"), ('"straße in berlin"', "strasse"), ('"GROSSE STRASSE"', "strasse"),
    ('"ο σίσυφος"', "sisyphus"), ('"ΣΊΣΥΦΟΣ"', "sisyphus"), ('"finance ministry"', "finance"),
    ('"İstanbul harbour"', "istanbul"), ('"o\'brien wrote"', "sql"),
])
def test_a_phrase_is_found_whatever_its_case_folding(store: Warehouse, query: str, article: str) -> None:
    # The index casefolds (ß -> ss, final sigma -> sigma, ligatures apart); the phrase check
    # lowercased, so these phrases matched their words but never the text.
    assert found(store, query) == [article]
    assert found_by_macro(store, query) == [article]


def test_a_query_typed_decomposed_finds_the_stored_composed_text(store: Warehouse) -> None:
    assert found(store, unicodedata.normalize("NFD", '"Große Straße"')) == ["strasse"]
    assert found(store, "Ο Σίσυφος".replace("ί", "ι\u0301")) == ["sisyphus"]


MARKED = st.sampled_from(["\u0307", "\u0301", "\u093f", "\u094d", "\u064e", "\u0651", "\u0640", "\u05b8",
                          "\u0e34", "\u3099", "\U0001d167", "\U00011000", "İ", "ı", "I", "i", "ह", "د", "ש",
                          "か", "e", " ", "-"])


@settings(max_examples=60, deadline=None)
@given(st.text(st.one_of(st.characters(exclude_categories=("Cn", "Cs")), MARKED), max_size=40))
def test_the_phrase_text_holds_the_tokens_the_index_holds(store: Warehouse, text: str) -> None:
    # search_phrase_body, the SQL side of a phrase, must cut any text into search_tokens' words.
    # (Characters Python's Unicode tables leave unassigned, U+31350 say, may be letters to DuckDB's.)
    row = run_read_query(store, "SELECT search_phrase_body($t)", {"t": text}).rows[0]
    assert row[0].split() == search_tokens(text)


def test_search_fold_is_python_casefold_on_every_code_point(store: Warehouse) -> None:
    chars = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF and i != 0x0A]
    with store.reading() as con:  # one string, a character a line: one call folds them all
        row = con.execute("SELECT search_fold($s)", {"s": "\n".join(chars)}).fetchone()
    assert row is not None
    folded = row[0].split("\n")
    assert [c for c, f in zip(chars, folded, strict=True) if f != c.casefold()] == []


def test_macro_splits_words_on_unicode_spaces_like_the_cli(store: Warehouse) -> None:
    # RE2's \S takes a no-break space for a letter: "air\u00a0syria" was one phrase in SQL.
    for space in ["\u00a0", "\u3000", "\u2009", "\x0b"]:
        assert found_by_macro(store, f"overnight{space}air") == ["syria", "syria2"]
        assert found(store, f"overnight{space}air") == ["syria"]


def test_or_joins_across_a_word_of_punctuation_alone_in_sql_as_in_the_cli(store: Warehouse) -> None:
    assert found_by_macro(store, 'harbour OR "" needle') == ["huge", "istanbul"] == found(store, 'harbour OR "" needle')
    assert found(store, "harbour OR , needle") == ["huge", "istanbul"]


def test_not_in_capitals_leaves_out_in_sql_as_in_the_cli(store: Warehouse) -> None:
    assert found_by_macro(store, "strikes AND NOT gazette overnight") == ["syria", "syria2"]
    query = "harbour OR needle NOT closed"
    assert found_by_macro(store, query) == ["huge"] == found(store, query)


def test_a_word_repeated_past_the_clause_limit_counts_once(store: Warehouse) -> None:
    assert found(store, " ".join(["syria"] * 100)) == ["syria"]


def test_macro_with_too_many_words_says_so_in_one_line(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    words = " ".join(f"w{i}" for i in range(70))
    code, _, err = run(site, "query", f"SELECT * FROM search_articles('{words}')", capsys=capsys)
    assert code == 2 and "more than 63 words or phrases" in err and err.count("\n") == 1
    code, _, _ = run(site, "query", "SELECT count(*) FROM search_articles('oil -a -b -c') ", capsys=capsys)
    assert code == 0  # exclusions do not count towards the 63


# --- hostile stored content ------------------------------------------------------------------


def test_sql_looking_stored_text_is_only_text(store: Warehouse) -> None:
    assert found(store, '"delete from articles"') == ["sql"] == found(store, "drop table")
    assert run_read_query(store, "SELECT count(*) FROM articles").rows[0][0] == len(DOCS)


def test_a_huge_text_is_found_by_its_last_word(store: Warehouse) -> None:
    assert found(store, "needle") == ["huge"]
    assert found(store, '"report needle"') == ["huge"]


def test_titles_with_commas_quotes_and_newlines_survive_csv_and_json(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(site, "search", "O'Brien", "--format", "csv", capsys=capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["title"] for r in rows] == [SQL_TITLE + "\nsecond line"]
    code, out, _ = run(site, "search", "O'Brien", "--format", "json", capsys=capsys)
    assert code == 0 and json.loads(out)[0]["title"] == SQL_TITLE + "\nsecond line"


def test_control_characters_in_stored_titles_never_reach_the_terminal(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(site, "search", "siren", capsys=capsys)
    assert code == 0 and "Siren alert" in out
    assert not any(c in out for c in "\x1b\x9b\x07"), repr(out)


# --- arguments: one line, exit 2, naming the argument ---------------------------------------


@pytest.mark.parametrize(("args", "named"), [
    (["search", "syria", "--since", "2026-12-01", "--until", "2026-11-01"], "--since 2026-12-01 is after --until"),
    (["search", "syria", "--language", "'; DROP TABLE x"], "--language"),
    (["search", "syria", "--language", ""], "--language"),
    (["search", "syria", "--feed", "nope"], "--feed 'nope'"),
    (["search", "syria", "--feed", " "], "--feed"),
    (["search", "syria", "--since", "2026-13-01"], "argument --since"),
    (["search", "syria", "--format", "xml"], "argument --format"),
    (["search", "syria", "--by", "month"], "argument --by"),
    (["search", "syria", "--limit", "0"], "--limit must be 1 or more"),
    (["search", "syria", "--limit", "many"], "argument --limit"),
    (["search", "the und"], "only stop words"),
    (["search", "the", "--by", "day"], "only stop words"),
    (["search", "syria", "--by", "day", "--since", "0001-01-01"], "--by day would list"),
    (["search", "syria", "--by", "week", "--since", "0001-01-01", "--until", "9999-12-31"], "--by week would list"),
    (["search", " ".join(f"-w{i}" for i in range(5000))], "no word to look for"),
    (["stories", "--limit", "-1"], "--limit must be 1 or more"),
])
def test_bad_arguments_are_one_line_with_exit_2(site: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                                named: str) -> None:
    code, out, err = run(site, *args, capsys=capsys)
    assert (code, out) == (2, "") and named in err and err.count("\n") == 1, err
    assert "Traceback" not in err and len(err) < 400


def test_language_with_a_region_matches_the_language(store: Warehouse, site: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    for language in ["en-GB", "EN", "en_US"]:
        code, out, _ = run(site, "search", "syria", "--language", language, "--format", "json", capsys=capsys)
        assert code == 0 and [r["story_id"] for r in json.loads(out)] == ["syria"], language


def test_a_language_no_article_is_in_says_which_languages_are_stored(site: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(site, "search", "syria", "--language", "zz", "--format", "json", capsys=capsys)
    assert (code, json.loads(out)) == (0, [])
    assert err.count("\n") == 1 and "'zz'" in err and "en" in err and "de" in err, err
    code, out, err = run(site, "search", "zanzibar", "--language", "de", "--format", "json", capsys=capsys)
    assert (code, json.loads(out), err) == (0, [], "")  # a stored language that matched nothing: no hint


def test_a_feed_known_only_to_the_warehouse_is_accepted(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(site, "search", "syria", "--feed", "gazette", "--format", "json", capsys=capsys)
    assert code == 0 and [(r["story_id"], r["articles"]) for r in json.loads(out)] == [("syria", 1)]


def test_a_huge_limit_lists_every_story(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["search", "syria OR needle"], ["stories"]):
        code, out, err = run(site, *command, "--limit", "99999999999999999999", "--format", "json", capsys=capsys)
        assert code == 0 and len(json.loads(out)) >= 2, err


def test_attention_with_no_match_is_zero_filled_over_the_dates_given(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(site, "search", "nowhere", "--by", "week", "--since", "2026-01-01", "--until", "2026-01-20",
                       "--format", "json", capsys=capsys)
    weeks = [(r["period"], r["stories"], r["articles"]) for r in json.loads(out)]
    assert code == 0 and weeks == [("2025-12-29", 0, 0), ("2026-01-05", 0, 0), ("2026-01-12", 0, 0),
                                   ("2026-01-19", 0, 0)]


def test_a_stored_date_centuries_away_asks_for_dates_instead_of_printing_millions_of_days(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(site, "search", "papyrus OR strikes", "--by", "day", capsys=capsys)
    assert (code, out) == (2, "") and "--by day would list" in err and "--since" in err and err.count("\n") == 1
    code, out, _ = run(site, "search", "papyrus OR strikes", "--by", "week", "--format", "json", capsys=capsys)
    assert code == 0 and sum(r["articles"] for r in json.loads(out)) == 3  # 52,000 weeks: under the cap


def test_the_bar_chart_fits_a_narrow_terminal() -> None:
    result = QueryResult(["source", "stories", "articles"],
                         [("a-very-long-outlet-name.example", 120, 400), ("short.example", 3, 3)])
    for columns in (20, 40, 80):
        lines = bar_chart(result, columns).splitlines()
        assert all(len(line) <= columns for line in lines), (columns, lines)
        assert lines[1].endswith(" 120 (400)") and "█" in lines[1]
    days = QueryResult(["period", "stories", "articles"], [("2026-11-01", 5, 9), ("2026-11-02", 0, 0)])
    assert bar_chart(days, 20).splitlines()[1].startswith("2026-11-01  █")  # dates are never cut


def test_search_output_into_head_stops_quietly(site: Path) -> None:
    # 46,000 zero-filled days (1 MB) are more than a pipe holds: `| head -1` closes it mid-write.
    command = [sys.executable, "-m", "newsflow", "search", "syria", "--by", "day", "--since", "1900-01-01",
               "--config", str(site / "newsflow.toml")]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 141 and err == ""


def test_search_on_a_fresh_empty_warehouse_finds_nothing_quietly(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    store_docs(tmp_path / "warehouse" / "news.duckdb", [])
    write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    code, out, err = run(tmp_path, "search", "syria", "--format", "json", capsys=capsys)
    assert (code, json.loads(out), err) == (0, [], "")
    code, out, err = run(tmp_path, "search", "syria", "--by", "day", capsys=capsys)
    assert (code, out.strip(), err) == (0, "(no matching articles)", "")
