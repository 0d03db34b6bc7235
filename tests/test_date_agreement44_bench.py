"""`bench.date_agreement` (forty-third pass): the richer view of agreement between date sources and the candidate rules
it counts, on hand-made rows (one small page parsed, none extracted)."""

from __future__ import annotations

from typing import Any

from bench.date_agreement import (
    byline_and_one_beat_lone,
    features,
    htmldate_fills_none,
    majority,
    majority_not_modified_or_shift,
    majority_with_htmldate,
    outcome,
    page_extras,
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
