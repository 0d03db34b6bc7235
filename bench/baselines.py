"""The baselines every ratio is taken against, measured in the same run as the pipeline.

This is the one bench module that imports trafilatura, htmldate and feedparser directly: the
baselines are those libraries on their own, without newsflow around them.

- floor: `trafilatura.extract` on every page already in memory, one process per core;
- peer: trafilatura's own CLI fetching the same URLs (`--parallel`, no sleep, loopback allowed);
- newspaper4k, when a separate venv has it (it is not a project dependency);
- feedparser's own parse time on the same feed bytes;
- htmldate's publication day, as its own evaluation runs it (bench/date_holdout.py).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import feedparser
import htmldate
import trafilatura

from bench.procs import Finished, run_measured, venv_bin
from newsflow.extract import extract_article, prepare_extractor

_PAGES: Sequence[bytes] = ()


def _extract_floor(index: int) -> bool:
    text = trafilatura.extract(_PAGES[index], with_metadata=True, include_comments=False, include_tables=True)
    return bool(text)


def trafilatura_alone(html: str, url: str) -> str | None:
    """One page through trafilatura alone, with the floor's settings: the extraction benchmark's baseline."""
    return trafilatura.extract(html, url=url, with_metadata=True, include_comments=False, include_tables=True)


def trafilatura_text(html: str, url: str) -> str | None:
    """trafilatura alone's main text, no metadata header: what its quality is compared on."""
    return trafilatura.extract(html, url=url, include_comments=False, include_tables=True)


def htmldate_alone(html: str, url: str) -> str | None:
    """htmldate's day for a page, with the settings of its own evaluation (tests/comparison.py:
    the original date, extensive search) and the page's URL, as the issue's 91.3% was measured."""
    try:
        found = htmldate.find_date(html, url=url, original_date=True, extensive_search=True)
    except Exception:  # a page htmldate raises on is a page it does not date
        return None
    return str(found) if found else None


def _extract_newsflow(index: int) -> bool:
    return extract_article(_PAGES[index].decode("utf-8", "replace"), "http://127.0.0.1/page") is not None


@dataclass(frozen=True)
class PoolRun:
    wall_s: float
    cpu_s: float  # user + system of the pool's processes (waited for as the pool closes) and of this one
    found: int  # pages with text


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _run_pool(pages: Sequence[bytes], target: str, workers: int) -> PoolRun:
    """Time and CPU, with the pages forked into `workers` processes (fork: no copy)."""
    global _PAGES
    _PAGES = pages
    function = _extract_floor if target == "floor" else _extract_newsflow
    cpu_before = _cpu_s(resource.RUSAGE_CHILDREN) + _cpu_s(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        found = sum(pool.imap_unordered(function, range(len(pages)), chunksize=4))
        pool.close()
        pool.join()  # waited for, so that their CPU counts in RUSAGE_CHILDREN
    wall = time.perf_counter() - started
    _PAGES = ()
    return PoolRun(wall, _cpu_s(resource.RUSAGE_CHILDREN) + _cpu_s(resource.RUSAGE_SELF) - cpu_before, found)


def floor_extract(pages: Sequence[bytes], workers: int | None = None) -> PoolRun:
    """The floor: `trafilatura.extract(html, with_metadata=True)` on every page, over all cores."""
    return _run_pool(pages, "floor", workers or os.cpu_count() or 1)


def newsflow_extract_in_memory(pages: Sequence[bytes], workers: int | None = None) -> PoolRun:
    """newsflow's own `extract_article` (options, normalisation, metadata fallbacks), same pool.

    The language model is loaded before the fork, as the pipeline's forkserver loads it before its
    workers fork (`newsflow.extractpreload`): until 2026-12-02 each worker loaded it, ~1 s a worker
    the pipeline does not pay. trafilatura's own lazy state is cold in both pools alike."""
    prepare_extractor()
    return _run_pool(pages, "newsflow", workers or os.cpu_count() or 1)


def trafilatura_cli(urls: Sequence[str], folder: Path, parallel: int | None = None) -> tuple[Finished, int]:
    """trafilatura's CLI downloading and extracting `urls`; returns the run and the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (folder / "settings.cfg").write_text("[DEFAULT]\nSLEEP_TIME = 0\nSSRF_PROTECTION = off\n", encoding="utf-8")
    argv = [venv_bin("trafilatura"), "-i", "urls.txt", "--parallel", str(parallel or os.cpu_count() or 1),
            "--config-file", "settings.cfg", "--with-metadata", "-o", "out"]
    finished = run_measured(argv, cwd=folder)
    written = sum(1 for p in (folder / "out").rglob("*") if p.is_file()) if (folder / "out").is_dir() else 0
    return finished, written


NEWSPAPER_SCRIPT = """
import sys, os, multiprocessing
from newspaper import Article
def one(url):
    try:
        article = Article(url, fetch_images=False)
        article.download(); article.parse()
        return 1 if article.text else 0
    except Exception:
        return 0
if __name__ == "__main__":
    urls = open(sys.argv[1]).read().split()
    with multiprocessing.Pool(int(sys.argv[2])) as pool:
        print(sum(pool.imap_unordered(one, urls, chunksize=4)))
"""


def newspaper_peer(python: Path, urls: Sequence[str], folder: Path) -> tuple[Finished, int]:
    """newspaper4k (in its own venv) downloading and parsing `urls`, one process per core."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    finished = run_measured([str(python), "-c", NEWSPAPER_SCRIPT, "urls.txt", str(os.cpu_count() or 1)],
                            cwd=folder, env={"TLDEXTRACT_CACHE": str(folder / "tld")})
    lines = finished.stdout.strip().splitlines()
    return finished, int(lines[-1]) if lines and lines[-1].isdigit() else 0


def feedparser_parse(bodies: Sequence[bytes]) -> tuple[float, int]:
    """feedparser's own parse of every body (bytes, as newsflow gives it); seconds and entries."""
    started = time.perf_counter()
    entries = sum(len(feedparser.parse(body).entries) for body in bodies)
    return time.perf_counter() - started, entries
