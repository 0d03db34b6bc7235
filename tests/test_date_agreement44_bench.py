"""`bench.date_agreement` (forty-third pass): the richer view of agreement between date sources and the candidate rules
it counts, on hand-made rows (one small page parsed, none extracted)."""

from __future__ import annotations

from typing import Any

from bench.date_agreement import (
    byline_and_one_beat_lone,
    features,
    htmldate_fills_none,
    htmldate_fills_none_not_1_jan,
    join_extras,
    majority,
    majority_not_modified_or_shift,
    majority_with_htmldate,
    outcome,
    page_extras,
    set_lines,
    tally,
    three_beat_lone,
    two_beat_none,
    url_and_one,
    utc_split,
)
from bench.date_sources import SOURCES


def row(reference: str, stored: str | None, article: bool = True, modified: tuple[str, ...] = (),
        **given: str) -> dict[str, Any]:
    days: dict[str, str | None] = dict.fromkeys(SOURCES)
    days.update(given)
    days["stored"] = stored
    return {"set": "s", "url": f"https://example.org/{reference}", "references": [reference], "days": days,
            "article": article, "modified": list(modified), "lang": "de"}


def test_three_independent_sources_beat_a_lone_one_but_not_two() -> None:
    lone = row("2025-03-12", "2025-03-14", ld="2025-03-14", meta="2025-03-12", byline="2025-03-12", url="2025-03-12")
    assert three_beat_lone(lone) == "2025-03-12"
    lone["days"]["generic"] = "2025-03-14"  # the stored day now has two sources
    assert three_beat_lone(lone) is None
    with_htmldate = row("2025-03-12", "2025-03-14", ld="2025-03-14", meta="2025-03-12", byline="2025-03-12",
                        htmldate="2025-03-12")
    assert three_beat_lone(with_htmldate) is None  # htmldate is not an independent source


def test_two_sources_of_any_kind_beat_a_stored_day_none_states() -> None:
    assert two_beat_none(row("2025-03-12", "2025-03-14", generic="2025-03-12", script="2025-03-12")) == "2025-03-12"
    assert two_beat_none(row("2025-03-12", "2025-03-14", generic="2025-03-12", script="2025-03-12",
                             label="2025-03-14")) is None


def test_a_url_day_another_source_states_beats_a_lone_stored_day() -> None:
    assert url_and_one(row("2025-03-12", "2025-03-13", url="2025-03-12", byline="2025-03-12",
                           ld="2025-03-13")) == "2025-03-12"
    assert url_and_one(row("2025-03-12", "2025-03-13", url="2025-03-12", ld="2025-03-13")) is None  # URL alone
    assert url_and_one(row("2025-03-12", "2025-03-13", url="2025-03-12", byline="2025-03-12", ld="2025-03-13",
                           meta="2025-03-13")) is None  # the stored day has two


def test_the_majority_and_its_guards() -> None:
    page = row("2025-03-12", "2025-03-13", ld="2025-03-13", meta="2025-03-12", byline="2025-03-12")
    assert majority(page) == "2025-03-12"
    assert majority_not_modified_or_shift(page) is None  # one day from the stored: a zone's shift
    later = row("2025-03-12", "2025-03-19", ld="2025-03-19", meta="2025-03-12", byline="2025-03-12")
    assert majority_not_modified_or_shift(later) == "2025-03-12"
    updated = row("2025-03-12", "2025-03-05", modified=("2025-03-12",), ld="2025-03-05", meta="2025-03-12",
                  byline="2025-03-12")
    assert majority_not_modified_or_shift(updated) is None  # the majority's day is the declared update
    tie = row("2025-03-12", "2025-03-13", ld="2025-03-13", byline="2025-03-12")
    assert majority(tie) is None
    unstated_tie = row("2025-03-12", "2025-03-14", ld="2025-03-13", byline="2025-03-12")
    assert majority(unstated_tie) is None  # two days one source each: no majority, though the stored has none


