"""A richer view of agreement between date sources, and rules built on it, counted on a half's pages.

    uv run python -m bench.date_agreement SOURCES.json [--detail]

SOURCES.json is `bench.date_sources --out`'s file (each page's day by each source alone, and the stored day: the
corpora's half and the blind sets' half given with `--blind`). For each page this adds the features the forty-third
pass asked for (docs/extraction.md): per candidate day, how many independent sources state it and which kinds; whether
it is the URL's day; whether it is a modified day the page declares (JSON-LD `dateModified`, a modified-time meta);
whether it is one day from another source's day (a UTC day-shift of one instant, as far as days can tell); and the
page's declared language. Then each candidate rule (`RULES`) is applied to every stored page: the pages it changes,
mends (the stored day was wrong, the rule's is the reference) and breaks (the stored day was right), per set. A rule
is worth a class test only if it mends and breaks nothing on every set's tune half.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

from bench.corpora import all_pages
from bench.date_sources import blind_jobs
from newsflow.datechecks import is_bare
from newsflow.dates import _first_parsed, parse_datetime
from newsflow.declareddates import json_ld_published_strings, modified_metas, published_metas
from newsflow.extract import page_tree
from newsflow.jsonld import json_ld_typed_strings

INDEPENDENT = ("ld", "meta", "byline", "url", "generic", "label", "script")
"""The sources that read different parts of a page; htmldate reads several of them, so it is counted apart."""

Row = dict[str, Any]
Rule = Callable[[Row], str | None]


def votes(row: Row, with_htmldate: bool = False) -> dict[str, list[str]]:
    """Each day the page's sources state, with the kinds that state it."""
    kinds = INDEPENDENT + (("htmldate",) if with_htmldate else ())
    voted: dict[str, list[str]] = {}
    for kind in kinds:
        if day := row["days"].get(kind):
            voted.setdefault(day, []).append(kind)
    return voted


def _adjacent(day: str, other: str) -> bool:
    return abs(date.fromisoformat(day) - date.fromisoformat(other)) == timedelta(days=1)


def features(row: Row) -> dict[str, Any]:
    """The page's candidate days and their features (module docstring)."""
    stored = row["days"]["stored"]
    voted = votes(row, with_htmldate=True)
    modified = set(row.get("modified", []))
    return {
        "stored": stored, "refs": row["references"], "lang": row.get("lang"),
        "days": {day: {"kinds": kinds, "n": len([k for k in kinds if k != "htmldate"]),
                       "url": "url" in kinds, "modified": day in modified,
                       "shift": any(_adjacent(day, other) for other in voted if other != day)}
                 for day, kinds in voted.items()},
    }


def _support(row: Row, day: str | None) -> int:
    return len(votes(row).get(day, [])) if day else 0


def three_beat_lone(row: Row) -> str | None:
    """A day three independent sources state beats a stored day at most one states."""
    best = [day for day, kinds in votes(row).items() if len(kinds) >= 3]
    return best[0] if len(best) == 1 and _support(row, row["days"]["stored"]) <= 1 else None


def two_beat_none(row: Row) -> str | None:
    """A day two independent sources state (any kinds, generic, label and script included) beats a stored day none
    states (`datechecks.agreed_day` counts ld, meta, byline and url only)."""
    best = [day for day, kinds in votes(row).items() if len(kinds) >= 2]
    return best[0] if len(best) == 1 and _support(row, row["days"]["stored"]) == 0 else None


def url_and_one(row: Row) -> str | None:
    """A URL day that one other source states too beats a stored day one source at most states."""
    url_day = row["days"].get("url")
    if not url_day or url_day == row["days"]["stored"] or len(votes(row)[url_day]) < 2:
        return None
    return url_day if _support(row, row["days"]["stored"]) <= 1 else None


def majority(row: Row, with_htmldate: bool = False) -> str | None:
    """The day most independent sources state, when more state it than the stored day."""
    voted = votes(row, with_htmldate)
    if not voted:
        return None
    top = max(len(kinds) for kinds in voted.values())
    best = [day for day, kinds in voted.items() if len(kinds) == top]
    return best[0] if len(best) == 1 and top > len(voted.get(row["days"]["stored"] or "", [])) else None


def majority_not_modified_or_shift(row: Row) -> str | None:
    """`majority`, unless its day is a declared modified day or one day from the stored day (a zone's day)."""
    day = majority(row)
    stored = row["days"]["stored"]
    if day is None or day in row.get("modified", []) or (stored and _adjacent(day, stored)):
        return None
    return day


