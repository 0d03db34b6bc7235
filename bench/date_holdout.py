"""A blind check of publication days on pages no date rule was chosen on: htmldate's evaluation sets.

`python -m bench.date_holdout EVAL.json HTML_DIR [--name NAME] [--out FILE] [--misses tune] [--workers 2]`

EVAL.json is htmldate's evaluation format (`{url: {"file": ..., "date": "YYYY-MM-DD"}}`) and HTML_DIR
holds the pages it names. adbar/htmldate (tests/) has two: `eval_mediacloud_2020.json`, 200 news
pages from around the world (195 with a date; Media Cloud / Data Culture Group, the pages in
`tests/test_set/`), the set issue 15 quotes htmldate's 91.3% on, and `eval_default.json`, BBAW's 800
pages (multilingual, mostly German: news, blogs, associations, shops; pages in `tests/eval/` and
`tests/cache/`). Bring them with `git show`/`git archive` into a temporary folder; they are not copied
into the project (docs/extraction.md, "Twenty-fourth pass, dates").

A third set (docs/extraction.md, "Twenty-eighth pass, dates") is built from postlight/parser (Mercury):
each `src/extractors/custom/<domain>/index.test.js` names a URL, a fixture (`fixtures/*.html`) and the
expected `date_published`, an instant in UTC; its day is the reference (`--name mercury`). Two caveats
that any such set may share: a UTC reference is the publisher's day only where the zone agrees (a bare
Japanese day, read by Mercury at midnight in Tokyo, is 15:00 UTC the day before: a second file gives
the day in the zone the site's extractor declares), and Mercury saved its fixtures after its own
cleaning, without `<script>` (so without JSON-LD), `<style>`, `<form>` or comments, and with every
`<meta content>` renamed `value` and `property` renamed `name`: a page dated by its metas is only
dated again once they are renamed back.

A fourth set (docs/extraction.md, "Twenty-ninth pass, dates") is built from microlinkhq/metascraper's
integration fixtures: `packages/metascraper/test/integration/<site>/` holds the page's URL (`index.js`),
the saved page (`input.html`) and the expected metadata (`snapshots/index.js.md`, `date: '...Z'`); 66
news and blog pages, `--name metascraper`. Its reference is metascraper's `date`, which reads a page's
`dateModified` before its `datePublished`: 15 of the 66 are the modification, not the publication
(read by eye), so the set is scored three ways: as it is, without those 15, and with the publication
day read by eye.

A fifth set (docs/extraction.md, "Forty-sixth pass, dates"; bench/README.md says how it is built): trafilatura's
evaluation pages with a hand-annotated `date` that neither htmldate set nor ../shared/corpora holds (adbar/trafilatura
@ e90b0ef, `tests/evaldata.json`): 76 pages, mostly German trade and association news of 2022, `--name trafdates`.
Its pages are all in the text blind set (`bench.holdout`), so it is split as that set is (`SPLIT_AS`): by
`half_of("holdout", key)`, the key being the URL as that set's file writes it (an entry's `split_key` where the
builder trimmed it), so that a page is on the same side in both.

Each page is decoded as a fetched page is (`newsflow.charset`, no Content-Type header) and read by
`extract_article` with its URL and no feed date, as a run stores a page whose feed gives none. The
stored day (`published_date`, the publisher's local day) is compared with the reference; "either
day" also accepts the UTC day of the stored instant (some references give the one, some the other,
as in bench/corpora.py). htmldate alone is scored as its own evaluation runs it
(`bench.baselines.htmldate_alone`). Pages split into tune and report halves by sha256 of
"NAME/URL" (the rule of bench/corpora.py); `--misses tune` lists one half's misses only, so that
rules are chosen on the tune half and the report half stays blind.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.baselines import htmldate_alone
from bench.corpora import blind_set_problem, half_of
from newsflow.charset import decode_html
from newsflow.extract import extract_article, prepare_extractor

SPLIT_AS = {"trafdates": "holdout"}  # a set inside another blind set takes its halves: one side in both


def half_in(name: str, url: str, entry: dict[str, Any]) -> str:
    """A page's half of set `name`: by `half_of` of the set it sits in and its key there (`split_key`, else URL)."""
    return half_of(SPLIT_AS.get(name, name), str(entry.get("split_key") or url))


