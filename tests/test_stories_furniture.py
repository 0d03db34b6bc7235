"""Site furniture (newsflow.stories_furniture): a short line that three articles of one site carry
is that site's furniture and is left out before shingling, so short briefs drowned in one outlet's
header and footer stop sharing a story, while copies of one story keep theirs."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bench import synth
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import dedup, pipeline, warehouse
from newsflow.stories import StoryCandidate, assign_stories
from newsflow.stories_furniture import LINES_KEPT, short_lines, without_lines
from newsflow.stories_memory import MemoryIndex
from newsflow.text import word_tokens
from newsflow.warehouse import Warehouse, run_read_query
from tests.storyworlds import T0, WorldText, briefs_in_furniture, cluster, pair_scores, wire_story

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=40, deadline=None)
@given(seeds, seeds)
def test_briefs_of_one_site_in_heavy_furniture_stay_apart_in_any_order(world_seed: int, order_seed: int) -> None:
    """Before furniture counts, every world's 12 briefs were one story (66 false pairs); now only
    the first two a site publishes, placed before its furniture is known, can still share one."""
    briefs = briefs_in_furniture(world_seed)
    scores = pair_scores(briefs, cluster(briefs, order_seed))
    assert scores.found_pairs <= 1, scores.false_pairs


def test_furniture_is_counted_per_site() -> None:
    """The same briefs on twelve different sites: no line recurs on one site, nothing is left out,
    and they merge as before (the counts are what tells furniture, not the lines themselves)."""
    briefs = [replace(b, site=f"site{n}") for n, b in enumerate(briefs_in_furniture(5))]
    assert pair_scores(briefs, cluster(briefs, 0)).found_pairs > 10


def test_a_site_running_three_versions_of_one_story_keeps_them_together() -> None:
    """Long story paragraphs are never furniture: one site's three versions of a story, each under
    the site's header and footer, stay one story, and the site's other briefs stay apart from it."""
    story = wire_story(__import__("random").Random(3), T0, "wire0")
    furniture_head = ["Skip to main content", "The Record | World | Politics", "Advertisement"]
    furniture_tail = ["Read more:", "Copyright 2026 The Record. All rights reserved.", "Related coverage"]
    versions = [WorldText(f"v{n}", "wire0", "\n".join([*furniture_head, *story.paragraphs[: 3 + n], *furniture_tail]),
                          T0.replace(hour=6 + n), "therecord.example") for n in range(3)]
    briefs = [replace(b, site="therecord.example") for b in briefs_in_furniture(1)]
    for order in range(5):
        scores = pair_scores([*versions, *briefs], cluster([*versions, *briefs], order))
        assert not scores.missed_pairs, scores.missed_pairs
        assert all(not p[0].startswith("v") and not p[1].startswith("v") for p in scores.false_pairs)


def test_short_lines_are_keyed_by_their_words_and_capped_at_both_ends() -> None:
    text = "Advertisement\n" + " ".join(["word"] * 25) + "\nADVERTISEMENT!\n  share, this  \n"
    lines = short_lines(text, 24)
    assert [number for number, _ in lines] == [0, 2, 3]  # line 1 is long
    assert lines[0][1] == lines[1][1]  # line 2 is the same words as line 0: one key, both lines listed
    many = "\n".join(f"line number {n}" for n in range(200))
    kept = [number for number, _ in short_lines(many, 24)]
    assert kept == [*range(LINES_KEPT), *range(200 - LINES_KEPT, 200)]


def test_a_batch_counts_its_own_lines_as_runs_of_one_would() -> None:
    briefs = briefs_in_furniture(2)
    candidates = [StoryCandidate(b.doc_id, b.text, b.doc_id, (b.arrived, b.doc_id), b.site) for b in briefs]
    at_once = MemoryIndex()
    at_once.add(assign_stories(candidates, at_once.lookup, line_lookup=at_once.lookup_lines), candidates)
    one_by_one = MemoryIndex()
    for candidate in sorted(candidates, key=lambda c: c.sort_key):
        one_by_one.add(assign_stories([candidate], one_by_one.lookup, line_lookup=one_by_one.lookup_lines),
                       [candidate])
    assert at_once.story_of == one_by_one.story_of
    assert len(set(at_once.story_of.values())) >= len(briefs) - 1


def test_the_warehouse_keeps_each_sites_lines_and_briefs_loaded_run_by_run_stay_apart(tmp_path: Path) -> None:
    """Through pipeline.load_batch into a real DuckDB file, one brief per batch: `story_lines`
    holds the lines under the site of the canonical URL, and from the third brief on, each brief
    is a story of its own."""
    store = Warehouse(tmp_path / "news.duckdb")
    articles, _, _ = synth.article_batch(12, "furniture", site="https://www.brief.example/news/")
    briefs = briefs_in_furniture(4)
    articles = [replace(a, text=b.text, published_at=T0.replace(hour=n), content_hash=f"h{n}")
                for n, (a, b) in enumerate(zip(articles, briefs, strict=True))]
    with store.writing() as con, warehouse.transaction(con):
        synth.insert_entries_for(con, articles, "furniture")
    for article in articles:
        counts = pipeline.load_batch(store, "furniture", *synth.stage_inputs([article]))
        assert counts.articles_stored == 1
    sites = run_read_query(store, "SELECT DISTINCT site FROM story_lines").rows
    assert sites == [("brief.example",)]
    lines_per_article = run_read_query(store, "SELECT count(*) FROM story_lines GROUP BY article_id").rows
    assert len(lines_per_article) == 12 and all(n >= 16 for (n,) in lines_per_article)  # 8 head + 8 tail lines
    stories = run_read_query(store, "SELECT n_articles FROM stories ORDER BY n_articles DESC").rows
    assert len(stories) >= 11 and stories[0][0] <= 2, stories
    assert dedup.site_of_url("https://www.brief.example/news/1.html") == "brief.example"


WIRE_PARAGRAPHS = [
    "The port authority said on Tuesday that container traffic fell sharply in the third quarter.",
    "Officials blamed a strike by crane operators that lasted eleven days and idled most berths.",
    "Shipping lines diverted dozens of vessels to neighbouring harbours while talks dragged on slowly.",
    "The union accepted a new contract late on Monday after a marathon session with mediators.",
    "Exporters of fruit and machinery warned that the backlog would take weeks to clear fully.",
    "The finance ministry estimated the cost of the stoppage at several hundred million euros.",
    "Analysts expect volumes to recover by the end of the year if no new disputes arise.",
    "The authority plans to publish revised forecasts for the whole year next month, it said.",
    "Port workers returned to their posts on Wednesday morning and the first ships were unloaded.",
]


def test_a_sites_updates_of_one_wire_story_with_one_sentence_paragraphs_stay_one_story() -> None:
    """Regression (review of analyst11): wire copy has one short sentence per paragraph, so each
    paragraph is a short line; a site's 3rd and 4th updates carried lines 3 articles of the site
    share and lost nearly all their text: {'v0': 'v0', 'v1': 'v0', 'v2': 'v2', 'v3': 'v3'}.
    Its lines' carriers are all one story, so they are not furniture."""
    versions = [StoryCandidate(f"v{n}", "\n".join(WIRE_PARAGRAPHS[: 5 + n]), f"h{n}", (T0.replace(hour=6 + n), f"v{n}"),
                               "wire.example") for n in range(4)]
    assert all(70 <= len(word_tokens(v.text)) <= 120 for v in versions)  # each above MIN_WORDS
    index = MemoryIndex()
    for version in versions:
        index.add(assign_stories([version], index.lookup, line_lookup=index.lookup_lines), [version])
    assert index.story_of == {"v0": "v0", "v1": "v0", "v2": "v0", "v3": "v0"}
    at_once = MemoryIndex()
    at_once.add(assign_stories(versions, at_once.lookup, line_lookup=at_once.lookup_lines), versions)
    assert at_once.story_of == index.story_of


