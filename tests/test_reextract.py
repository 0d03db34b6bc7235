"""Kept HTML: compressed pages within a budget, and `newsflow reextract` without fetching."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed


def ingest_site(tmp_path: Path, server: LocalServer, stories: int, extra_config: str = "") -> Path:
    site, items = Site("Courier"), []
    for story in (generated_story(n) for n in range(stories)):
        server.add(f"/a/{story.slug}", Page(site.article_page(story)))
        items.append((story.title, f"/a/{story.slug}", story.published))
    server.add("/feed.xml", Page(rss_feed("Courier", items), "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"})
    config_path.write_text(config_path.read_text().replace("[extract]", "[extract]\n" + extra_config))
    asyncio.run(run_ingest(load_config(config_path), "run-1"))
    return config_path


def query(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


def test_html_is_kept_compressed_and_reextract_restores_text_without_fetching(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = ingest_site(tmp_path, server, 3)
    (pages, packed, raw), = query(config_path, "SELECT count(*), sum(compressed_bytes), sum(html_bytes) FROM pages")
    assert pages == 3 and int(str(packed)) < int(str(raw)) / 2
    kept = sorted((tmp_path / "warehouse" / "news.pages").glob("*/*.html.gz"))
    assert len(kept) == 3 and "<html" in gzip.decompress(kept[0].read_bytes()).decode()
    original = dict(query(config_path, "SELECT article_id, text FROM articles"))
    requests_before = len(server.requests)

    with Warehouse(load_config(config_path).warehouse_path).writing() as con:  # as if an old extractor had run
        con.execute("UPDATE articles SET text = 'stale', content_hash = 'stale', word_count = 1")
    assert cli.main(["reextract", "--config", str(config_path)]) == 0
    assert "3 changed" in capsys.readouterr().out
    assert dict(query(config_path, "SELECT article_id, text FROM articles")) == original
    assert query(config_path, "SELECT count(*) FROM articles WHERE word_count < 100") == [(0,)]
    assert len(server.requests) == requests_before, "reextract fetches nothing"


def test_keep_html_off_stores_no_pages(tmp_path: Path, server: LocalServer) -> None:
    config_path = ingest_site(tmp_path, server, 2, "keep_html = false")
    assert query(config_path, "SELECT count(*) FROM pages") == [(0,)]
    assert query(config_path, "SELECT count(*) FROM articles") == [(2,)]
    assert not (tmp_path / "warehouse" / "news.pages").exists()


def test_budget_drops_the_oldest_pages(tmp_path: Path, server: LocalServer) -> None:
    config_path = ingest_site(tmp_path, server, 3)
    from newsflow import warehouse

    with Warehouse(load_config(config_path).warehouse_path).writing() as con:
        newest = con.execute("SELECT compressed_bytes FROM pages ORDER BY fetched_at DESC, article_id LIMIT 1")
        budget = int(newest.fetchall()[0][0])
        assert len(warehouse.prune_pages(con, budget)) == 2
    assert query(config_path, "SELECT count(*) FROM pages") == [(1,)]


def test_a_run_past_the_budget_deletes_the_oldest_files(tmp_path: Path, server: LocalServer) -> None:
    config_path = ingest_site(tmp_path, server, 2)
    pages_dir = tmp_path / "warehouse" / "news.pages"
    assert len(list(pages_dir.glob("*/*.html.gz"))) == 2
    config_path.write_text(config_path.read_text().replace("[extract]", "[extract]\nhtml_budget_mb = 0"))
    asyncio.run(run_ingest(load_config(config_path), "run-2"))
    assert query(config_path, "SELECT count(*) FROM pages") == [(0,)]
    assert list(pages_dir.glob("*/*.html.gz")) == []


def test_reextract_skips_a_truncated_or_corrupt_page_and_does_the_rest(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = ingest_site(tmp_path, server, 3)
    kept = sorted((tmp_path / "warehouse" / "news.pages").glob("*/*.html.gz"))
    kept[0].write_bytes(kept[0].read_bytes()[:40])  # truncated mid-stream
    kept[1].write_bytes(b"\x1f\x8b\x08\x00 not really gzip")  # a gzip header, then garbage
    with Warehouse(load_config(config_path).warehouse_path).writing() as con:
        con.execute("UPDATE articles SET text = 'stale', content_hash = 'stale', word_count = 1")
    assert cli.main(["reextract", "--config", str(config_path)]) == 0
    out = capsys.readouterr().out
    assert "re-extracted 1 of 3 articles: 1 changed" in out and "2 unreadable" in out
    skipped = [line for line in out.splitlines() if line.startswith("skipped")]
    assert sorted(line.split()[1] for line in skipped) == sorted(str(p) for p in kept[:2])
    assert query(config_path, "SELECT count(*) FROM articles WHERE text = 'stale'") == [(2,)]
