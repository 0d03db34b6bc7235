"""The analysis of `python -m bench.choice`: oracle ceilings, where newsflow's text loses, features, choice rules.

Pure functions over the records `bench.choice.collect` writes (one dict a page: texts, scores, path, language,
linked-line shares, readability's headings and link share), so the rule search can be re-run in seconds on a
cached collection. A *rule* takes one alternative instead of newsflow's text when one feature of the page passes
a threshold (or two features, both); it is scored by its mean gain per page over a set, and by its worst loss on
any one page. Leave-one-corpus-out: a rule chosen on two corpora's pages is scored on the third's, which says
whether it is a class or the pages it was chosen on.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy

from newsflow.text import token_f1, word_count

SETS = ("readability", "fundus", "trafilatura-eval")
WIN_MARGIN = 0.01
"""An alternative wins (or loses) a page when its score differs from newsflow's by more than this."""
MUCH_LOSS = 0.05
"""A rule "hurts a page much" when it lowers that page's score by more than this."""
Record = dict[str, Any]
Feature = Callable[[Record, str], float]


def _lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def _long_paragraphs(text: str) -> int:
    return sum(word_count(line) >= 15 for line in _lines(text))


def _shared(text: str, other: str) -> float:
    """The share of `text`'s lines that are lines of `other` too."""
    lines, others = _lines(text), set(_lines(other))
    return sum(line in others for line in lines) / len(lines) if lines else 0.0


def _ratio(alternative: float, ours: float) -> float:
    return alternative / ours if ours else (10.0 if alternative else 1.0)


FEATURES: dict[str, Feature] = {
    "word ratio alt/ours": lambda r, a: _ratio(word_count(r["texts"][a]), word_count(r["texts"]["ours"])),
    "line ratio alt/ours": lambda r, a: _ratio(len(_lines(r["texts"][a])), len(_lines(r["texts"]["ours"]))),
    "long-paragraph ratio": lambda r, a: _ratio(_long_paragraphs(r["texts"][a]), _long_paragraphs(r["texts"]["ours"])),
    "token F1 alt~ours": lambda r, a: token_f1(r["texts"][a], r["texts"]["ours"]),
    "ours' lines in alt": lambda r, a: _shared(r["texts"]["ours"], r["texts"][a]),
    "alt's lines in ours": lambda r, a: _shared(r["texts"][a], r["texts"]["ours"]),
    "linked lines alt - ours": lambda r, a: r["linked"][a] - r["linked"]["ours"],
    "ours' words": lambda r, a: float(word_count(r["texts"]["ours"])),
    "readability headings": lambda r, a: float(r["readability_headings"]),
    "readability link share": lambda r, a: r["readability_link_share"],
    "token F1 readability~final": lambda r, a: token_f1(r["texts"]["readability"], r["texts"]["final"]),
}


_ROUNDING = 5e-4  # thresholds are rounded to 3 places
_values: dict[tuple[str, str, str, str], float] = {}


def feature_value(record: Record, alternative: str, name: str) -> float:
    """A feature of a page against one alternative, computed once."""
    key = (record["set"], record["key"], alternative, name)
    if key not in _values:
        _values[key] = FEATURES[name](record, alternative)
    return _values[key]


@dataclass(frozen=True)
class Rule:
    alternative: str
    conditions: tuple[tuple[str, str, float], ...]  # (feature, ">=" or "<=", threshold)

    def takes(self, record: Record) -> bool:
        for name, sign, threshold in self.conditions:
            value = feature_value(record, self.alternative, name)
            if (value < threshold - _ROUNDING) if sign == ">=" else (value > threshold + _ROUNDING):
                return False
        return True

    def describe(self) -> str:
        return f"{self.alternative} when " + " and ".join(f"{n} {s} {t:.3g}" for n, s, t in self.conditions)


@dataclass(frozen=True)
class Outcome:
    gain: float  # mean score change over the pages
    taken: int
    better: int
    worse: int
    worst: float  # the lowest score change on one page it takes (a loss when negative)


def outcome(rule: Rule, records: Sequence[Record]) -> Outcome:
    deltas = [r["scores"][rule.alternative] - r["scores"]["ours"] for r in records if rule.takes(r)]
    return Outcome(sum(deltas) / len(records) if records else 0.0, len(deltas), sum(d > WIN_MARGIN for d in deltas),
                   sum(d < -WIN_MARGIN for d in deltas), min(deltas, default=0.0))


