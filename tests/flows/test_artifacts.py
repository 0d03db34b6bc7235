"""What each run reports: a markdown artifact with per-feed counts, the same totals in `runs`,
what the run parked or left for later runs, and newsflow's log lines in the flow run's logs (so
the Prefect UI shows them)."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from uuid import UUID

import pytest
from flows.ingest import REPORT_KEY, ingest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, LogFilter, LogFilterFlowRunId
from prefect.client.schemas.objects import Artifact, Log
from prefect.exceptions import CancelledRun
from prefect.logging.handlers import APILogHandler

from newsflow import queries
from newsflow.config import load_config
from newsflow.warehouse import Warehouse, run_read_query, sql_root
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, generated_story, rss_feed

pytestmark = pytest.mark.usefixtures("prefect_api")


def add_news_site(server: LocalServer, name: str, seeds: range, *, broken: int | None = None) -> str:
    """An RSS feed of generated stories at /<name>/rss.xml; the `broken` story's page 404s."""
    site, items = Site(name.title()), []
    for seed in seeds:
        story = generated_story(seed)
        if seed != broken:
            server.add(f"/{name}/{story.slug}.html", Page(site.article_page(story)))
        items.append((story.title, server.url(f"/{name}/{story.slug}.html"), story.published))
    return server.add(f"/{name}/rss.xml", Page(rss_feed(name, items), "application/rss+xml")).removeprefix(
        server.base_url)


def rows(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


async def run_artifacts_and_logs(run_id: str) -> tuple[list[Artifact], list[Log]]:
    await APILogHandler.aflush()  # logs go to the API in batches
    async with get_client() as client:
        run_filter = LogFilter(flow_run_id=LogFilterFlowRunId(any_=[UUID(run_id)]))
        logs = await client.read_logs(log_filter=run_filter)
        artifacts = await client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(run_id)])))
    return artifacts, logs


def table_rows(markdown: str) -> dict[str, list[str]]:
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in markdown.splitlines() if line.startswith("| ")]
    return {row[0]: row[1:] for row in cells[1:]}  # skip the header row


def test_each_run_publishes_per_feed_report_matching_runs_row(tmp_path: Path, server: LocalServer) -> None:
    feeds = {"alpha": add_news_site(server, "alpha", range(1, 4)),
             "beta": add_news_site(server, "beta", range(20, 23), broken=21), "gone": "/gone/rss.xml"}
    config_path = write_config(tmp_path, server.base_url, feeds)

    result = asyncio.run(ingest(config_path=str(config_path)))
    assert isinstance(result, dict)
    artifacts, logs = asyncio.run(run_artifacts_and_logs(result["run_id"]))

    assert [a.key for a in artifacts] == [REPORT_KEY] and artifacts[0].type == "markdown"
    report = str(artifacts[0].data)
    per_feed = table_rows(report)
    assert per_feed["alpha"][:5] == ["ok", "3", "3", "3", "0"]
    assert per_feed["beta"][:5] == ["ok", "3", "3", "2", "1"], "the 404 article is counted as failed"
    assert per_feed["gone"][0] == "soft" and per_feed["gone"][1:5] == ["0", "0", "0", "0"]
    assert re.fullmatch(r"\d+", per_feed["alpha"][5]), "poll duration in ms"
    runs_row = rows(config_path, "SELECT status, feeds_polled, feeds_failed, entries_new, articles_stored, "
                                 f"articles_failed FROM runs WHERE run_id = '{result['run_id']}'")
    assert runs_row == [("completed", 3, 1, 6, 5, 1)]
    total = per_feed["**total**"]
    assert total[0] == "3 polled, 0 not modified, 1 failed" and total[1:5] == ["6", "6", "5", "1"]
    assert f"completed in {result['elapsed_s']:.1f} s" in report
    assert "This run parked nothing." in report and "Every article still to fetch was tried." in report
    assert any(log.name.startswith("newsflow.") and log.level == logging.INFO for log in logs), \
        "newsflow's own INFO lines reach the run's logs"
    assert any(log.message.startswith(f"run {result['run_id']} completed") for log in logs)


