"""One wire story on three outlets is one story; `newsflow stories` lists it with its spread."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, centcom_story, generated_story, rss_feed

RSS = "application/rss+xml"


@pytest.fixture
def outlets() -> Iterator[list[LocalServer]]:
    servers = [LocalServer(host=f"127.0.0.{n}") for n in (1, 2, 3)]
    yield servers
    for server in servers:
        server.close()


def publish(server: LocalServer, site: Site, stories: list[tuple[str, bytes]], delay_hours: int) -> str:
    wire = centcom_story()
    items = []
    for slug, page in stories:
        server.add(f"/news/{slug}", Page(page))
        items.append((slug, f"/news/{slug}", wire.published + timedelta(hours=delay_hours)))
    server.add("/rss.xml", Page(rss_feed(site.name, items), RSS))
    return server.url("/rss.xml")


def test_wire_copies_across_outlets_are_one_story(
    tmp_path: Path, outlets: list[LocalServer], capsys: pytest.CaptureFixture[str]
) -> None:
    wire = centcom_story()
    dateline = replace(wire, paragraphs=("WASHINGTON (AP) — " + wire.paragraphs[0], *wire.paragraphs[1:]))
    cut = replace(wire, paragraphs=(*wire.paragraphs[:-1], "Follow our live coverage for updates."))
    feeds = {}
    for n, (server, story, headline) in enumerate([
        (outlets[0], wire, None),
        (outlets[1], dateline, "Pentagon hits militia sites in Syria"),
        (outlets[2], cut, "US launches airstrikes in eastern Syria"),
    ]):
        site = Site(f"Outlet {n}")
        story = replace(story, published=wire.published + timedelta(hours=n))  # outlet 0 runs it first
        other = generated_story(100 + n)
        feeds[f"outlet{n}"] = publish(server, site, [
            ("centcom.html", site.article_page(story, headline=headline)),
            (f"{other.slug}.html", site.article_page(other)),
        ], delay_hours=n)
    config_path = write_config(tmp_path, "", {name: url for name, url in feeds.items()})
    config = load_config(config_path)
    summary = asyncio.run(run_ingest(config, "run-1"))
    assert summary.counts.articles_stored == 6

    rows = run_read_query(Warehouse(config.warehouse_path),
                          "SELECT story_id, n_articles, n_sources FROM stories ORDER BY n_articles DESC").rows
    assert rows[0][1:] == (3, 3), "the three copies are one story from three sites"
    assert [r[1] for r in rows[1:]] == [1, 1, 1], "the unrelated stories stay apart"

    assert cli.main(["stories", "--config", str(config_path), "--limit", "2", "--format", "json"]) == 0
    top = json.loads(capsys.readouterr().out)
    assert len(top) == 2 and top[0]["outlets"] == 3 and top[0]["story_id"] == rows[0][0]
    assert top[0]["first_outlet"] == "127.0.0.1" and top[0]["spread"] == 7200  # seconds (review of "Analyst 49")
