"""bench.choice_rules: the oracle ceilings and choice-rule search of `python -m bench.choice` (forty-second text pass).

Hand-made records, no extraction: the search must find a rule where a feature separates the pages an alternative
wins, refuse one that hurts a page much, and score a rule chosen on two corpora on the third.
"""

from __future__ import annotations

from typing import Any

import pytest
from bench.choice_rules import MUCH_LOSS, Rule, best_rules, ceilings, leave_one_corpus_out, of_half, outcome

LONG = " ".join(f"word{number}" for number in range(40))


def _record(set_name: str, key: str, ours: str, alternative: str, scores: tuple[float, float]) -> dict[str, Any]:
    return {"set": set_name, "key": key, "path": "own", "language": "en",
            "texts": {"ours": ours, "readability": alternative, "final": ours},
            "scores": {"ours": scores[0], "readability": scores[1], "final": scores[0]},
            "linked": {"ours": 0.0, "readability": 0.0, "final": 0.0},
            "readability_headings": 0, "readability_link_share": 0.0}


def _world(loss_on_long: float = 0.0) -> list[dict[str, Any]]:
    """Per corpus: pages where readability's text is twice ours and better, pages where it is the same length and
    worse; `loss_on_long`, when set, makes one long readability text worse by that much."""
    records = []
    for set_name in ("readability", "fundus", "trafilatura-eval"):
        for number in range(6):
            records.append(_record(set_name, f"long{number}", LONG, f"{LONG}\n{LONG}", (0.5, 0.9)))
            records.append(_record(set_name, f"same{number}", LONG, LONG.upper(), (0.9, 0.6)))
    if loss_on_long:
        records[0]["scores"]["readability"] = records[0]["scores"]["ours"] - loss_on_long
    return records


def test_the_oracle_takes_the_best_text_of_each_page() -> None:
    row = next(line for line in ceilings(_world(), ["readability"]) if line.startswith("| fundus"))
    assert row == "| fundus (12) | 0.7000 | 0.7500 (oracle 0.9000) | 0.9000 | 0.7500 | 6 |"
    pooled = next(line for line in ceilings(_world(), ["readability"]) if line.startswith("| all"))
    assert pooled.startswith("| all (36) | 0.7000 |")


def test_a_separating_length_ratio_is_found_and_holds_on_the_held_out_corpus() -> None:
    rule, result = best_rules(_world(), "readability")[0]
    assert rule.conditions[0][0] in {"word ratio alt/ours", "line ratio alt/ours", "long-paragraph ratio",
                                      "ours' lines in alt", "alt's lines in ours", "token F1 alt~ours"}
    assert (result.taken, result.better, result.worse) == (18, 18, 0)
    assert abs(result.gain - 0.2) < 1e-9  # 18 pages of 36 gain 0.4 each
    for row in leave_one_corpus_out(_world(), "readability", pairs=False):
        assert "+0.2000 (6+/0-, worst +0.400)" in row


def test_a_rule_that_hurts_one_page_much_is_not_offered() -> None:
    records = _world(loss_on_long=MUCH_LOSS + 0.1)
    for rule, result in best_rules(records, "readability", pairs=True, count=50):
        assert result.worst >= -MUCH_LOSS
        assert not rule.takes(records[0])


def test_a_rule_scores_only_the_pages_it_takes() -> None:
    takes_long = Rule("readability", (("word ratio alt/ours", ">=", 1.5),))
    result = outcome(takes_long, _world())
    assert (result.taken, result.worse, round(result.worst, 3)) == (18, 0, 0.4)



def test_a_cache_of_the_other_half_is_refused_in_one_line() -> None:
    """Review of the pass: `--cache` was read whatever `--half` said, so a tune cache printed as the report half (or
    the report half's records chosen on). `bench.choice.load_or_collect` reads the cache through `of_half`."""
    records = [{**_record("fundus", "a", LONG, LONG, (0.9, 0.8)), "half": "tune"}]
    assert of_half(records, "tune", "tune.json.gz") == records
    with pytest.raises(SystemExit) as refused:
        of_half(records, "report", "tune.json.gz")
    assert str(refused.value) == ("bench.choice: tune.json.gz holds the tune half, not report: give --half tune or "
                                  "another --cache file")