def test_htmldate_counts_as_a_vote_only_where_a_rule_says_so() -> None:
    page = row("2025-03-12", "2025-03-05", ld="2025-03-05", meta="2025-03-05", byline="2025-03-12",
               generic="2025-03-12", htmldate="2025-03-12")
    assert majority(page) is None
    assert majority_with_htmldate(page) == "2025-03-12"
    assert byline_and_one_beat_lone(page) is None  # the stored day has two sources
    assert byline_and_one_beat_lone(row("2025-03-12", "2025-03-05", ld="2025-03-05", byline="2025-03-12",
                                        htmldate="2025-03-12")) == "2025-03-12"


def test_mends_breaks_and_unstored_pages_are_counted_apart() -> None:
    mended = row("2025-03-12", None, htmldate="2025-03-12")
    broken = row("2025-03-12", "2025-03-12", htmldate="2025-03-14")
    wrong = row("2025-03-12", None, htmldate="2025-01-01")
    unstored = row("2025-03-12", None, article=False, htmldate="2025-03-12")
    broken["days"]["stored"] = "2025-03-12"
    changed, mends, breaks, others = outcome([mended, broken, wrong, unstored], htmldate_fills_none)
    assert (changed, mends, breaks, others) == (2, [mended], [], [wrong])


def test_features_and_tally_name_the_other_days_support_and_kind() -> None:
    page = row("2025-03-12", "2025-03-13", modified=("2025-03-12",), ld="2025-03-13", meta="2025-03-12",
               url="2025-03-12", htmldate="2025-03-12")
    found = features(page)["days"]["2025-03-12"]
    assert found == {"kinds": ["meta", "url", "htmldate"], "n": 2, "url": True, "modified": True, "shift": True}
    counts = tally([page])
    assert counts["other day's kinds meta+url+htmldate"] == [0, 1]
    assert counts["stored day's sources 1 (htmldate counted) vs other day's 3"] == [0, 1]
    assert counts["other day is a declared modified day"] == [0, 1]
    assert counts["other day one day from the stored (a zone's shift)"] == [0, 1]


def test_page_extras_reads_declared_modified_days_utc_days_and_the_language() -> None:
    html = ('<html lang="de-CH"><head><meta property="article:modified_time" content="2025-03-14T10:00:00+01:00">'
            '<meta property="article:published_time" content="2025-03-12">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "dateModified": "2025-03-15T08:00:00Z",'
            ' "datePublished": "2025-03-13T00:30:00+01:00"}</script></head><body><p>Text</p></body></html>')
    # JSON-LD's instant is on the 12th in UTC; the meta's bare day names no instant
    assert page_extras(html) == {"modified": ["2025-03-14", "2025-03-15"], "utc": {"ld": "2025-03-12"}, "lang": "de"}


def test_a_stored_day_is_told_against_the_declared_instants_utc_day() -> None:
    utc_stored = row("2025-03-13", "2025-03-12", ld="2025-03-13")
    utc_stored["utc"] = {"ld": "2025-03-12"}
    assert utc_split(utc_stored) == (True, False)
    zone_stored = row("2025-03-13", "2025-03-13", ld="2025-03-13")
    zone_stored["utc"] = {"ld": "2025-03-12"}
    assert utc_split(zone_stored) == (False, True)
    assert utc_split(row("2025-03-13", "2025-03-13", ld="2025-03-13")) == (False, False)
    utc_zone = row("2025-03-13", "2025-03-13", ld="2025-03-13")  # an instant in UTC: its zone's day is the UTC day
    utc_zone["utc"] = {"ld": "2025-03-13"}
    assert utc_split(utc_zone) == (False, False)


# Review (dates44): the docs' tables are this tool's printed counts, so the counting itself is pinned below.


