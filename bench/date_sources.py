"""Which date source is right when two disagree: counted per pair on a half's pages, and a calibrated choice tried.

    uv run python -m bench.date_sources [--half tune] [--blind EVAL.json HTML_DIR NAME ...] [--out FILE]

Each page's day by each source newsflow reads, each alone: `ld` (the first JSON-LD `datePublished`), `meta` (the first
published-time meta), `byline` (the byline's `<time>` or the day printed under the headline), `url` (the URL's day;
these four as `dates._source_dates` gives them, in the publisher's zone), `generic` (the first generic date meta,
`DC.date`), `label` (the one day printed under a publication label, `labelleddates.labelled_day`), `script` (a
script state's `publishedAt`), `htmldate` (htmldate alone, as its evaluation runs it), and `stored`, what extraction
stores. A page's age ("3 hours ago") is no source here: it needs the fetch time, which no set records.

For every pair of sources, on the pages where both give a day and the days differ: how often each is the reference
day (or neither). Then the calibrated choice: the pairs where one source is right at least `MARGIN` times as often as
the other (and at least `MIN_WINS` times), counted on the corpora's half; on each page where the stored day is the
loser's and the winner disagrees, the winner's day is what the choice would store. It is tried on the same half
(in-sample) and on the blind sets' half given with `--blind` (htmldate's evaluation sets, as `bench.date_holdout`
reads them), and the pages it would mend and break are counted (forty-second pass, docs/extraction.md).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.baselines import htmldate_alone
from bench.corpora import all_pages
from bench.date_holdout import dated_entries, half_in
from newsflow.charset import decode_html
from newsflow.dates import _first_parsed, _source_dates, parse_datetime
from newsflow.declareddates import generic_date_metas
from newsflow.extract import extract_article, page_tree, prepare_extractor
from newsflow.labelleddates import labelled_day
from newsflow.localtime import publisher_zone
from newsflow.pagedates import payload_published

SOURCES = ("ld", "meta", "byline", "url", "generic", "label", "script", "htmldate")
MARGIN = 2.0
"""A pair's winner must be right at least this many times as often as its loser on the corpora's half."""
MIN_WINS = 3
"""...and at least this many times: a pair seen once or twice decides nothing."""

Job = tuple[str, str, str, list[str]]  # set name, URL, HTML, reference days


def source_days(html: str, url: str) -> tuple[dict[str, str | None], bool]:
    """Each source's day for one page (module docstring), as ISO strings, and the stored day; and whether an article
    was extracted (the page would be stored: only those are counted, as in `bench.date_holdout`)."""
    tree = page_tree(html)
    days: dict[str, str | None] = dict.fromkeys(SOURCES)
    if tree is not None:
        for kind, moment in _source_dates(tree, publisher_zone(url, tree), url):
            days[kind] = days[kind] or str(moment.date())
        generic = _first_parsed(generic_date_metas(tree), tree)
        days["generic"] = str(generic[1].date()) if generic else None
        label = labelled_day(tree)
        days["label"] = str(label) if label else None
        script = parse_datetime(payload_published(tree))
        days["script"] = str(script.date()) if script else None
    found = htmldate_alone(html, url)
    days["htmldate"] = found[:10] if found else None
    try:
        article = extract_article(html, url)
    except Exception:  # stored without a day, as the pipeline would store nothing
        article = None
    days["stored"] = str(article.published_date) if article and article.published_date else None
    return days, article is not None


def page_row(job: Job) -> dict[str, Any]:
    set_name, url, html, references = job
    days, stored = source_days(html, url)
    return {"set": set_name, "url": url, "references": references, "days": days, "article": stored}


def corpus_jobs(half: str) -> list[Job]:
    return [(page.set_name, page.url, page.html,
             [str(day) for day in (page.published, page.published_alt) if day is not None])
            for page in all_pages() if page.half == half and page.published is not None]


def blind_jobs(evaldata: Path, html_dir: Path, name: str, half: str) -> list[Job]:
    entries = json.loads(evaldata.read_text(encoding="utf-8"))
    return [(name, url, decode_html((html_dir / file_name).read_bytes(), None), [day])
            for url, day, file_name in dated_entries(entries, html_dir) if half_in(name, url, entries[url]) == half]


def pair_counts(rows: Sequence[dict[str, Any]]) -> dict[tuple[str, str], Counter[str]]:
    """Per pair (a, b) of sources: on pages where both give a day and the days differ, how often a is right,
    b is right, or neither."""
    counts: dict[tuple[str, str], Counter[str]] = {}
    for row in rows:
        days, right = row["days"], set(row["references"])
        for a, b in combinations(SOURCES, 2):
            if days[a] and days[b] and days[a] != days[b]:
                outcome = a if days[a] in right else b if days[b] in right else "neither"
                counts.setdefault((a, b), Counter())[outcome] += 1
    return counts


def trusted_pairs(counts: dict[tuple[str, str], Counter[str]]) -> list[tuple[str, str, float]]:
    """(winner, loser, ratio) for each pair one source wins by `MARGIN`, the strongest first."""
    trusted = []
    for (a, b), outcome in counts.items():
        for winner, loser in ((a, b), (b, a)):
            wins, losses = outcome[winner], outcome[loser]
            if wins >= MIN_WINS and wins >= MARGIN * max(losses, 1):
                trusted.append((winner, loser, wins / max(losses, 1)))
    return sorted(trusted, key=lambda entry: -entry[2])


def calibrated_day(days: dict[str, str | None], trusted: Sequence[tuple[str, str, float]]) -> str | None:
    """The stored day, unless it is a trusted pair's loser's and the winner gives another day."""
    stored = days["stored"]
    for winner, loser, _ in trusted:
        if stored and days[loser] == stored and days[winner] and days[winner] != stored:
            return days[winner]
    return stored


def choice_lines(name: str, rows: Sequence[dict[str, Any]], trusted: Sequence[tuple[str, str, float]]) -> list[str]:
    rows = [row for row in rows if row["article"]]
    changed = [(row, calibrated_day(row["days"], trusted)) for row in rows]
    changed = [(row, day) for row, day in changed if day != row["days"]["stored"]]
    mended = [row for row, day in changed if day in row["references"]]
    broken = [row for row, _ in changed if row["days"]["stored"] in row["references"]]
    right = sum(row["days"]["stored"] in row["references"] for row in rows)
    lines = [f"{name}: stored {len(rows)}, day right {right}; the calibrated choice changes {len(changed)}:"
             f" mends {len(mended)}, breaks {len(broken)}, wrong either way {len(changed) - len(mended) - len(broken)}"]
    lines += [f"    {row['days']['stored']} -> {day} (reference {row['references'][0]}) {row['url']}"
              for row, day in changed]
    return lines


def count_lines(counts: dict[tuple[str, str], Counter[str]]) -> list[str]:
    lines = [f"{'a':8} {'b':8} {'pages':>5} {'a right':>7} {'b right':>7} {'neither':>7}"]
    for (a, b), outcome in sorted(counts.items(), key=lambda item: -sum(item[1].values())):
        lines.append(f"{a:8} {b:8} {sum(outcome.values()):5} {outcome[a]:7} {outcome[b]:7} {outcome['neither']:7}")
    return lines


def miss_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Each page whose stored day is wrong, with the sources that give its reference day (its reachable signal)."""
    lines = []
    for row in rows:
        days = row["days"]
        if row["article"] and days["stored"] not in row["references"]:
            holders = [kind for kind in SOURCES if days[kind] in row["references"]] or ["none"]
            given = " ".join(f"{kind}={days[kind]}" for kind in SOURCES if days[kind])
            lines.append(f"MISS {row['set']} ref {row['references'][0]} stored {days['stored']}"
                         f"  right by: {','.join(holders)}  | {given}  {row['url']}")
    return lines


