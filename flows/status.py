"""`newsflow status`: whether a service serves this config's warehouse, its schedule, and the last runs.

It starts nothing: the Prefect API asked is the configured one or the local server an earlier command
started, if it answers. Where no service lives and the schedule this machine served is still active (a
`newsflow serve` killed outright), it pauses it and says so, as the next `newsflow run` would (flows/unserved.py);
a schedule left active that it may not pause (made by an older newsflow, or served from another machine) is said
plainly, with what to do. The runs come from the warehouse (newsflow/runhistory.py), not from Prefect.

Prefect is imported only where its client is needed: a configured API (it may want credentials, which Prefect's
settings hold), or a schedule to pause. The local server newsflow started (loopback, no Prefect credentials
configured) is read with one plain GET
(flows/deployments.py): a status while the service serves costs ~0.4 cpu-s, not ~1.6.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime

from flows import configure_prefect_environment, configured_api_url
from flows.deployments import (
    DeploymentSeen,
    DeploymentUnread,
    deployment_name,
    read_deployment,
    this_host,
)
from flows.localserver import health_answer, prefect_home, reusable_server, sends_credentials
from flows.loopback import is_loopback, reach_directly
from newsflow.config import Config, load_config
from newsflow.launch import signals_interrupt_while_loading
from newsflow.runhistory import run_history_lines, served_every_s
from newsflow.runlock import serving_pid

ASK_WITHIN_S = 5.0
EXIT_PREFECT = 4  # flows/cli.py's (importing it imports Prefect): the Prefect API asked failed the question


def cmd_status(args: argparse.Namespace) -> int:
    """0 once every line is said; 4 where the schedule's state could not be had from the Prefect API, else 3 where
    the warehouse exists and cannot be read."""
    config = getattr(args, "checked_config", None) or load_config(args.config)  # `newsflow status` read it
    serving = serving_pid(config.warehouse_path)
    print(service_line(config, serving))
    line, code = schedule_line(config, serving)
    print(line)
    interval_s = served_every_s(config.schedule) if serving is not None else 0
    runs, runs_code = run_history_lines(config.warehouse_path, datetime.now(UTC), interval_s)
    print("\n".join(runs))
    return code or runs_code


def service_line(config: Config, serving: str | None) -> str:
    if serving is None:
        return f"service: no `newsflow serve` serves {config.warehouse_path}"
    return f"service: newsflow serve{f' (pid {serving})' if serving else ''} serves {config.warehouse_path}"


def answering_api() -> str | None:
    """The configured API if it answers, else the local server an earlier command started, if it answers."""
    if url := configured_api_url():
        return url if health_answer(url, timeout_s=ASK_WITHIN_S) is not None else None
    return reusable_server(prefect_home(), wait_s=ASK_WITHIN_S)


def schedule_line(config: Config, serving: str | None) -> tuple[str, int]:
    url = answering_api()
    if url is None:
        if configured := configured_api_url():
            return (f"schedule: the Prefect API at {configured} (PREFECT_API_URL) does not answer, so no run is "
                    "scheduled now", EXIT_PREFECT)
        return ("schedule: no local Prefect server runs (`newsflow run` or `serve` starts one), so no run is "
                "scheduled now", 0)
    reach_directly(url)  # a loopback API: Prefect's client, if asked, must not go through the proxy either
    name = deployment_name(config.path)
    if configured_api_url() is None and is_loopback(url) and not sends_credentials():
        # the local server an earlier command started, no credentials: what Prefect's client would send, it sends
        try:
            seen = read_deployment(url, name, ASK_WITHIN_S)
        except DeploymentUnread as exc:
            return f"schedule: the Prefect API at {url} did not say ({exc})", EXIT_PREFECT
        if not (seen.exists and not seen.paused and serving is None):  # nothing to pause: no Prefect import
            return described(config, name, seen, url, serving), 0
    return asked_through_prefect(config, name, url, serving)


def asked_through_prefect(config: Config, name: str, url: str, serving: str | None) -> tuple[str, int]:
    configure_prefect_environment()
    with signals_interrupt_while_loading():  # as the CLI's own imports: a SIGTERM in Prefect's is one line, 130
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from flows.unserved import deployment_seen, pause_a_schedule_no_service_serves

    with temporary_settings({PREFECT_API_URL: url}):
        if (said := pause_a_schedule_no_service_serves(config, name)) is not None:
            return f"schedule: {said}", 0
        try:
            seen = asyncio.run(asyncio.wait_for(deployment_seen(name), ASK_WITHIN_S * 4))
        except Exception as exc:  # a 5xx, a key refused, a server gone since its health answered
            said = " ".join(str(exc).split())
            return f"schedule: the Prefect API at {url} did not say ({type(exc).__name__}: {said})", EXIT_PREFECT
    return described(config, name, seen, url, serving), 0


def described(config: Config, name: str, seen: DeploymentSeen, url: str, serving: str | None) -> str:
    where = f"(Prefect API at {url})"
    if not seen.exists:
        return f"schedule: ingest/{name} does not exist (`newsflow serve` creates it) {where}"
    if seen.paused or serving is not None:
        return f"schedule: ingest/{name} {'paused' if seen.paused else 'active'} {where}"
    # Active, and no service of this warehouse lives: its runs go Late for no runner (a service killed outright)
    start = f"start `newsflow serve --config {config.path}` to serve it, or pause it in Prefect's UI"
    if (host := seen.served_from) is None:
        return (f"schedule: ingest/{name} active {where} with no `newsflow serve` running: its runs go Late and none "
                f"starts (made by a newsflow before red team 40, so not paused here); {start}")
    if host != this_host():
        return (f"schedule: ingest/{name} active {where}, served from the machine {host}: no `newsflow serve` serves "
                f"{config.warehouse_path} here; if none runs on {host} either, its runs go Late; {start}")
    return (f"schedule: ingest/{name} active {where} with no `newsflow serve` running (the service ended without "
            f"stopping, and pausing it failed just now: the next `status` or `run` tries again); {start}")
