"""A blind check of where a stored text starts: the story's first words, on pages no text rule was chosen on.

`python -m bench.starts STARTS.json HTML_DIR [--name NAME] [--out FILE] [--misses tune] [--workers 2]`

STARTS.json is `{url: {"file": ..., "first13": "the story's first words", "title": ...}}` and HTML_DIR
holds the pages it names. The set of docs/extraction.md's "Twenty-ninth pass, text" is built from
postlight/parser's (Mercury's) custom-extractor tests: each names a URL, a fixture and the first 13
words its site extractor's content starts with (`excerptContent`), and the expected title. Those words
are a person's choice per site for Mercury's extractor: usually the story's first words, sometimes a
dek, a caption or a dateline Mercury keeps. The pages are not copied into the project.

Each page is decoded as a fetched page is (`newsflow.charset`, no Content-Type header) and read by
`extract_article` with its URL and no feed, as bench/date_holdout.py does; trafilatura alone (the
floor's settings, `bench.baselines.trafilatura_text`) is read too. Texts and expected words are
compared folded (`folded`: lower case, letters and digits only, so punctuation, whitespace and the
paragraph joins Mercury's text glues are ignored). Per page:
(a) `starts`: the text starts with the expected words; (b) `found`: the words are in the text at all
(the lead is kept); (c) `before`: how many of the text's words come before them (0 is right: more is
what was stored before the story's start); (d) `title`: the stored title equals the expected one,
folded the same way. Pages split into tune and report halves by `bench.corpora.half_of` of the set's
name ("mercury-starts") and the URL.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.baselines import trafilatura_text
from bench.corpora import blind_set_problem, half_of
from newsflow.charset import decode_html
from newsflow.extract import extract_article, prepare_extractor

_NOT_FOLDED = re.compile(r"[\W_]+")


def folded(text: str) -> str:
    """Lower case, letters and digits only: what the starts are compared on."""
    return _NOT_FOLDED.sub("", text.lower())


def words_before(text: str, expected: str) -> int | None:
    """How many of the text's words come before the expected words' first folded match; None when absent."""
    want = folded(expected)
    if not want:
        return None
    joined, ends = "", []
    for word in text.split():
        if folded(word):  # a dash or a bullet alone is no word of the text
            joined += folded(word)
            ends.append(len(joined))
    at = joined.find(want)
    if at < 0:
        return None
    return sum(end <= at for end in ends)


def start_scores(text: str, expected: str) -> dict[str, Any]:
    before = words_before(text, expected)
    return {"starts": before == 0, "found": before is not None, "before": before}


def score_page(job: tuple[str, str, dict[str, Any], str]) -> dict[str, Any]:
    name, url, entry, html_dir = job
    html = decode_html((Path(html_dir) / entry["file"]).read_bytes(), None)
    error = None
    try:
        article = extract_article(html, url)
    except Exception as exc:  # the pipeline records extract_error and stores nothing: scored as no text
        article, error = None, f"{type(exc).__name__}: {exc}"
    text = article.text if article else ""
    alone = trafilatura_text(html, url) or ""
    title = article.title if article else None
    expected_title = entry.get("title")
    return {
        "url": url, "half": half_of(name, url), "expected": entry["first13"], "stored": article is not None,
        "newsflow": start_scores(text, entry["first13"]), "alone": start_scores(alone, entry["first13"]),
        "title": title, "expected_title": expected_title,
        "title_equal": None if expected_title is None else folded(title or "") == folded(expected_title),
        "text_head": " ".join(text.split()[:80]), "alone_head": " ".join(alone.split()[:80]), "error": error,
    }


def score_pages(name: str, entries: dict[str, dict[str, Any]], html_dir: Path, workers: int) -> list[dict[str, Any]]:
    jobs = [(name, url, entry, str(html_dir)) for url, entry in sorted(entries.items())
            if entry.get("first13") and (html_dir / entry["file"]).is_file()]
    with get_context("forkserver").Pool(workers, initializer=prepare_extractor) as pool:
        return list(pool.imap(score_page, jobs, chunksize=4))


def _share(count: int, total: int) -> str:
    return f"{count / total:.3f} ({count})" if total else "-"


def summary_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for half in ("tune", "report", "all"):
        chosen = [r for r in results if half in ("all", r["half"])]
        if not chosen:
            continue
        n = len(chosen)
        titled = [r for r in chosen if r["title_equal"] is not None]
        line = f"{half:6} {n:3} pages"
        for who in ("newsflow", "alone"):
            starts = sum(r[who]["starts"] for r in chosen)
            found = sum(r[who]["found"] for r in chosen)
            late = [r[who]["before"] for r in chosen if r[who]["found"] and r[who]["before"]]
            line += (f" | {who}: (a) starts {_share(starts, n)} (b) found {_share(found, n)}"
                     f" (c) found later on {len(late)}, {sum(late)} words before")
        title_right = sum(bool(r["title_equal"]) for r in titled)
        lines.append(line + f" | (d) title {_share(title_right, len(titled))} of {len(titled)}")
    return lines


def miss_lines(results: Sequence[dict[str, Any]], half: str) -> list[str]:
    out = []
    for r in results:
        s = r["newsflow"]
        if r["half"] != half or (s["starts"] and r["title_equal"] is not False):
            continue
        out.append(f"MISS before={s['before']} alone_before={r['alone']['before']} title_equal={r['title_equal']}"
                   f"  {r['url']}\n  expected: {r['expected']}\n  text:     {r['text_head'][:400]}\n"
                   f"  title:    {r['title']!r} / expected {r['expected_title']!r}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.starts", description=__doc__.split("\n\n")[0])
    parser.add_argument("starts", type=Path)
    parser.add_argument("html_dir", type=Path)
    parser.add_argument("--name", default="mercury-starts", help="the set's name in the halves' hash")
    parser.add_argument("--out", type=Path, help="per-page results as JSON")
    parser.add_argument("--misses", choices=("tune", "report"), help="list that half's misses")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    problem = blind_set_problem(parser.prog, args.starts, args.html_dir)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    entries = json.loads(args.starts.read_text(encoding="utf-8"))
    results = score_pages(args.name, entries, args.html_dir, args.workers)
    print("\n".join(summary_lines(results)))
    if args.misses:
        print("\n".join(miss_lines(results, args.misses)))
    for result in results:
        if result["error"]:
            print(f"extraction error: {result['url']}: {result['error']}")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
