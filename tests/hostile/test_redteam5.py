"""Servers that break pipelines in ways the rest of tests/hostile/ does not cover (red team 5).

Each test is one server and what the run must make of it; the docstring says what broke before
the fix beside it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.servers import sequence
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query

pytestmark = pytest.mark.timeout(120)


def test_an_article_answered_once_with_an_empty_body_is_fetched_again(tmp_path: Path, server: LocalServer) -> None:
    """A server (a CDN between origin timeouts, a CMS mid-deploy) answers 200 with no body at all,
    then the page. Before, the empty page was `extract_empty`, an outcome taken as final: the entry
    was parked on its first try and the article never stored."""
    story = generated_story(1)
    page = Site("Courier").article_page(story)
    server.add("/a/1", sequence((200, {}, b""), (200, {}, page)))
    server.add("/feed.xml", Page(rss_feed("Courier", [(story.title, "/a/1", story.published)]), "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"})
    first = asyncio.run(run_ingest(load_config(config_path), "empty"))
    assert (first.counts.articles_stored, first.counts.articles_parked) == (0, 0)
    [(outcome, attempts, parked, error)] = query(config_path, "SELECT last_outcome, fetch_attempts, parked_at, "
                                                              "last_error FROM entries")
    assert (outcome, attempts, parked) == ("extract_empty", 1, None)
    assert "empty page" in str(error)
    second = asyncio.run(run_ingest(load_config(config_path), "whole"))
    assert second.counts.articles_stored == 1
