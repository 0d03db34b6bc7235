"""The real corpus pages extracted once per pytest run, shared by the modules and xdist workers that read them.

Extracting the 823 pages costs ~28 cpu-s; test_extract_quality reads every result and
test_extract_shortcuts_corpus a sample of them. The first worker that asks extracts every page
through one `ExtractorPool` (newsflow's own path) under an fcntl lock and pickles the results
under the run's shared temp root; the others wait on the lock and read the file. The file's
name carries a hash of src/newsflow's sources and every entry is keyed on a hash of its page, so
a source or page changed during the run is extracted afresh, never read stale. The temp root is
new for every run (pytest's numbered basetemp, or xdist's per-run one): nothing is cached across
runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
from pathlib import Path

import pytest
from bench.corpora import CorpusPage, all_pages

from newsflow.extractpool import ExtractionResult, ExtractorPool, PageToExtract

SOURCES = Path(__file__).resolve().parents[2] / "src" / "newsflow"

Extracted = list[tuple[CorpusPage, ExtractionResult]]


def sources_digest(root: Path = SOURCES) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def page_digest(page: CorpusPage) -> str:
    parts = (page.set_name, page.key, page.url, page.html)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def extract_pages(pages: list[CorpusPage]) -> list[ExtractionResult]:
    with ExtractorPool(workers=2, timeout=30) as pool:
        return pool.extract_many([PageToExtract(page.key, page.html, page.url) for page in pages])


def run_shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temp root of this run that every xdist worker sees: a worker's basetemp sits under it."""
    basetemp = tmp_path_factory.getbasetemp()
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else basetemp


@pytest.fixture(scope="session")
def extracted_corpus(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Extracted:
    pages = all_pages(corpora)
    root = run_shared_root(tmp_path_factory)
    cache = root / f"corpus-extraction-{sources_digest()}.pickle"
    with (root / "corpus-extraction.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored: dict[str, ExtractionResult] = pickle.loads(cache.read_bytes()) if cache.exists() else {}
        missing = [page for page in pages if page_digest(page) not in stored]
        if missing:
            stored.update(zip(map(page_digest, missing), extract_pages(missing), strict=True))
            partial = cache.with_suffix(".partial")
            partial.write_bytes(pickle.dumps(stored))
            partial.replace(cache)
    return [(page, stored[page_digest(page)]) for page in pages]
