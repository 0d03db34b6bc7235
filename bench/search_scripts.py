"""`python -m bench.search_scripts --baseline-src DIR [--articles 1000] [--rounds 3]`: what indexing
scripts written without spaces (Thai) as bigrams costs, against another checkout's code (main's `src`,
from `git worktree add` or `git archive`), in the same run (docs/search.md, "Unspaced scripts").

Each round builds, with each code in turn (alternating, in a child process), a warehouse of
`--articles` English articles (bench/synth.py's, ~3.4 KB) and as many Thai ones (~3 KB of real Thai
words from `THAI`, drawn Zipf-like, written as Thai is: no space between words, one between
sentences), indexes it (`search.refresh`), and reports the postings, terms, file size, indexing time
and a few queries' time and matches. Ratios are candidate / baseline; the spread is over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

THAI_WORDS = ("ตลาด หุ้น ไทย ปรับ ตัว ขึ้น รัฐบาล ประกาศ นโยบาย เศรษฐกิจ ราคา น้ำมัน ทองคำ ลดลง เพิ่มขึ้น นายก "
        "รัฐมนตรี กรุงเทพ ธนาคาร แห่ง ประเทศ การ เลือกตั้ง พรรค การเมือง ประชาชน ชุมนุม ตำรวจ ทหาร ชายแดน "
        "กัมพูชา น้ำท่วม ภาคเหนือ ฝน ตก หนัก โรงเรียน นักเรียน มหาวิทยาลัย โรงพยาบาล ผู้ป่วย วัคซีน "
        "ท่องเที่ยว นักท่องเที่ยว จีน ญี่ปุ่น สหรัฐ ส่งออก นำเข้า ข้าว ยาง เกษตรกร ค่าเงิน บาท ดอลลาร์ ดัชนี "
        "ปิด วันนี้ เมื่อวาน สัปดาห์ เดือน ปี ที่ และ ของ ใน ได้ ว่า จะ มี เป็น ให้ กับ")
THAI = THAI_WORDS.split()
QUERIES = {"Thai word": "ตลาด", "Thai word, rarer": "กัมพูชา", "Thai phrase": '"ราคาน้ำมัน"',
           "English word": "harvest", "English phrase": '"security council"'}


def thai_text(rng: random.Random, sentences: int = 40) -> str:
    weights = [1 / (rank + 1) for rank in range(len(THAI))]
    return " ".join("".join(rng.choices(THAI, weights, k=rng.randint(6, 14))) for _ in range(sentences))


def child(articles: int, folder: Path) -> dict[str, Any]:
    """Build, index and query one warehouse with the code on sys.path; its figures."""
    from bench import synth
    from newsflow.warehouse import Warehouse

    english, _, _ = synth.article_batch(articles, "bench-scripts")
    rng = random.Random(7)
    thai = [a.__class__(**{**vars(a), "article_id": f"th-{n}", "canonical_url": f"https://th.example/{n}",
                           "url": f"https://th.example/{n}", "story_id": f"th-{n}", "language": "th",
                           "title": thai_text(rng, 1), "text": thai_text(rng)})
            for n, a in enumerate(english)]
    store = Warehouse(folder / "news.duckdb")
    figures: dict[str, Any] = {}
    for name, batch in (("English", english), ("Thai", thai)):
        figures[f"index {name}: s"] = load_and_index(store, batch)
    with store.reading() as con:
        for table in ("search_postings", "search_terms", "search_forms"):
            figures[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        figures["thai_postings"] = con.execute(
            "SELECT count(*) FROM search_postings JOIN search_docs USING (doc_id) WHERE language = ''").fetchone()[0]
    return figures | timed_queries(store, QUERIES)


def load_and_index(store: Any, batch: list[Any]) -> float:
    """Load `batch` into the warehouse and refresh the search index, with the code on sys.path: the
    refresh's seconds."""
    from newsflow import search, warehouse

    with store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, batch, [], [])
    started = time.perf_counter()
    search.refresh(store)
    return time.perf_counter() - started


def timed_queries(store: Any, queries: dict[str, str]) -> dict[str, Any]:
    """Each query's mean time over three searches and its matches, with the code on sys.path."""
    from newsflow import search
    from newsflow.search import SearchFilters

    figures: dict[str, Any] = {}
    for name, query in queries.items():
        started = time.perf_counter()
        for _ in range(3):
            rows = search.search_articles(store, query, SearchFilters(), 100_000).rows
        figures[f"{name}: s"] = (time.perf_counter() - started) / 3
        figures[f"{name}: matches"] = len(rows)
    return figures


def main() -> None:
    compare("bench.search_scripts", child, __doc__ or "")


def compare(module: str, build: Callable[[int, Path], dict[str, Any]], doc: str) -> None:
    """`module`'s command line: each round runs `build` in a child process with the baseline's code, then
    the candidate's, and prints the medians of their figures and the ratios per round."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--baseline-src", required=True, type=Path)
    parser.add_argument("--candidate-src", type=Path, default=Path(__file__).resolve().parent.parent / "src")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(build(args.articles, Path(folder))))
        return
    runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "candidate": []}
    for _ in range(args.rounds):
        for name, src in (("baseline", args.baseline_src), ("candidate", args.candidate_src)):
            env = {**os.environ, "PYTHONPATH": f"{src.resolve()}{os.pathsep}{Path.cwd()}"}
            out = subprocess.run([sys.executable, "-m", module, "--child", "--baseline-src", ".",
                                  "--articles", str(args.articles)], env=env, check=True, capture_output=True,
                                 text=True).stdout
            runs[name].append(json.loads(out.splitlines()[-1]))
    print(f"{'figure':32} {'baseline':>12} {'candidate':>12} {'ratio':>7}  ratios per round")
    for key in runs["baseline"][0]:
        base = statistics.median(r[key] for r in runs["baseline"])
        cand = statistics.median(r[key] for r in runs["candidate"])
        per_round = [c[key] / b[key] if b[key] else float("nan")
                     for b, c in zip(runs["baseline"], runs["candidate"], strict=True)]
        shown = " ".join(f"{r:.2f}" for r in per_round)
        print(f"{key:32} {base:12.4g} {cand:12.4g} {cand / base if base else float('nan'):7.2f}  {shown}")


if __name__ == "__main__":
    main()
