"""Servers that break pipelines in ways the rest of tests/hostile/ does not cover (red team 5).

Each test is one server and what the run must make of it; the docstring says what broke before
the fix beside it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import duckdb
import pytest

from newsflow import cli_run
from newsflow.cli import main
from newsflow.config import load_config
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.servers import sequence
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed
from tests.test_unstoppable import query
from tests.world.child import direct_run

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


def snapshot(path: Path) -> dict[str, bytes]:
    """The bytes of `path`, a file or every file under a folder."""
    if path.is_file():
        return {"": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("replaced_by", ["a folder", "another DuckDB database"])
def test_a_warehouse_replaced_by_what_is_not_one_is_one_line_exit_3_and_left_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], replaced_by: str
) -> None:
    """Between two runs the warehouse file was replaced: by a folder (a restore gone wrong), or by
    another program's DuckDB database (a path mixed up). Before, the folder was `Is a directory`,
    exit 1 and no hint; the database got newsflow's bookkeeping tables written into it, then a
    traceback (`Table with name "feeds" already exists`), exit 1, on every run."""
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"courier": "/feed.xml"})
    path = load_config(config_path).warehouse_path
    path.parent.mkdir(parents=True)
    if replaced_by == "a folder":
        path.mkdir()
        (path / "notes.txt").write_text("someone's files")
    else:
        con = duckdb.connect(str(path))
        con.execute("CREATE TABLE feeds AS SELECT 'theirs' AS owner")
        con.close()
    before = snapshot(path)
    monkeypatch.setattr(cli_run, "flow_command", lambda name: direct_run)  # the run without its Prefect flow
    code = main(["run", "--config", str(config_path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 3 and len(err) == 1, err
    assert "move" in err[0] and str(path) in err[0]
    assert snapshot(path) == before