def test_a_rule_that_changes_a_right_stored_day_is_counted_a_break() -> None:
    right = row("2025-03-12", "2025-03-12", ld="2025-03-12", meta="2025-03-13", byline="2025-03-13")
    wrong = row("2025-03-13", "2025-03-12", ld="2025-03-12", meta="2025-03-13", byline="2025-03-13")
    changed, mends, breaks, others = outcome([right, wrong], majority)
    assert (changed, mends, breaks, others) == (2, [wrong], [right], [])


def test_htmldate_fills_nothing_stored_but_not_with_1_january() -> None:
    assert htmldate_fills_none_not_1_jan(row("2025-03-12", None, htmldate="2025-03-12")) == "2025-03-12"
    assert htmldate_fills_none_not_1_jan(row("2025-01-01", None, htmldate="2025-01-01")) is None
    assert htmldate_fills_none_not_1_jan(row("2025-03-12", "2025-03-11", htmldate="2025-03-12")) is None


def test_tally_marks_the_best_supported_other_day_and_skips_unstored_pages() -> None:
    page = row("2025-03-13", None, byline="2025-03-12", url="2025-03-13", script="2025-03-13")
    page["utc"] = {"ld": "2025-03-12"}
    unstored = row("2025-03-13", "2025-03-12", article=False, ld="2025-03-14")
    counts = tally([page, unstored])
    assert counts["other day's kinds url+script"] == [0, 1]  # two sources beat the byline's one
    assert counts["other day is the URL's"] == [0, 1]
    assert counts["nothing stored"] == [0, 1]
    assert counts["language de"] == [0, 1]
    assert not any("UTC" in mark for mark in counts)  # nothing stored: no UTC day to be
    utc_stored = row("2025-03-13", "2025-03-12", ld="2025-03-13", meta="2025-03-13")
    utc_stored["utc"] = {"meta": "2025-03-12"}
    marks = tally([utc_stored])
    assert marks["stored day: a declared instant's UTC day, not its zone's"] == [0, 1]
    assert "stored day: one day from a declared instant's UTC day" not in marks
    assert sum(hits + misses for hits, misses in counts.values()) == 5  # one page's five marks: the unstored skipped


def test_the_report_counts_stored_pages_right_days_and_each_rules_outcome() -> None:
    rows = [row("2025-03-12", "2025-03-12", ld="2025-03-12", meta="2025-03-13", byline="2025-03-13"),
            row("2025-03-13", "2025-03-12", ld="2025-03-12", meta="2025-03-13", byline="2025-03-13"),
            row("2025-03-14", "2025-03-14", ld="2025-03-14"),
            row("2025-03-14", None, article=False, htmldate="2025-03-14")]
    lines = set_lines("s", rows)
    assert lines[0] == "== s: stored 3, day right 2"
    assert [line.split() for line in lines if line.split()[0] == "majority"] == [
        ["majority", "changes", "2", "mends", "1", "breaks", "1", "wrong", "either", "way", "0"]]
    at = next(index for index, line in enumerate(lines) if line.split()[0] == "majority")
    assert [line.split()[:2] for line in lines[at + 1:at + 3]] == [["MENDS", "https://example.org/2025-03-13"],
                                                                    ["BREAKS", "https://example.org/2025-03-12"]]


def test_pages_without_html_are_counted_so_blank_features_are_not_silent() -> None:
    sets = {"s": [row("2025-03-12", "2025-03-12", ld="2025-03-12"), row("2025-03-13", None, article=False)]}
    sets["s"][0]["lang"] = sets["s"][1]["lang"] = "stale"
    html = '<html lang="fr"><head></head><body><p>Texte</p></body></html>'
    assert join_extras(sets, {("s", sets["s"][0]["url"]): html}) == 0
    assert sets["s"][0]["lang"] == "fr" and sets["s"][1]["lang"] is None
    assert join_extras(sets, {}) == 1  # the stored page's HTML is missing; the unstored one's is not counted
