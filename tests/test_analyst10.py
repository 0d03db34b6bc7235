# ruff: noqa: RUF001, RUF002 - Turkish dotless i on purpose
"""Analyst red team (session 11): shrunk failures kept as regression tests.

Stories: texts of one template reporting different events (CENTCOM's daily strike statements,
quarterly earnings) were one story, because their words agree; their numbers do not
(`newsflow.stories_slots`).

JSON: `--format json` printed NaN and Infinity, which no strict JSON parser reads (jq, JSON.parse).

Tables: a stored title's RIGHT-TO-LEFT OVERRIDE reached the terminal and displayed the rest of the
line backwards; CJK titles (two columns a character) pushed the columns after them out of line.
"""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow import search
from newsflow.cli_output import display_width, format_result
from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.search import SearchFilters
from newsflow.stories import (
    DEFAULT_PARAMS,
    StoryCandidate,
    assign_stories,
    signature_of,
    similarity,
)
from newsflow.stories_slots import slots_of
from newsflow.text import word_tokens
from newsflow.warehouse import QueryResult, Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.searchsample import Doc, store_docs
from tests.sitefactory import Site, Story, rss_feed

T0 = datetime(2026, 11, 12, 14, 30, tzinfo=UTC)

CLOSING = (
    "U.S. forces identified the missiles and determined they presented an imminent threat to U.S. Navy ships and "
    "merchant vessels in the region. These actions will protect freedom of navigation and make international "
    "waters safer and more secure for U.S. Navy and merchant vessels.",
    "There were no injuries or damage reported by U.S. or coalition ships. CENTCOM remains committed to deterring "
    "aggression and will continue to take action as necessary to protect U.S. personnel and partner forces.",
)


def statement(day: int, hour: str, count: int, target: str) -> tuple[str, ...]:
    """A CENTCOM strike statement: every one of them reads like this but for the numbers and targets."""
    return (
        f"TAMPA, Fla. - On Nov. {day}, at approximately {hour} (Sanaa time), U.S. Central Command (CENTCOM) forces "
        f"conducted self-defense strikes against {count} Iran-backed Houthi {target} that were prepared to launch "
        "against ships in the Red Sea.",
        *CLOSING,
    )


NOV_12 = statement(12, "4:30 p.m.", 3, "anti-ship cruise missiles")
NOV_13 = statement(13, "9:15 a.m.", 2, "anti-ship cruise missiles")
UPDATE = (  # NOV_12 hours later: a new lede, the count risen, a closing line
    "The Pentagon said later on Tuesday that the strikes had also hit radar sites used to guide the attacks.",
    NOV_12[0].replace("against 3 ", "against 5 "),
    *NOV_12[1:],
    "Officials said a full assessment of the damage was under way.",
)


def candidate(article_id: str, paragraphs: tuple[str, ...], hours: float) -> StoryCandidate:
    return StoryCandidate(article_id, "\n".join(paragraphs), f"hash-{article_id}", (T0 + timedelta(hours=hours),
                                                                                   article_id))


def test_two_centcom_statements_a_day_apart_are_two_stories_and_their_copies_join_each() -> None:
    first, second = signature_of("\n".join(NOV_12)), signature_of("\n".join(NOV_13))
    assert first is not None and second is not None
    words_alone = similarity(first, second)
    assert words_alone.jaccard >= DEFAULT_PARAMS.jaccard_min, "their words alone make them one story"
    copies = [
        candidate("nov12", NOV_12, 0),
        candidate("nov12-ap", ("WASHINGTON (AP) - " + NOV_12[0], *NOV_12[1:], "Copyright 2026 The Associated Press."),
                  1),
        candidate("nov13", NOV_13, 24),
        candidate("nov13-reuters", ("DUBAI (Reuters) - " + NOV_13[0], *NOV_13[1:]), 25),
    ]
    story_of = assign_stories(copies, lambda keys: []).story_ids()
    assert story_of == {"nov12": "nov12", "nov12-ap": "nov12", "nov13": "nov13", "nov13-reuters": "nov13"}


def test_next_days_statement_with_the_same_time_count_and_targets_is_another_story() -> None:
    """Only the date differs: the time and the count agree, yet the date outweighs them."""
    next_day = statement(13, "4:30 p.m.", 3, "anti-ship cruise missiles")
    story_of = assign_stories([candidate("nov12", NOV_12, 0), candidate("nov13", next_day, 24)],
                              lambda keys: []).story_ids()
    assert story_of == {"nov12": "nov12", "nov13": "nov13"}


