"""`newsflow run` end to end: a real loopback site, a real DuckDB file, a real Prefect flow run
on the session's Prefect server, with its task runs and its artifact."""

from __future__ import annotations

import json
import time
from pathlib import Path
from uuid import UUID

import pytest
from flows.ingest import REPORT_KEY

from newsflow import cli
from newsflow.config import load_config
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, atom_feed, centcom_story, generated_story, rss_feed

pytestmark = pytest.mark.usefixtures("prefect_api")

RSS = "application/rss+xml"


def build_sites(server: LocalServer) -> dict[str, str]:
    """Two outlets sharing a wire story, one feed that 404s, one that serves garbage."""
    planet, gazette = Site("Daily Planet"), Site("The Gazette", nav=("Home", "News", "Opinion"))
    wire = centcom_story()
    planet_items = []
    for story in [generated_story(n) for n in range(1, 5)] + [wire]:
        server.add(f"/planet/{story.slug}.html", Page(planet.article_page(story)))
        planet_items.append((story.title, f"{story.slug}.html", story.published))  # relative links
    server.add("/planet/rss.xml", Page(rss_feed("Daily Planet", planet_items), RSS))
    gazette_items = []
    for story in [generated_story(n) for n in range(10, 12)] + [wire]:
        headline = None if story is wire else "Gazette: " + story.title  # the wire copy is verbatim
        server.add(f"/gazette/{story.slug}", Page(gazette.article_page(story, headline=headline)))
        gazette_items.append((story.title, server.url(f"/gazette/{story.slug}"), story.published))
    # The same Planet article again, behind tracking parameters: one article, not two.
    gazette_items.append(("Seen elsewhere", server.url("/planet/story-1.html?utm_source=gz&fbclid=x"), wire.published))
    server.add("/gazette/atom.xml", Page(atom_feed("The Gazette", gazette_items), "application/atom+xml"))
    server.add("/garbage.xml", Page(b"\x00\x01 this is not a feed \xff", "application/rss+xml"))
    return {"planet": "/planet/rss.xml", "gazette": "/gazette/atom.xml",
            "missing": "/missing/feed.xml", "garbage": "/garbage.xml"}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, float]:
    started = time.monotonic()
    code = cli.main(args)
    return code, capsys.readouterr().out, time.monotonic() - started


def rows(config_path: Path, sql: str) -> list[tuple[object, ...]]:
    return run_read_query(Warehouse(load_config(config_path).warehouse_path), sql).rows