@dataclass(frozen=True)
class DatedPage:
    url: str
    half: str
    reference: str
    stored: bool  # an article was extracted: the page would be stored
    local_day: str | None
    utc_day: str | None
    htmldate: str | None
    error: str | None

    @property
    def right(self) -> bool:
        return self.local_day == self.reference

    @property
    def right_either_day(self) -> bool:
        return self.reference in (self.local_day, self.utc_day)


def date_page(job: tuple[str, str, str, str, str]) -> DatedPage:
    half, url, reference, file_name, html_dir = job
    html = decode_html((Path(html_dir) / file_name).read_bytes(), None)
    error = None
    try:
        article = extract_article(html, url)
    except Exception as exc:  # the pipeline records extract_error and stores nothing
        article, error = None, f"{type(exc).__name__}: {exc}"
    local = str(article.published_date) if article and article.published_date else None
    utc = str(article.published_at.date()) if article and article.published_at else None
    return DatedPage(url, half, reference, article is not None, local, utc,
                     htmldate_alone(html, url), error)


def dated_entries(entries: dict[str, dict[str, Any]], html_dir: Path) -> list[tuple[str, str, str]]:
    """(url, reference day, file) of every page with a reference day and its file present."""
    return [(url, entry["date"], entry["file"]) for url, entry in sorted(entries.items())
            if isinstance(entry.get("date"), str) and len(entry["date"]) == 10
            and (html_dir / entry["file"]).is_file()]


def date_pages(name: str, entries: dict[str, dict[str, Any]], html_dir: Path, workers: int) -> list[DatedPage]:
    jobs = [(half_in(name, url, entries[url]), url, day, file_name, str(html_dir))
            for url, day, file_name in dated_entries(entries, html_dir)]
    with get_context("forkserver").Pool(workers, initializer=prepare_extractor) as pool:
        return list(pool.imap(date_page, jobs, chunksize=4))


def summary_lines(pages: Sequence[DatedPage]) -> list[str]:
    lines = []
    for half in ("tune", "report", "all"):
        chosen = [p for p in pages if half in ("all", p.half)]
        stored = [p for p in chosen if p.stored]
        if not stored:
            continue
        right = sum(p.right for p in stored)
        either = sum(p.right_either_day for p in stored)
        alone = sum(p.htmldate == p.reference for p in stored)
        alone_all = sum(p.htmldate == p.reference for p in chosen)
        broke = sum(p.htmldate == p.reference and not p.right for p in stored)
        mended = sum(p.right and p.htmldate != p.reference for p in stored)
        lines.append(
            f"{half:6} stored {len(stored):3} of {len(chosen):3}  newsflow {right / len(stored):.3f} ({right})"
            f"  either day {either / len(stored):.3f}  htmldate alone {alone / len(stored):.3f} ({alone};"
            f" all pages {alone_all / len(chosen):.3f})  newsflow right where htmldate wrong {mended},"
            f" wrong where htmldate right {broke}")
    return lines


def miss_lines(pages: Sequence[DatedPage], half: str) -> list[str]:
    return [f"MISS {p.reference} newsflow {p.local_day} (utc {p.utc_day}) htmldate {p.htmldate}  {p.url}"
            for p in pages if p.half == half and p.stored and not p.right]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.date_holdout", description=__doc__.split("\n\n")[0])
    parser.add_argument("evaldata", type=Path)
    parser.add_argument("html_dir", type=Path)
    parser.add_argument("--name", help="the set's name in the halves' hash (default: from the file name)")
    parser.add_argument("--out", type=Path, help="per-page results as JSON")
    parser.add_argument("--misses", choices=("tune", "report"), help="list that half's misses")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    problem = blind_set_problem(parser.prog, args.evaldata, args.html_dir)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    name = args.name or ("mediacloud" if "mediacloud" in args.evaldata.name else "bbaw")
    entries = json.loads(args.evaldata.read_text(encoding="utf-8"))
    pages = date_pages(name, entries, args.html_dir, args.workers)
    print("\n".join(summary_lines(pages)))
    if args.misses:
        print("\n".join(miss_lines(pages, args.misses)))
    for page in pages:
        if page.error:
            print(f"extraction error: {page.url}: {page.error}")
    if args.out:
        args.out.write_text(json.dumps([asdict(p) for p in pages], ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
