"""Kept pages (newsflow.pages) are standard gzip, read back byte for byte by the standard library and
by `zcat`, whatever compressor writes them."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow.pages import read_page, write_page

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"


@given(st.text(max_size=2000) | st.binary(max_size=2000).map(lambda b: b.decode("utf-8", "replace")))
def test_a_kept_page_reads_back_as_written(tmp_path_factory: pytest.TempPathFactory, html: str) -> None:
    path = tmp_path_factory.mktemp("pages") / "ab" / "page.html.gz"
    raw = html.encode("utf-8")
    html_bytes, compressed_bytes = write_page(path, raw)
    assert (html_bytes, compressed_bytes) == (len(raw), path.stat().st_size)
    assert gzip.decompress(path.read_bytes()) == raw
    assert read_page(path) == html


def test_real_pages_shrink_about_four_times_and_zcat_reads_them(tmp_path: Path) -> None:
    sources = sorted(CORPORA.glob("trafilatura-eval-news/html/*.gz"))[:20]
    if not sources:
        pytest.skip(f"real corpora not found at {CORPORA}")
    raw_total = packed_total = 0
    for index, source in enumerate(sources):
        raw = gzip.decompress(source.read_bytes())
        path = tmp_path / f"{index}.html.gz"
        html_bytes, compressed_bytes = write_page(path, raw)
        raw_total, packed_total = raw_total + html_bytes, packed_total + compressed_bytes
        if shutil.which("zcat"):
            assert subprocess.run(["zcat", str(path)], capture_output=True, check=True).stdout == raw
    assert packed_total < raw_total / 3


def test_a_kept_file_that_unpacks_past_the_cap_is_refused_not_unpacked_whole(tmp_path: Path) -> None:
    """A gzip bomb in news.pages/ (65 MiB of zeros in ~65 KB) is an unreadable page for `reextract`, which
    notes it and goes on, instead of memory for the whole of it."""
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(bytes(65 * 1024 * 1024), compresslevel=1))
    with pytest.raises(OSError, match="over 67,108,864 bytes"):
        read_page(bomb)
    small = tmp_path / "small.html.gz"
    write_page(small, b"<p>" + b"x" * 997)
    assert len(read_page(small, limit=1000)) == 1000
    with pytest.raises(OSError):
        read_page(small, limit=999)
