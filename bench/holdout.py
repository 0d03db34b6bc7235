"""A blind check of extraction on pages no rule was chosen on: trafilatura's evaluation pages
outside its news subset.

`python -m bench.holdout EVALDATA.json HTML_DIR [--out FILE] [--workers 2] [--limit N]`

EVALDATA.json is trafilatura's `tests/evaldata.json` format (`{url: {"file", "with", "without"}}`)
and HTML_DIR holds the pages it names. ../shared/corpora/trafilatura-eval-news is the news subset
(153 pages) of that file, which the tune/report halves use; the other ~800 pages (blogs, shops,
associations, magazines, some news) were never looked at while choosing any setting, so they
measure whether newsflow's rules generalise (docs/extraction.md, "Eighth pass"). Bring them with
`git show` from adbar/trafilatura @ e90b0ef (the commit ../shared/corpora copied); they are not
copied into the project. Pages whose URL is in the news subset are skipped.

Each page is decoded as a fetched page is (`newsflow.charset`, no Content-Type header), extracted
by trafilatura alone (the floor's settings) and by `extract_article`, and scored with trafilatura's
own snippet F1 (bench/corpora.py). "Article-like" pages (JSON-LD of an Article, NewsArticle or
BlogPosting type, or `og:type` article) are reported apart: the class closest to the news pages
newsflow is for. The per-page results go to `--out` as JSON, so two versions of the code can be
compared page by page (run it with PYTHONPATH pointing at another checkout's src/).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections.abc import Sequence
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from bench.baselines import trafilatura_text
from bench.corpora import CORPORA, CorpusPage, blind_set_problem, snippet_f1
from newsflow.charset import decode_html
from newsflow.extract import extract_article, prepare_extractor
from newsflow.text import normalize_text

_ARTICLE_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"(?:News|Reportage|Analysis|Opinion)?Article"|"BlogPosting"')
_OG_ARTICLE = re.compile(r"""<meta[^>]+property=["']og:type["'][^>]+content=["']article""", re.IGNORECASE)
NEWS_SUBSET = CORPORA / "trafilatura-eval-news" / "evaldata-news.json"


def article_like(html: str) -> bool:
    """Whether the page declares itself an article (JSON-LD type or og:type), decided from the page alone."""
    return bool(_ARTICLE_TYPE.search(html) or _OG_ARTICLE.search(html))


def score_page(job: tuple[str, dict[str, Any], str, bool]) -> dict[str, Any]:
    url, entry, html_dir, skip_alone = job
    html = decode_html((Path(html_dir) / entry["file"]).read_bytes(), None)
    page = CorpusPage("holdout", url, html, url, with_snippets=tuple(entry.get("with") or ()),
                      without_snippets=tuple(entry.get("without") or ()))
    alone = normalize_text(trafilatura_text(html, url) or "") if not skip_alone else ""
    error = None
    try:
        article = extract_article(html, url)
    except Exception as exc:  # the pipeline records extract_error and stores nothing: scored as no text
        article, error = None, f"{type(exc).__name__}: {exc}"
    text = article.text if article else ""
    return {"url": url, "half": page.half, "article_like": article_like(html), "alone": snippet_f1(page, alone),
            "newsflow": snippet_f1(page, text), "text": text, "error": error}


def _init_worker() -> None:
    prepare_extractor()


def score_pages(entries: dict[str, dict[str, Any]], html_dir: Path, workers: int,
                skip_alone: bool = False) -> list[dict[str, Any]]:
    jobs = [(url, entry, str(html_dir), skip_alone) for url, entry in sorted(entries.items())
            if entry.get("with") and (html_dir / entry["file"]).is_file()]
    with get_context("forkserver").Pool(workers, initializer=_init_worker) as pool:
        return list(pool.imap(score_page, jobs, chunksize=4))


def summary_lines(results: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for label, chosen in (("all", results), ("article-like", [r for r in results if r["article_like"]]),
                          ("other", [r for r in results if not r["article_like"]])):
        if chosen:
            alone = statistics.mean(r["alone"] for r in chosen)
            ours = statistics.mean(r["newsflow"] for r in chosen)
            worse = sum(r["newsflow"] < r["alone"] for r in chosen)
            better = sum(r["newsflow"] > r["alone"] for r in chosen)
            lines.append(f"{label:13} {len(chosen):4} pages  trafilatura alone {alone:.4f}  newsflow {ours:.4f}  "
                         f"({ours - alone:+.4f}; better on {better}, worse on {worse})")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.holdout", description=__doc__.split("\n\n")[0])
    parser.add_argument("evaldata", type=Path)
    parser.add_argument("html_dir", type=Path)
    parser.add_argument("--out", type=Path, help="per-page results as JSON")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--limit", type=int, help="the first N pages only (a smoke run)")
    parser.add_argument("--skip-alone", action="store_true", help="newsflow only (trafilatura alone scores 0)")
    args = parser.parse_args(argv)
    problem = blind_set_problem(parser.prog, args.evaldata, args.html_dir)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    entries = json.loads(args.evaldata.read_text(encoding="utf-8"))
    if NEWS_SUBSET.is_file():
        seen = json.loads(NEWS_SUBSET.read_text(encoding="utf-8"))
        entries = {url: entry for url, entry in entries.items() if url not in seen}
    if args.limit:
        entries = dict(sorted(entries.items())[: args.limit])
    results = score_pages(entries, args.html_dir, args.workers, args.skip_alone)
    print("\n".join(summary_lines(results)))
    for result in results:
        if result["error"]:
            print(f"extraction error: {result['url']}: {result['error']}")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