def rows_of(jobs: list[Job], workers: int) -> list[dict[str, Any]]:
    with get_context("forkserver").Pool(workers, initializer=prepare_extractor) as pool:
        return list(pool.imap(page_row, jobs, chunksize=4))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.date_sources", description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", default="tune", choices=("tune", "report"))
    parser.add_argument("--blind", nargs=3, action="append", default=[], metavar=("EVAL", "HTML_DIR", "NAME"))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, help="every page's source days as JSON")
    args = parser.parse_args(argv)
    corpus = rows_of(corpus_jobs(args.half), args.workers)
    counts = pair_counts(corpus)
    trusted = trusted_pairs(counts)
    print(f"corpora {args.half} half, {len(corpus)} dated pages: pairs of sources that disagree")
    print("\n".join(count_lines(counts)))
    print("trusted (winner > loser, ratio): " + ", ".join(f"{w}>{lo} {r:.1f}" for w, lo, r in trusted))
    print("\n".join(choice_lines(f"corpora {args.half} (in-sample)", corpus, trusted)))
    print("\n".join(miss_lines(corpus)))
    blind = {name: rows_of(blind_jobs(Path(evaldata), Path(html_dir), name, args.half), args.workers)
             for evaldata, html_dir, name in args.blind}
    for name, rows in blind.items():
        print("\n".join(choice_lines(f"{name} {args.half}", rows, trusted)))
        print(f"{name} {args.half}: pairs of sources that disagree")
        print("\n".join(count_lines(pair_counts(rows))))
        print("\n".join(miss_lines(rows)))
    if args.out:
        args.out.write_text(json.dumps({"corpora": corpus, **blind}, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