def test_every_line_of_a_repeated_furniture_key_is_dropped() -> None:
    """Regression (review of analyst11): a furniture line printed three times was left out once."""
    text = "Advertisement\nP1\nAdvertisement\nP2\nAdvertisement\nShare this article"
    lines = short_lines(text, 24)
    furniture = {key for number, key in lines if number in (0, 5)}
    assert without_lines(text, (n for n, key in lines if key in furniture)) == "P1\nP2"


def test_the_warehouse_counts_stories_per_line_in_the_window_and_follows_merges(tmp_path: Path) -> None:
    """`lookup_story_lines` on a real DuckDB file: stories (not articles) per line, 1, 2 or 3 of
    them with their article counts; only the last window_days; the batch's own ids left out; a
    story's lines for lines fewer than 3 stories carry; a merge moves the rows to the survivor."""
    from datetime import UTC, datetime, timedelta

    store = Warehouse(tmp_path / "news.duckdb")
    rows = [("s.example", 1, "a1", "A"), ("s.example", 1, "a2", "A"), ("s.example", 2, "a1", "A"),
            ("s.example", 1, "b1", "B"), ("s.example", 9, "b1", "B"),
            ("s.example", 3, "c1", "C"), ("s.example", 3, "d1", "D"), ("s.example", 3, "e1", "E"),
            ("s.example", 3, "old", "OLD"), ("other.example", 1, "x1", "X")]
    with store.writing() as con, warehouse.transaction(con):
        warehouse.insert_story_lines(con, rows)
        con.execute("UPDATE story_lines SET indexed_at = now() - INTERVAL 40 DAY WHERE article_id = 'old'")
    since = datetime.now(UTC) - timedelta(days=30)
    with store.writing() as con:
        counts, lines = warehouse.lookup_story_lines(con, [("s.example", 1), ("s.example", 3)], since, ["e1"], 3)
        assert sorted(counts) == [("s.example", 1, (("A", 2), ("B", 1))), ("s.example", 3, (("C", 1), ("D", 1)))]
        assert sorted((site, story, sorted(keys)) for site, story, keys in lines) == [
            ("s.example", "A", [1, 2]), ("s.example", "B", [1, 9]), ("s.example", "C", [3]), ("s.example", "D", [3])]
        counts, _ = warehouse.lookup_story_lines(con, [("s.example", 3)], since - timedelta(days=30), [], 3)
        assert len(counts[0][2]) == 3  # with the old one: three of the four stories, which makes furniture
        with warehouse.transaction(con):
            warehouse.apply_story_merges(con, [("B", "A", "b1")], "run1")
        counts, _ = warehouse.lookup_story_lines(con, [("s.example", 1)], since, [], 3)
        assert counts == [("s.example", 1, (("A", 3),))]


def test_a_sites_updates_loaded_run_by_run_into_the_warehouse_stay_one_story(tmp_path: Path) -> None:
    """The review's repro through pipeline.load_batch into a real DuckDB file, one version per run."""
    store = Warehouse(tmp_path / "news.duckdb")
    articles, _, _ = synth.article_batch(4, "updates", site="https://www.wire.example/news/")
    articles = [replace(a, text="\n".join(WIRE_PARAGRAPHS[: 5 + n]), published_at=T0.replace(hour=6 + n),
                        content_hash=f"v{n}") for n, a in enumerate(articles)]
    with store.writing() as con, warehouse.transaction(con):
        synth.insert_entries_for(con, articles, "updates")
    for article in articles:
        assert pipeline.load_batch(store, "updates", *synth.stage_inputs([article])).articles_stored == 1
    assert run_read_query(store, "SELECT count(DISTINCT story_id) FROM articles").rows == [(1,)]
    assert run_read_query(store, "SELECT count(DISTINCT story_id) FROM story_lines").rows == [(1,)]