def test_an_update_hours_later_with_a_risen_count_stays_in_its_story() -> None:
    story_of = assign_stories([candidate("nov12", NOV_12, 0), candidate("nov12-update", UPDATE, 6)],
                              lambda keys: []).story_ids()
    assert story_of["nov12-update"] == "nov12"


def test_quarterly_results_of_two_companies_from_one_template_are_two_stories() -> None:
    template = ("{name} reported higher than expected profit for the third quarter on Tuesday, as revenue rose "
                "{growth} percent to ${revenue} billion. Net income was ${income} billion, or ${eps} per share, "
                "compared with ${prior} billion a year earlier. The company will hold a conference call with "
                "analysts and investors to discuss the results, and a replay of the call will be available on its "
                "investor relations website later in the day.")
    one = template.format(name="Contoso", growth=12, revenue=4.2, income=1.1, eps=2.31, prior=0.9)
    other = template.format(name="Fabrikam", growth=7, revenue=9.8, income=2.4, eps=1.05, prior=2.2)
    story_of = assign_stories([candidate("a", (one,), 0), candidate("b", (other,), 1)], lambda keys: []).story_ids()
    assert story_of == {"a": "a", "b": "b"}


def test_a_number_is_one_slot_per_side_and_words_with_digits_are_words() -> None:
    assert len(slots_of(word_tokens("on Nov. 12, at 4:30 p.m."))) == 3  # "12" twice, the time "4 30 p" once
    assert len(slots_of(word_tokens("the g7 met on the 23rd with covid19 rules"))) == 0
    assert len(slots_of(word_tokens("١٢ ٣"))) == 2  # Arabic-Indic digits are digits: one run
    dates = [slot >> 63 for slot in slots_of(word_tokens("on Nov. 12 at 4:30, le 3 novembre, 11月12日")).tolist()]
    assert sorted(dates) == [0] + [1] * 8  # four runs beside a month; "at 4:30" a clock time (a date beside one)


def test_a_signature_stored_before_number_slots_still_matches_its_copies() -> None:
    """Warehouses hold signatures without slots: they compare on their MinHash, no number refuses them."""
    stored = signature_of("\n".join(NOV_12))
    assert stored is not None
    old_format = stored[: 12 + 4 * DEFAULT_PARAMS.num_perm]
    new = signature_of("\n".join(NOV_13))
    assert new is not None
    assert similarity(old_format, stored).jaccard == 1.0
    assert similarity(old_format, new).slots.shared == 0  # nothing to refuse on: the old rule applies


def test_two_statements_a_day_apart_through_two_runs_are_two_stories(tmp_path: Path) -> None:
    """The whole way: pages on loopback outlets, extraction, and the second day's statement placed
    against the first day's, read back from the warehouse's story index (signatures with their slots)."""
    servers = [LocalServer(host=f"127.0.0.{n}") for n in (1, 2)]
    try:
        feeds = {f"outlet{n}": server.url("/rss.xml") for n, server in enumerate(servers)}
        config = load_config(write_config(tmp_path, "", feeds))
        days = (("nov12", NOV_12, 0), ("nov13", NOV_13, 24))
        for day in (1, 2):
            for n, server in enumerate(servers):  # outlet 1 also runs the first statement's update, 6 h on
                publish_statements(server, n, days[:day] + ((("nov12-update", UPDATE, 6),) if day == 2 and n else ()))
            assert asyncio.run(run_ingest(config, f"run-{day}")).counts.articles_stored == 2 + (day == 2)
        rows = run_read_query(Warehouse(config.warehouse_path),
                              "SELECT n_articles, n_sources FROM stories ORDER BY first_published_at").rows
        assert rows == [(3, 2), (2, 2)], "each statement is one story on two outlets; the update joins the first"
    finally:
        for server in servers:
            server.close()


def publish_statements(server: LocalServer, n: int, statements: tuple[tuple[str, tuple[str, ...], int], ...]) -> None:
    """Outlet n's feed of the statements (slug, paragraphs, hours after T0); outlet 1 adds a dateline."""
    site = Site(f"Outlet {n}")
    items = []
    for slug, paragraphs, hours in statements:
        published = T0 + timedelta(hours=hours + n)
        if n:
            paragraphs = (f"WASHINGTON (AP) - {paragraphs[0]}", *paragraphs[1:])
        story = Story(slug, f"U.S. strikes Houthi missiles ({slug})", paragraphs, published, "Wire Service")
        server.add(f"/news/{slug}", Page(site.article_page(story)))
        items.append((slug, f"/news/{slug}", published))
    server.add("/rss.xml", Page(rss_feed(site.name, items), "application/rss+xml"))