def flow_run_story(run_id: str) -> tuple[str, list[str], list[str]]:
    """The Prefect state of the flow run with this id, its task run names and its artifact keys."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(UUID(run_id))
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)])))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(run_id)])))
    state = flow_run.state.type.value if flow_run.state else "no state"
    return state, sorted(t.name.rsplit("-", 1)[0] for t in tasks), [str(a.key) for a in artifacts]


def test_run_is_a_completed_flow_run_under_the_warehouse_run_id_with_tasks_and_report(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, server.base_url, build_sites(server), extract={"batch_size": 4})
    code, _, _ = run_cli(["run", "--config", str(config_path)], capsys)
    assert code == 0
    [(run_id,)] = rows(config_path, "SELECT DISTINCT run_id FROM runs")
    assert {r[0] for r in rows(config_path, "SELECT DISTINCT run_id FROM articles")} == {run_id}
    assert {r[0] for r in rows(config_path, "SELECT DISTINCT run_id FROM fetch_events")} == {run_id}
    state, tasks, artifacts = flow_run_story(str(run_id))
    assert state == "COMPLETED"
    # One poll task and one task per batch: 8 articles in batches of 4.
    assert tasks == ["fetch-extract-load", "fetch-extract-load", "poll-feeds"]
    assert artifacts == [REPORT_KEY]


def test_run_stores_every_article_once_then_second_run_gets_304(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, server.base_url, build_sites(server))

    code, out, first_s = run_cli(["run", "--config", str(config_path)], capsys)
    assert code == 0, out
    assert "4 polled, 0 not modified, 2 failed" in out
    stored = rows(config_path, "SELECT canonical_url, text, word_count, story_id, article_id FROM articles")
    assert len(stored) == 8  # 5 Planet + 3 Gazette pages; the tracked duplicate link is the same URL
    assert all(text and not text.startswith("\n") and "\n\n\n" not in text for _, text, *_ in stored)
    assert all("Share this article" not in text and "Great article" not in text for _, text, *_ in stored)
    wire = [r for r in stored if "centcom" in str(r[0])]
    assert len(wire) == 2 and wire[0][3] == wire[1][3], "identical wire texts share a story"
    assert rows(config_path, "SELECT count(*) FROM entries WHERE article_id IS NULL") == [(0,)]

    code, out, second_s = run_cli(["run", "--config", str(config_path)], capsys)
    assert code == 0, out
    assert rows(config_path, "SELECT count(*) FROM articles") == [(8,)]
    second_run = rows(config_path, "SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")[0][0]
    outcomes = rows(config_path, f"SELECT feed_id, outcome FROM fetch_events WHERE run_id = '{second_run}' "
                                 "AND kind = 'feed' ORDER BY feed_id")
    assert dict(outcomes)["planet"] == "not_modified" and dict(outcomes)["gazette"] == "not_modified"
    assert "if-none-match" in server.hits("/planet/rss.xml")[-1].headers
    print(f"\nend-to-end: {len(stored)} articles; "
          f"first run {first_s:.1f} s, second run {second_s:.1f} s")


def test_failing_feeds_are_recorded_and_do_not_stop_the_others(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, server.base_url, build_sites(server))
    code, _, _ = run_cli(["run", "--config", str(config_path), "--feed", "missing", "--feed", "garbage",
                          "--feed", "gazette"], capsys)
    assert code == 0
    health = dict((r[0], r[1:]) for r in rows(
        config_path, "SELECT feed_id, last_status, last_outcome, consecutive_failures FROM feeds"))
    assert health["missing"] == ("soft", "http_error", 1)
    assert health["garbage"] == ("soft", "parse_error", 1)
    assert health["gazette"][0] == "ok"
    assert health["planet"] == (None, None, 0), "a feed not selected is not polled"
    events = rows(config_path, "SELECT feed_id, outcome, error FROM fetch_events WHERE kind = 'feed'")
    errors = {feed: (outcome, error) for feed, outcome, error in events}
    assert errors["missing"][0] == "http_error" and "/missing/feed.xml" in str(errors["missing"][1])
    assert errors["garbage"][0] == "parse_error" and "garbage" in str(errors["garbage"][1])
    assert rows(config_path, "SELECT count(*) FROM articles") == [(4,)]

    code, _, _ = run_cli(["feeds", "--config", str(config_path)], capsys)
    assert code == 0


def test_feeds_command_lists_health(tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_config(tmp_path, server.base_url, build_sites(server))
    assert cli.main(["feeds", "--config", str(config_path)]) == 0
    assert "never polled" in capsys.readouterr().out
    assert cli.main(["run", "--config", str(config_path), "--feed", "missing"]) == 0
    capsys.readouterr()
    assert cli.main(["feeds", "--config", str(config_path)]) == 0
    table = capsys.readouterr().out
    missing_line = next(line for line in table.splitlines() if line.startswith("missing"))
    assert "soft" in missing_line and "http_error" in missing_line


def test_output_modes_plain_json_and_quiet(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, server.base_url, build_sites(server))
    assert cli.main(["run", "--config", str(config_path), "--feed", "planet"]) == 0
    plain = capsys.readouterr()
    assert "polled 1 feeds: 0 not modified, 0 failed, 5 new entries" in plain.err
    assert "articles: 5 of 5 done, 5 stored, 0 failed" in plain.err
    assert "  articles  5 fetched, 5 stored, 0 failed, 0 duplicates" in plain.out

    assert cli.main(["run", "--config", str(config_path), "--feed", "planet", "--json"]) == 0
    scripted = capsys.readouterr()
    summary = json.loads(scripted.out)
    assert summary["status"] == "completed" and summary["feeds_not_modified"] == 1
    assert "polled" not in scripted.err

    assert cli.main(["run", "--config", str(config_path), "--feed", "planet", "--quiet"]) == 0
    quiet = capsys.readouterr()
    assert quiet.out == "" and "polled" not in quiet.err
