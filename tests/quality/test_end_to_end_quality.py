"""Real pages through the whole pipeline: `newsflow run` against a loopback copy of real news pages.

The pages and their reference texts come from Mozilla Readability's news test pages in
../shared/corpora (never copied into the project). Each page is served under its own URL and
listed in a feed; the stored text is scored with token F1 against Readability's reviewed output.
"""

from __future__ import annotations

import gzip
import statistics
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.text import token_f1
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import rss_feed

pytestmark = [pytest.mark.corpus, pytest.mark.usefixtures("prefect_harness")]

NOT_ARTICLES = {"yahoo-2"}  # a front page: Readability's negative case


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def reference_text(expected_html: bytes) -> str:
    parser = _TextOnly()
    parser.feed(expected_html.decode("utf-8"))
    return " ".join(parser.parts)


def serve_readability_pages(server: LocalServer, root: Path) -> dict[str, str]:
    references, items = {}, []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in NOT_ARTICLES):
        path = f"/real/{folder.name}.html"
        server.add(path, Page(gzip.decompress((folder / "source.html.gz").read_bytes())))
        references[server.url(path)] = reference_text(gzip.decompress((folder / "expected.html.gz").read_bytes()))
        items.append((folder.name, path, None))
    server.add("/real/feed.xml", Page(rss_feed("Readability news pages", items), "application/rss+xml"))
    return references


def test_real_pages_end_to_end_reach_token_f1_of_0_9(
    corpora: Path, tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    references = serve_readability_pages(server, corpora / "readability-testpages-news")
    config_path = write_config(tmp_path, server.base_url, {"readability": "/real/feed.xml"})

    assert cli.main(["run", "--config", str(config_path)]) == 0
    capsys.readouterr()
    stored = run_read_query(Warehouse(load_config(config_path).warehouse_path), "SELECT url, text FROM articles").rows
    scores = {str(url): token_f1(str(text), references[str(url)]) for url, text in stored}

    assert len(stored) >= 0.9 * len(references), f"only {len(stored)} of {len(references)} pages stored"
    median = statistics.median(scores.values())
    passing = sum(1 for s in scores.values() if s >= 0.9)
    print(f"\nend-to-end F1 on {len(scores)} real pages: median {median:.3f}, {passing} at or above 0.9")
    assert median >= 0.9
    assert passing >= 0.6 * len(references)
