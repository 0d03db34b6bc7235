"""`bench.date_sources` (forty-second pass): who is right when two date sources disagree, and the calibrated choice
it tries, counted on hand-made rows (no page is extracted here)."""

from __future__ import annotations

from typing import Any

from bench.date_sources import SOURCES, calibrated_day, choice_lines, pair_counts, trusted_pairs


def row(reference: str, stored: str | None, article: bool = True, **given: str) -> dict[str, Any]:
    days: dict[str, str | None] = dict.fromkeys(SOURCES)
    days.update(given)
    days["stored"] = stored
    return {"set": "s", "url": f"https://example.org/{len(given)}/{reference}", "references": [reference],
            "days": days, "article": article}


def test_a_pair_is_counted_only_where_both_sources_give_a_day_and_they_differ() -> None:
    rows = [row("2025-03-12", "2025-03-12", ld="2025-03-12", htmldate="2025-03-14"),
            row("2025-03-12", "2025-03-12", ld="2025-03-12", htmldate="2025-03-12"),  # agree: no count
            row("2025-03-12", "2025-03-12", ld="2025-03-11", htmldate="2025-03-13"),  # neither
            row("2025-03-12", "2025-03-12", htmldate="2025-03-13")]  # one source: no pair
    counts = pair_counts(rows)
    assert dict(counts[("ld", "htmldate")]) == {"ld": 1, "neither": 1}
    assert list(counts) == [("ld", "htmldate")]


def test_a_pair_is_trusted_only_when_its_winner_wins_by_the_margin_and_often_enough() -> None:
    wins = [row("2025-03-12", None, ld="2025-03-12", htmldate="2025-03-14") for _ in range(4)]
    loss = [row("2025-03-12", None, ld="2025-03-10", htmldate="2025-03-12")]
    assert trusted_pairs(pair_counts(wins + loss)) == [("ld", "htmldate", 4.0)]
    assert trusted_pairs(pair_counts(wins + loss + loss)) == [("ld", "htmldate", 2.0)]
    assert trusted_pairs(pair_counts(wins + loss * 3)) == []  # 4 against 3: no margin
    assert trusted_pairs(pair_counts(wins[:2])) == []  # two wins: too few to decide


def test_the_calibrated_choice_replaces_only_a_losers_stored_day_and_counts_mends_and_breaks() -> None:
    trusted = [("ld", "htmldate", 4.0)]
    mended = row("2025-03-12", "2025-03-14", ld="2025-03-12", htmldate="2025-03-14")
    broken = row("2025-03-12", "2025-03-12", ld="2025-03-11", htmldate="2025-03-12")
    untouched = row("2025-03-12", "2025-03-13", ld="2025-03-12", byline="2025-03-13")  # stored is no loser's
    unstored = row("2025-03-12", None, article=False, ld="2025-03-12", htmldate="2025-03-14")
    assert calibrated_day(mended["days"], trusted) == "2025-03-12"
    assert calibrated_day(untouched["days"], trusted) == "2025-03-13"
    summary = choice_lines("set", [mended, broken, untouched, unstored], trusted)[0]
    assert summary == ("set: stored 3, day right 1; the calibrated choice changes 2: mends 1, breaks 1,"
                       " wrong either way 0")