# --- tables ----------------------------------------------------------------------------------------


def test_a_titles_bidi_override_never_reaches_the_terminal_table() -> None:
    title = "\u202eevil\u202c and \u2067isolated\u2069 text"
    table = format_result(QueryResult(["title", "n"], [(title, 1)]), "table")
    assert not set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") & set(table)
    assert "evil" in table and "isolated" in table
    assert format_result(QueryResult(["title"], [(title,)]), "csv").splitlines()[1] == title  # the data, as stored


def test_table_columns_line_up_by_terminal_columns_with_cjk_and_emoji() -> None:
    family = "👨\u200d👩\u200d👧"
    rows = [("東京で地震", "ja"), (f"Strikes in Syria {family}", "en"), ("plain", "xx"), ("غارات في سوريا", "ar")]
    lines = format_result(QueryResult(["title", "language"], rows), "table").splitlines()
    starts = {display_width(line[: line.rindex(code)]) for line, (_, code) in zip(lines[2:], rows, strict=False)}
    assert starts == {display_width(lines[0][: lines[0].index("language")])}


def test_a_long_cjk_title_is_cut_to_the_tables_width_in_columns() -> None:
    table = format_result(QueryResult(["t"], [("東" * 70,)]), "table")
    cell = table.splitlines()[2]
    assert cell.endswith("…") and display_width(cell) <= 60


def test_json_output_has_null_for_nan_and_infinities_and_is_strict_json() -> None:
    result = QueryResult(["x", "y", "nested", "fine"], [(math.nan, -math.inf, [1.5, math.inf, {"k": math.nan}], 2.5)])

    def refuse(constant: str) -> None:
        raise ValueError(f"not JSON: {constant}")

    rows = json.loads(format_result(result, "json"), parse_constant=refuse)
    assert rows == [{"x": None, "y": None, "nested": [1.5, None, {"k": None}], "fine": 2.5}]


def test_the_turkish_dotted_i_is_found_by_a_plain_i(tmp_path: Path) -> None:
    """docs/search.md: `istanbul` finds `İstanbul` (the dot casefolding leaves is folded away), and
    `ığdır` finds `IĞDIR`. Before migration 0052 `istanbul` found only `Istanbul`."""
    docs = [Doc("dotted", "İstanbul harbour", "İstanbul harbour closed."), Doc("plain", "Istanbul port", "Port."),
            Doc("igdir", "IĞDIR", "Snow in IĞDIR.")]
    store = store_docs(tmp_path / "news.duckdb", docs)
    search.refresh(store)

    def found(query: str) -> list[str]:
        return sorted(row[0] for row in search.search_stories(store, query, SearchFilters(), 10).rows)

    assert found("istanbul") == ["dotted", "plain"]
    assert found("İSTANBUL") == ["dotted", "plain"]
    assert found("ığdır") == ["igdir"]


# --- reading while a run writes ----------------------------------------------------------------------


def test_search_export_and_stories_beside_a_writing_run_say_busy_in_one_line_with_exit_3(tmp_path: Path) -> None:
    store = store_docs(tmp_path / "warehouse" / "news.duckdb", [Doc("syria", "Air strikes in Syria", "Strikes hit.")])
    config = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    commands = (["search", "syria"], ["export", str(tmp_path / "out")], ["stories"])
    with store.run_lock(), store.writing():  # what a run does while it loads a batch
        readers = [subprocess.Popen([sys.executable, "-m", "newsflow", *args, "--config", str(config)],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for args in commands]
        results = [(reader.wait(timeout=120), *reader.communicate()) for reader in readers]
    for args, (code, out, err) in zip(commands, results, strict=True):
        assert code == 3 and out == "", (args, code, err)
        assert err.count("\n") == 1 and "locked by another newsflow run" in err and "try again" in err, (args, err)
    assert subprocess.run([sys.executable, "-m", "newsflow", "search", "syria", "--config", str(config)],
                          capture_output=True, text=True, timeout=120).returncode == 0  # free again: it works
