"""Raw HTML kept for re-extraction: one gzip file per page, beside the warehouse.

The files live in `<warehouse>.pages/` (for `news.duckdb`, `news.pages/`), named by a hash of
the page's URL, and the `pages` table indexes them. The extraction workers write them, so the
main process never compresses, and the DuckDB file stays small. They are plain gzip: `zcat`
reads one. They are written with ISA-L's deflate (`isal`, this module its only importer):
standard gzip, ~4.7x faster than zlib's level 1 on real news pages and as small, so keeping a
page costs a worker ~0.6 ms instead of ~2.6 ms (docs/performance.md, section 1).
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from isal import igzip

# ISA-L's level 1: news HTML still shrinks about 4x (0.233 of its size on the real corpora,
# zlib's level 1 0.237), at ~0.6 ms for a 300 KB page.
COMPRESSION_LEVEL = 1


@dataclass(frozen=True)
class StoredPage:
    """One row of the `pages` table."""

    article_id: str
    fetched_at: datetime
    file: str  # relative to the pages folder
    html_bytes: int
    compressed_bytes: int


def pages_dir_for(warehouse_path: Path) -> Path:
    return warehouse_path.with_suffix(".pages")


def page_file(url: str) -> str:
    """Where a page's HTML goes, relative to the pages folder: two levels of a URL hash."""
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
    return f"{digest[:2]}/{digest[:24]}.html.gz"


def write_page(path: Path, html: str | bytes) -> tuple[int, int]:
    """Write `html` (bytes: UTF-8) gzipped to `path` atomically; returns (size of the UTF-8 HTML, size on disk)."""
    raw = html if isinstance(html, bytes) else html.encode("utf-8", errors="replace")
    packed = igzip.compress(raw, COMPRESSION_LEVEL, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_bytes(packed)
        partial.replace(path)
    except OSError:  # a full disk: leave no partial file behind
        partial.unlink(missing_ok=True)
        raise
    return len(raw), len(packed)


# Kept pages are bodies capped by `fetch.max_bytes` (10 MB by default); a file that unpacks to more
# was not written by newsflow (a gzip bomb put there: 1 GB from 1 MB), and is not unpacked whole.
MAX_KEPT_PAGE_BYTES = 64 * 1024 * 1024


def read_page(path: Path, limit: int = MAX_KEPT_PAGE_BYTES) -> str:
    """The kept HTML; OSError (gzip.BadGzipFile among them) for a file that is not a kept page."""
    with gzip.open(path, "rb") as packed:
        html = packed.read(limit + 1)
    if len(html) > limit:
        raise OSError(f"unpacks to over {limit:,} bytes; not a page newsflow kept")
    return html.decode("utf-8", errors="replace")


def remove_pages(pages_dir: Path, files: list[str]) -> None:
    for name in files:
        (pages_dir / name).unlink(missing_ok=True)
