"""`python -m bench.search_accents --baseline-src DIR [--articles 1000] [--rounds 3]`: what indexing a word
with accents under its bare form too costs (docs/search.md, "Eighteenth session"), against another
checkout's code (main's `src`), in the same run, as bench.search_scripts does for Thai.

Each round builds, with each code in turn (alternating, in a child process), a warehouse of fundus-news's
209 real texts (../shared/corpora: English, German, French, Spanish, Polish, Turkish, Vietnamese ...) copied
until `--articles`, and as many Vietnamese articles of ~3 KB drawn from the words of the corpus's
Vietnamese article (every syllable of Vietnamese carries its tone: the worst case for the index's size);
indexes each (`search.refresh`), and reports postings, terms, forms, the time to index, and a few
queries' time and matches (`search_articles`, every match).
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from bench.search_scripts import compare, load_and_index, timed_queries

QUERIES = {"Vietnamese phrase, tones": '"ung thư"', "Vietnamese phrase, bare": '"ung thu"',
           "Vietnamese words, bare": "benh vien", "German, bare": "zurich", "French, accents": "président",
           "English phrase": '"white house"', "common word": "2024"}


def build(articles: int, folder: Path) -> dict[str, Any]:
    """Build, index and query one warehouse with the code on sys.path; its figures."""
    from bench import corpora, synth
    from newsflow.warehouse import Warehouse

    pages = [p for p in corpora.fundus_pages(corpora.CORPORA) if p.text]
    template, _, _ = synth.article_batch(articles, "bench-accents")
    rng = random.Random(7)
    words = re.findall(r"\w+", next(p.text or "" for p in pages if p.language == "vi"))
    sets = {"fundus": [(pages[n % len(pages)].title, pages[n % len(pages)].text or "", pages[n % len(pages)].language)
                       for n in range(articles)],
            "Vietnamese": [(" ".join(rng.choices(words, k=10)),
                            " ".join(" ".join(rng.choices(words, k=rng.randint(10, 24))) + "." for _ in range(30)),
                            "vi") for _ in range(articles)]}
    store = Warehouse(folder / "news.duckdb")
    figures: dict[str, Any] = {}
    for name, texts in sets.items():
        batch = [a.__class__(**{**vars(a), "article_id": f"{name}-{n}", "canonical_url": f"https://{name}.example/{n}",
                                "url": f"https://{name}.example/{n}", "story_id": f"{name}-{n}", "language": lang,
                                "title": title, "text": text})
                 for n, (a, (title, text, lang)) in enumerate(zip(template, texts, strict=True))]
        figures[f"index {name}: s"] = load_and_index(store, batch)
        with store.reading() as con:
            figures[f"postings after {name}"] = con.execute("SELECT count(*) FROM search_postings").fetchone()[0]
    with store.reading() as con:
        for table in ("search_terms", "search_forms"):
            figures[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return figures | timed_queries(store, QUERIES)


def main() -> None:
    compare("bench.search_accents", build, __doc__ or "")


if __name__ == "__main__":
    main()