def _mean(values: Sequence[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def ceilings(records: Sequence[Record], alternatives: Sequence[str]) -> list[str]:
    """Per corpus: newsflow's mean, each alternative's, and the oracles (best of all; best of ours and one)."""
    head = "| corpus (pages) | ours | " + " | ".join(alternatives)
    rows = [head + " | oracle, all | oracle without ours | pages an alternative wins |",
            "|---" * (len(alternatives) + 5) + "|"]
    for set_name in (*SETS, "all"):
        pages = [r for r in records if set_name in (r["set"], "all")]
        if not pages:
            continue
        cells = [f"{_mean([r['scores']['ours'] for r in pages]):.4f}"]
        for name in alternatives:
            alone = _mean([r["scores"][name] for r in pages])
            best = _mean([max(r["scores"]["ours"], r["scores"][name]) for r in pages])
            cells.append(f"{alone:.4f} (oracle {best:.4f})")
        oracle = _mean([max(r["scores"][n] for n in ("ours", *alternatives)) for r in pages])
        raw = _mean([max(r["scores"][n] for n in alternatives) for r in pages])
        wins = sum(max(r["scores"][n] for n in alternatives) > r["scores"]["ours"] + WIN_MARGIN for r in pages)
        rows.append(f"| {set_name} ({len(pages)}) | " + " | ".join(cells) + f" | {oracle:.4f} | {raw:.4f} | {wins} |")
    return rows


def worst_losses(records: Sequence[Record], alternatives: Sequence[str], count: int = 15) -> list[str]:
    """The pages where newsflow's text loses most to the best alternative."""
    def loss(r: Record) -> tuple[float, str]:
        best = max(alternatives, key=lambda n: r["scores"][n])
        return r["scores"][best] - r["scores"]["ours"], best

    ranked = sorted(records, key=lambda r: -loss(r)[0])[:count]
    rows = ["| page | path | language | ours | best alternative | its score | words ours / alt |", "|---" * 7 + "|"]
    for r in ranked:
        gap, best = loss(r)
        if gap <= WIN_MARGIN:
            break
        words = f"{word_count(r['texts']['ours'])} / {word_count(r['texts'][best])}"
        rows.append(f"| {r['set']} {r['key'][:60]} | {r['path']} | {r['language']} | {r['scores']['ours']:.3f} | "
                    f"{best} | {r['scores'][best]:.3f} | {words} |")
    return rows


def by_path(records: Sequence[Record], alternatives: Sequence[str]) -> list[str]:
    """newsflow's mean and the oracle's by the cascade's path."""
    rows = ["| trafilatura's path | pages | ours | oracle, all | pages an alternative wins |", "|---" * 5 + "|"]
    for path in sorted({r["path"] for r in records}):
        pages = [r for r in records if r["path"] == path]
        oracle = _mean([max(r["scores"][n] for n in ("ours", *alternatives)) for r in pages])
        wins = sum(max(r["scores"][n] for n in alternatives) > r["scores"]["ours"] + WIN_MARGIN for r in pages)
        ours = _mean([r["scores"]["ours"] for r in pages])
        rows.append(f"| {path} | {len(pages)} | {ours:.4f} | {oracle:.4f} | {wins} |")
    return rows


def separation(records: Sequence[Record], alternative: str) -> list[str]:
    """Each feature's quartiles on the pages the alternative wins and on those newsflow's text wins."""
    wins = [r for r in records if r["scores"][alternative] > r["scores"]["ours"] + WIN_MARGIN]
    losses = [r for r in records if r["scores"]["ours"] > r["scores"][alternative] + WIN_MARGIN]
    ties = len(records) - len(wins) - len(losses)
    rows = [f"{alternative}: wins {len(wins)} pages, loses {len(losses)}, ties {ties}",
            "| feature | alternative wins: q1 / median / q3 | ours wins: q1 / median / q3 |", "|---|---|---|"]
    for name in FEATURES:
        cells = [_quartiles([feature_value(r, alternative, name) for r in group]) for group in (wins, losses)]
        rows.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return rows


def _quartiles(values: list[float]) -> str:
    if len(values) < 2:
        return " / ".join(f"{v:.2f}" for v in values) or "-"
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return f"{q1:.2f} / {q2:.2f} / {q3:.2f}"


def _cuts(values: Any) -> list[float]:
    """Thresholds at every twentieth of a feature's distinct values over the pages."""
    distinct = sorted({round(float(v), 3) for v in values})
    return sorted({distinct[len(distinct) * step // 20] for step in range(1, 20)}) if len(distinct) > 1 else []


def _single_rules(records: Sequence[Record], alternative: str) -> tuple[list[Rule], Any]:
    """Every one-feature rule, and its mask over the pages (one row a rule)."""
    rules, masks = [], []
    for name in FEATURES:
        values = numpy.array([feature_value(r, alternative, name) for r in records])
        for cut in _cuts(values):
            rules += [Rule(alternative, ((name, ">=", cut),)), Rule(alternative, ((name, "<=", cut),))]
            masks += [values >= cut - _ROUNDING, values <= cut + _ROUNDING]
    return rules, numpy.array(masks, dtype=bool).reshape(len(masks), len(records))


def best_rules(
    records: Sequence[Record], alternative: str, pairs: bool = False, count: int = 3
) -> list[tuple[Rule, Outcome]]:
    """The rules of highest mean gain that hurt no page much (one feature, or two when `pairs`), on these records."""
    if not records:
        return []
    rules, masks = _single_rules(records, alternative)
    deltas = numpy.array([r["scores"][alternative] - r["scores"]["ours"] for r in records])
    found: list[tuple[float, Rule]] = []
    rows: list[tuple[Rule, Any, int | None]] = [(rules[i], masks[i : i + 1], None) for i in range(len(rules))]
    if pairs:
        rows += [(rules[i], masks[i] & masks[i + 1 :], i + 1) for i in range(len(rules))]
    for rule, block, first in rows:
        gains = numpy.where(block, deltas, 0.0).sum(axis=1) / len(records)
        worst = numpy.where(block, deltas, 0.0).min(axis=1)
        for j in numpy.nonzero((worst >= -MUCH_LOSS) & (gains > 0))[0]:
            other = rules[first + j] if first is not None else None
            if other is not None and other.conditions[0][0] == rule.conditions[0][0]:
                continue
            found.append((float(gains[j]), Rule(alternative, rule.conditions + (other.conditions if other else ()))))
    found.sort(key=lambda item: -item[0])
    return [(rule, outcome(rule, records)) for _, rule in found[:count]]


def leave_one_corpus_out(records: Sequence[Record], alternative: str, pairs: bool) -> list[str]:
    """The best safe rule chosen on two corpora, scored on the third."""
    rows = []
    for held in SETS:
        chosen_on = [r for r in records if r["set"] != held]
        tested = [r for r in records if r["set"] == held]
        best = best_rules(chosen_on, alternative, pairs, count=1)
        if not best or not tested:
            rows.append(f"| {alternative} | {held} | no safe rule with a gain | | |")
            continue
        rule, fit = best[0]
        held_out = outcome(rule, tested)
        rows.append(f"| {alternative} | {held} | {rule.describe()} | {fit.gain:+.4f} ({fit.better}+/{fit.worse}-) | "
                    f"{held_out.gain:+.4f} ({held_out.better}+/{held_out.worse}-, worst {held_out.worst:+.3f}) |")
    return rows


def of_half(records: list[Record], half: str, source: object) -> list[Record]:
    """`records` read from `source` (a `--cache` file), refused in one line unless all are of `half`: a tune cache
    read as the report half would print the tune figures, and the other way round choose on the report half."""
    held = sorted({record.get("half", "?") for record in records})
    if held != [half]:
        raise SystemExit(f"bench.choice: {source} holds the {'/'.join(held)} half, not {half}: "
                         f"give --half {'/'.join(held)} or another --cache file")
    return records


def report(records: Sequence[Record], pairs: bool = True) -> str:
    alternatives = [name for name in ("final", "own", "chosen", "readability", "precision", "recall", "justext")
                    if all(name in r["scores"] for r in records)]
    parts = ["## Means and oracle ceilings", *ceilings(records, alternatives),
             "", "## By trafilatura's path", *by_path(records, alternatives),
             "", "## Where newsflow's text loses most to the best alternative", *worst_losses(records, alternatives)]
    loco = ["| alternative | corpus held out | rule chosen on the other two | gain there | gain on the held-out one |",
            "|---|---|---|---|---|"]
    for alternative in alternatives:
        parts += ["", f"## {alternative}", *separation(records, alternative), ""]
        for rule, result in best_rules(records, alternative, pairs):
            parts.append(f"- best safe rule on all: {rule.describe()}: {result.gain:+.4f} a page, {result.taken} taken "
                         f"({result.better} better, {result.worse} worse, worst {result.worst:+.3f})")
        loco += leave_one_corpus_out(records, alternative, pairs)
    return "\n".join([*parts, "", "## Leave one corpus out", *loco])
