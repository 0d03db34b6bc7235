"""`python -m bench.search_acronyms --baseline-src DIR [--articles 1000] [--rounds 3]`: what indexing acronyms
(`US`, `U.S.`: newsflow.search_acronyms) costs and finds, against another checkout's code (main's `src`), in the
same run, as bench.search_accents does (docs/search.md, "Analyst 20").

Each round builds, with each code in turn (alternating, in a child process), a warehouse of fundus-news's real
texts (../shared/corpora, 41 countries; English, German, French, Spanish ...) copied until `--articles`, indexes
it (`search.refresh`), and reports postings, the time to index, and per query its time, its matches, how many of
them hold the acronym written in capitals or dotted capitals (`right`), and how many articles holding it it
missed (`missed`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench.search_scripts import compare, load_and_index, timed_queries


def _spelt(letters: str) -> re.Pattern[str]:
    dotted = r"\.".join(letters)
    return re.compile(rf"(?<![\w.]){dotted}\.?(?!\w)|\b{letters}\b")


QUERIES = {"US": "US", "U.S.": "U.S.", "UN": "UN", "WHO": "WHO", "UK": "UK", "U.K.": "U.K.", "us": "us",
           "English phrase": '"white house"'}
SPELT = {"US": _spelt("US"), "U.S.": _spelt("US"), "UN": _spelt("UN"), "WHO": _spelt("WHO"), "UK": _spelt("UK"),
         "U.K.": _spelt("UK")}


def build(articles: int, folder: Path) -> dict[str, Any]:
    """Build, index and query one warehouse with the code on sys.path; its figures."""
    from bench import corpora, synth
    from newsflow import search
    from newsflow.warehouse import Warehouse

    pages = [p for p in corpora.fundus_pages(corpora.CORPORA) if p.text]
    template, _, _ = synth.article_batch(articles, "bench-acronyms")
    texts = {}
    batch = []
    for n, a in enumerate(template):
        page = pages[n % len(pages)]
        texts[f"fundus-{n}"] = f"{page.title or ''} {page.text}"
        batch.append(a.__class__(**{**vars(a), "article_id": f"fundus-{n}", "canonical_url": f"https://f.example/{n}",
                                    "url": f"https://f.example/{n}", "story_id": f"fundus-{n}",
                                    "language": page.language, "title": page.title, "text": page.text or ""}))
    store = Warehouse(folder / "news.duckdb")
    figures: dict[str, Any] = {"index: s": load_and_index(store, batch)}
    with store.reading() as con:
        figures["postings"] = con.execute("SELECT count(*) FROM search_postings").fetchone()[0]
    figures |= timed_queries(store, QUERIES)
    for name, spelt in SPELT.items():
        matched = {r[0] for r in search.search_articles(store, QUERIES[name], search.SearchFilters(), 10**9).rows}
        holding = {a for a, text in texts.items() if spelt.search(text)}
        figures[f"{name}: right"] = len(matched & holding)
        figures[f"{name}: missed"] = len(holding - matched)
    return figures


def main() -> None:
    compare("bench.search_acronyms", build, __doc__ or "")


if __name__ == "__main__":
    main()