def majority_with_htmldate(row: Row) -> str | None:
    """`majority` with htmldate's day counted as one more source."""
    return majority(row, with_htmldate=True)


def byline_and_one_beat_lone(row: Row) -> str | None:
    """The byline's day, when one more source of any kind (htmldate included) states it and one source at most
    states the stored day (`datechecks.outvoted_day` with every kind counted)."""
    byline = row["days"].get("byline")
    voted = votes(row, with_htmldate=True)
    if not byline or byline == row["days"]["stored"] or len(voted[byline]) < 2:
        return None
    return byline if len(voted.get(row["days"]["stored"] or "", [])) <= 1 else None


def htmldate_fills_none(row: Row) -> str | None:
    """htmldate's day where nothing is stored (newsflow refused every candidate)."""
    return row["days"].get("htmldate") if row["days"]["stored"] is None else None


def htmldate_fills_none_not_1_jan(row: Row) -> str | None:
    """`htmldate_fills_none`, unless htmldate's day is 1 January (a year's placeholder: neubau.wsl.ch, dlg.org)."""
    day = htmldate_fills_none(row)
    return None if day and day[5:] == "01-01" else day


RULES: dict[str, Rule] = {
    "three_beat_lone": three_beat_lone,
    "two_beat_none": two_beat_none,
    "url_and_one": url_and_one,
    "majority": majority,
    "majority_not_modified_or_shift": majority_not_modified_or_shift,
    "majority_with_htmldate": majority_with_htmldate,
    "byline_and_one_beat_lone": byline_and_one_beat_lone,
    "htmldate_fills_none": htmldate_fills_none,
    "htmldate_fills_none_not_1_jan": htmldate_fills_none_not_1_jan,
}


def outcome(rows: Sequence[Row], rule: Rule) -> tuple[int, list[Row], list[Row], list[Row]]:
    """(changed, mended, broken, wrong either way) of a rule on the stored pages."""
    changed = [(row, rule(row)) for row in rows if row["article"]]
    changed = [(row, day) for row, day in changed if day is not None and day != row["days"]["stored"]]
    mended = [row for row, day in changed if day in row["references"]]
    broken = [row for row, _ in changed if row["days"]["stored"] in row["references"]]
    others = [row for row, day in changed
              if day not in row["references"] and row["days"]["stored"] not in row["references"]]
    return len(changed), mended, broken, others


def tally(rows: Sequence[Row]) -> dict[str, list[int]]:
    """Per feature of a disagreeing page (a source states a day other than the stored one): [hits, misses] where it
    holds. The features are those of the best-supported day other than the stored one."""
    counts: dict[str, list[int]] = {}
    for row in rows:
        found = features(row)
        others = {day: f for day, f in found["days"].items() if day != found["stored"]}
        if not row["article"] or not others:
            continue
        best_day, best = max(others.items(), key=lambda item: len(item[1]["kinds"]))
        own = found["days"].get(found["stored"] or "", {"n": 0, "kinds": []})
        marks = [f"stored day's sources {len(own['kinds'])} (htmldate counted) vs other day's {len(best['kinds'])}",
                 f"other day's kinds {'+'.join(best['kinds'])}"]
        marks += [name for name, holds in (("other day is the URL's", best["url"]),
                                            ("other day is a declared modified day", best["modified"]),
                                            ("other day one day from the stored (a zone's shift)",
                                             bool(found["stored"]) and _adjacent(best_day, found["stored"])),
                                            ("nothing stored", found["stored"] is None),
                                            ("stored day: a declared instant's UTC day, not its zone's",
                                             utc_split(row)[0]),
                                            ("stored day: one day from a declared instant's UTC day",
                                             utc_split(row)[1])) if holds]
        marks.append(f"language {found['lang']}")
        hit = found["stored"] in found["refs"]
        for mark in marks:
            counts.setdefault(mark, [0, 0])[0 if hit else 1] += 1
    return counts