def test_run_that_finds_the_warehouse_held_ends_cancelled_and_is_recorded_as_skipped(
    tmp_path: Path, server: LocalServer
) -> None:
    config_path = write_config(tmp_path, server.base_url, {"alpha": add_news_site(server, "alpha", range(1, 2))})
    with Warehouse(load_config(config_path).warehouse_path).run_lock():  # as another run would
        state = asyncio.run(ingest(config_path=str(config_path), return_state=True))
        with pytest.raises(CancelledRun, match="skipped: another newsflow run"):
            asyncio.run(ingest(config_path=str(config_path)))
    assert state.is_cancelled() and "another newsflow run" in str(state.message)
    [(run_id, status, error), _] = rows(config_path, "SELECT run_id, status, error FROM runs ORDER BY started_at")
    assert status == "skipped" and str(error).startswith("skipped: another newsflow run")
    assert rows(config_path, "SELECT count(*) FROM entries") == [(0,)]
    artifacts, logs = asyncio.run(run_artifacts_and_logs(str(run_id)))
    assert "skipped" in str(artifacts[0].data)
    assert any("skipped" in log.message for log in logs)


def section(markdown: str, heading: str) -> tuple[str, list[list[str]]]:
    """The heading line that starts with `heading`, and the rows of the table under it."""
    text = markdown[markdown.index(heading):]
    text = text.split("\n### ", 1)[0]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("| ")]
    return text.splitlines()[0], cells[1:]


def named_rows(config_path: Path, name: str, run_id: str) -> list[tuple[object, ...]]:
    named = queries.load_query(sql_root() / "queries", name)
    store = Warehouse(load_config(config_path).warehouse_path)
    return run_read_query(store, named.sql, queries.bind_params(named, [f"run_id={run_id}"])).rows


def test_report_lists_what_the_run_parked_and_what_its_cap_left_for_later(tmp_path: Path, server: LocalServer) -> None:
    """One feed: its entries share a first-seen time, so the cap takes them by canonical URL; the
    brochure (a PDF: parked at once, `not_html`) sorts first, then two of the four stories."""
    site, items = Site("Alpha"), []
    brochure = server.add("/alpha/0-brochure.html", Page(b"%PDF-1.4 not a page", "application/pdf"))
    items.append(("Our brochure", brochure, generated_story(1).published))
    for seed in range(1, 5):
        story = generated_story(seed)
        items.append((story.title, server.add(f"/alpha/{story.slug}.html", Page(site.article_page(story))),
                      story.published))
    feed = server.add("/alpha/rss.xml", Page(rss_feed("alpha", items), "application/rss+xml"))
    config_path = write_config(tmp_path, "", {"alpha": feed})
    with config_path.open("a", encoding="utf-8") as config_file:
        config_file.write("\n[execution]\nmax_articles_per_run = 3\n")

    result = asyncio.run(ingest(config_path=str(config_path)))
    assert isinstance(result, dict)
    assert (result["articles_parked"], result["articles_deferred"], result["articles_stored"]) == (1, 2, 2)
    artifacts, _ = asyncio.run(run_artifacts_and_logs(result["run_id"]))
    report = str(artifacts[0].data)

    heading, parked = section(report, "### Parked")
    assert heading == "### Parked: 1 articles"
    assert [row[:4] for row in parked] == [["alpha", brochure, "1", "not_html"]]
    assert "0-brochure.html" in parked[0][4], "the last error names the URL"
    heading, deferred = section(report, "### Left for later runs")
    assert heading == "### Left for later runs: 2 articles, 0 due feeds"
    assert "`execution.max_articles_per_run` = 3" in report
    assert [row[:2] for row in deferred] == [["alpha", "2"]]
    # The same rows as the named queries the report names
    assert [(r[0], r[1], str(r[2]), r[3]) for r in named_rows(config_path, "run_parked", result["run_id"])] == [
        ("alpha", brochure, "1", "not_html")]
    assert [r[:2] for r in named_rows(config_path, "run_deferred", result["run_id"])] == [("alpha", 2)]
