"""By hand (Prefect 58, item 1): a real `newsflow run` or `newsflow serve` stopped (SIGTERM) while its run fetches,
its Prefect API (a real server, behind `apiproxy.ApiProxy`) misbehaving from the signal on. Prints one JSON line:
the exit code, the command's lines after the signal, the seconds from the signal to its exit, the flow run's final
state history (read from the real server once the command has ended) and the warehouse's `runs` rows.

    uv run python -m tests.hostile.stopped_api_outcomes MODE COMMAND API_URL OUTDIR [CHECKOUT]

MODE: `cut` (every call but /health cut), `500`, `503` (answered so), `hold` (taken, never answered),
`restart13` (every call, /health too, cut for 13 s, then the server's answers again); `none` and `group`, no fault
(`group`: the signal to the command's whole process group). COMMAND: `run` or `serve`.
API_URL: a Prefect server of the caller's own (`http://127.0.0.1:PORT/api`); never the test session's. CHECKOUT:
the newsflow checkout to run (default: this one; /work/base49 for an A/B). The stopped run's fetch is held by its
own request (the article's handler waits on an event the script sets after the signal): no sleep decides when."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import write_config
from tests.hostile.apiproxy import HOLD, ApiProxy
from tests.localserver import LocalServer, Page, send_bytes
from tests.sitefactory import Site, generated_story, rss_feed

ALL_BUT_HEALTH = rb"^(GET|POST|PATCH|PUT|DELETE) /api/(?!health)"
EVERY_CALL = rb"^(GET|POST|PATCH|PUT|DELETE) /api/"
RESTART_S = 13.0
FAULTS: dict[str, tuple[bytes, int | None]] = {
    "cut": (ALL_BUT_HEALTH, None), "500": (ALL_BUT_HEALTH, 500), "503": (ALL_BUT_HEALTH, 503),
    "hold": (ALL_BUT_HEALTH, HOLD), "restart13": (EVERY_CALL, None)}
# No fault: the signal to the command alone (`none`), or to its whole process group (`group`: a terminal's Ctrl-C,
# `kill -TERM -PGID`; systemd's stop signals the unit's whole cgroup), a served run's process included.
HEALTHY = ("none", "group")
EXIT_WAIT_S = 400.0  # a command still there after this is killed, and said so (a hang)


def held_site(server: LocalServer, asked: threading.Event, release: threading.Event) -> str:
    site, items = Site("Wire"), []
    for n in range(3):
        story = generated_story(n)
        page = site.article_page(story)
        text = page if isinstance(page, str) else page.decode()

        def held(handler: object, text: str = text) -> None:
            asked.set()
            release.wait(120)
            send_bytes(handler, 200, text.encode(), "text/html; charset=utf-8")  # type: ignore[arg-type]

        server.add(f"/a/{story.slug}", held)
        items.append((story.title, f"/a/{story.slug}", story.published))
    server.add("/feed.xml", Page(rss_feed("Wire", items), "application/rss+xml"))
    return "/feed.xml"


def api_get(api_url: str, path: str, body: dict[str, object] | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(api_url + path, data=data, method="GET" if body is None else "POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def flow_run_history(api_url: str, since: str, run_ids: list[str]) -> list[dict[str, object]]:
    """The flow runs of the warehouse's rows, or those started since `since` (a run with no row)."""
    which = {"id": {"any_": run_ids}} if run_ids else {"start_time": {"after_": since}}
    runs = api_get(api_url, "/flow_runs/filter", {
        "flows": {"name": {"any_": ["ingest"]}}, "flow_runs": which,
        "sort": "EXPECTED_START_TIME_DESC", "limit": 5})
    found = []
    for run in runs if isinstance(runs, list) else []:
        states = api_get(api_url, f"/flow_run_states/?flow_run_id={run['id']}")
        kinds = [s["type"] for s in sorted(states, key=lambda s: s["timestamp"])]  # type: ignore[union-attr]
        found.append({"id": run["id"], "state": run["state_type"], "history": kinds})
    return found


def runs_rows(warehouse: Path) -> list[tuple[object, ...]]:
    import duckdb

    if not warehouse.exists():
        return []
    with duckdb.connect(str(warehouse), read_only=True) as db:
        return [tuple(row) for row in db.execute("SELECT run_id, status FROM runs ORDER BY started_at").fetchall()]


def main(mode: str, command: str, api_url: str, out: Path, checkout: Path) -> dict[str, object]:
    out.mkdir(parents=True, exist_ok=True)
    asked, release = threading.Event(), threading.Event()
    server = LocalServer()
    config = write_config(out, server.base_url, {"wire": held_site(server, asked, release)})
    if command == "serve":
        with config.open("a", encoding="utf-8") as text:
            text.write("\n[schedule]\ninterval = 2\n\n[execution]\nrun_budget_seconds = 60\n")
    proxy = ApiProxy(int(urlsplit(api_url).port or 0))
    env = dict(os.environ, PREFECT_API_URL=f"http://127.0.0.1:{proxy.port}/api",
               PYTHONPATH=f"{checkout}:{checkout}/src", PREFECT_RUNNER_POLL_FREQUENCY="1")
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 5))
    process = subprocess.Popen([sys.executable, "-m", "newsflow", command, "--config", str(config)], cwd=out,
                               env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    lines: list[tuple[float, str]] = []
    sent = [0.0]

    def read_lines() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append((round(time.monotonic() - sent[0], 1) if sent[0] else -1.0, line.rstrip()[:300]))

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    if not asked.wait(240):
        process.kill()
        return {"mode": mode, "command": command, "error": "no article asked", "lines": lines}
    if mode not in HEALTHY:
        proxy.fail(*FAULTS[mode])
    sent[0] = time.monotonic()
    if mode == "group":
        os.killpg(process.pid, signal.SIGTERM)  # its own session (start_new_session): the group is its own
    else:
        process.send_signal(signal.SIGTERM)
    release.set()
    if mode == "restart13":
        healing = threading.Timer(RESTART_S, proxy.heal)  # the fault's own length, not a wait on the command
        healing.daemon = True
        healing.start()
    try:
        code: int | str = process.wait(EXIT_WAIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        code = f"still there after {EXIT_WAIT_S:g} s (killed)"
    exit_s = round(time.monotonic() - sent[0], 1)
    reader.join(5)
    with_own_line = [f"{at} {line}" for at, line in lines if line.startswith("newsflow") and "Prefect UI" not in line]
    tracebacks = sum("Traceback" in line for _, line in lines)
    result = {"mode": mode, "command": command, "exit": code, "exit_s": exit_s, "lines": with_own_line,
              "tracebacks": tracebacks, "other_lines": len(lines) - len(with_own_line),
              "rows": (rows := runs_rows(out / "warehouse" / "news.duckdb")),
              "flow_runs": flow_run_history(api_url, since, [str(row[0]) for row in rows])}
    (out / "stderr.txt").write_text("\n".join(f"{at} {line}" for at, line in lines), encoding="utf-8")
    proxy.close()
    server.close()
    return result


if __name__ == "__main__":
    here = Path(__file__).resolve().parents[2]
    outcome = main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]),
                   Path(sys.argv[5]) if len(sys.argv) > 5 else here)
    print(json.dumps(outcome, default=str))