def page_extras(html: str) -> dict[str, Any]:
    """The declared modified days, the UTC days of the declared published instants (JSON-LD's, the meta's: those
    with a time of day) and the language of a page (features the sources file lacks)."""
    tree = page_tree(html)
    if tree is None:
        return {"modified": [], "utc": {}, "lang": None}
    strings = modified_metas(tree) + [text for _, text in json_ld_typed_strings(tree, "dateModified")]
    parsed = [parse_datetime(text) for text in strings]
    utc = {}
    for kind, first in (("ld", _first_parsed(json_ld_published_strings(tree), tree)),
                        ("meta", _first_parsed(published_metas(tree), tree))):
        if first is not None and not is_bare(first[1]):
            utc[kind] = str(first[1].astimezone(UTC).date())
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    return {"modified": sorted({str(moment.date()) for moment in parsed if moment}), "utc": utc,
            "lang": (root.get("lang") or "")[:2].lower() or None}


def utc_split(row: Row) -> tuple[bool, bool]:
    """Whether the stored day is a declared instant's UTC day while the instant's day in the publisher's zone is
    another; and whether the stored day is one day from a declared instant's UTC day (the stored day a zone's day of
    that instant, or of a time the page prints beside it: one instant's two days, as far as days tell)."""
    stored = row["days"]["stored"]
    pairs = [(utc, row["days"].get(kind)) for kind, utc in row.get("utc", {}).items()]
    return (any(utc == stored != local for utc, local in pairs),
            bool(stored) and any(_adjacent(utc, stored) for utc, _ in pairs))


def html_of(sets: dict[str, list[Row]], blind: dict[str, tuple[Path, Path]]) -> dict[tuple[str, str], str]:
    """Each page's HTML, by (set, URL), for `page_extras`."""
    found = {(page.set_name, page.url): page.html for page in all_pages()}
    for name, (evaldata, html_dir) in blind.items():
        if name in sets:
            for job in blind_jobs(evaldata, html_dir, name, "tune") + blind_jobs(evaldata, html_dir, name, "report"):
                found[(name, job[1])] = job[2]
    return found


def join_extras(sets: dict[str, list[Row]], htmls: dict[tuple[str, str], str]) -> int:
    """Adds `page_extras` to every row; returns how many stored pages had no HTML (their extras are blank, so the
    declared-update, UTC and language counts would silently read as none: a blind set given without `--blind`)."""
    missing = 0
    for rows in sets.values():
        for row in rows:
            html = htmls.get((row["set"], row["url"]))
            row.update(page_extras(html) if html else {"modified": [], "utc": {}, "lang": None})
            missing += html is None and bool(row["article"])
    return missing


def set_lines(name: str, rows: Sequence[Row], detail: bool = False) -> list[str]:
    """One set's report: stored pages and right days, each rule's changes, mends and breaks, the tally."""
    stored = [row for row in rows if row["article"]]
    right = sum(row["days"]["stored"] in row["references"] for row in stored)
    lines = [f"== {name}: stored {len(stored)}, day right {right}"]
    for rule_name, rule in RULES.items():
        changed, mended, broken, others = outcome(stored, rule)
        lines.append(f"  {rule_name:32} changes {changed:3}  mends {len(mended):2}  breaks {len(broken):2}"
                     f"  wrong either way {len(others):2}")
        for row in mended + broken:
            verdict = "MENDS " if row in mended else "BREAKS"
            lines.append(f"      {verdict} {row['url'][:90]}  stored {row['days']['stored']}"
                         f" ref {row['references'][0]}")
    for mark, (hits, misses) in sorted(tally(stored).items()):
        lines.append(f"    {mark:70} hits {hits:3} misses {misses:3}")
    if detail:
        for row in stored:
            if set(votes(row, with_htmldate=True)) - {row["days"]["stored"]}:  # as `tally` counts
                hit = "hit " if row["days"]["stored"] in row["references"] else "MISS"
                lines.append(f"    {hit} {row['url'][:80]} {json.dumps(features(row), ensure_ascii=False)}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.date_agreement", description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", type=Path)
    parser.add_argument("--blind", nargs=3, action="append", default=[], metavar=("EVAL", "HTML_DIR", "NAME"))
    parser.add_argument("--detail", action="store_true", help="each disagreeing page's features")
    args = parser.parse_args(argv)
    sets: dict[str, list[Row]] = json.loads(args.sources.read_text(encoding="utf-8"))
    missing = join_extras(sets, html_of(sets, {name: (Path(e), Path(d)) for e, d, name in args.blind}))
    if missing:
        print(f"warning: {missing} stored pages have no HTML, so their declared updates, UTC days and language are "
              "blank: give --blind EVAL HTML_DIR NAME for each blind set in the file, NAME as the file names it")
    for name, rows in sets.items():
        print("\n".join(set_lines(name, rows, args.detail)))
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
