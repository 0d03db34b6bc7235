"""`newsflow status`: whether a service serves this config's warehouse, and its schedule, in a line each.

It starts nothing: the Prefect API asked is the configured one or the local server an earlier command
started, if it answers. Where no service lives and the schedule this machine served is still active (a
`newsflow serve` killed outright), it pauses it and says so, as the next `newsflow run` would (flows/unserved.py).
"""

from __future__ import annotations

import argparse
import asyncio

from flows import configure_prefect_environment, configured_api_url
from flows.cli import EXIT_PREFECT  # as `run` and `serve`: the Prefect API asked does not answer, or answered an error
from flows.localserver import health_answer, prefect_home, reusable_server
from flows.unserved import deployment_name, pause_a_schedule_no_service_serves
from newsflow.config import Config, load_config
from newsflow.runlock import serving_pid

ASK_WITHIN_S = 5.0


def cmd_status(args: argparse.Namespace) -> int:
    """0 once both lines are said; 4 where the schedule's state could not be had from the Prefect API."""
    config = getattr(args, "checked_config", None) or load_config(args.config)  # `newsflow status` read it
    print(service_line(config))
    line, code = schedule_line(config)
    print(line)
    return code


def service_line(config: Config) -> str:
    if (pid := serving_pid(config.warehouse_path)) is None:
        return f"service: no `newsflow serve` serves {config.warehouse_path}"
    return f"service: newsflow serve{f' (pid {pid})' if pid else ''} serves {config.warehouse_path}"


def answering_api() -> str | None:
    """The configured API if it answers, else the local server an earlier command started, if it answers."""
    if url := configured_api_url():
        return url if health_answer(url, timeout_s=ASK_WITHIN_S) is not None else None
    return reusable_server(prefect_home(), wait_s=ASK_WITHIN_S)


def schedule_line(config: Config) -> tuple[str, int]:
    name = deployment_name(config.path)
    url = answering_api()
    if url is None:
        if configured := configured_api_url():
            return (f"schedule: the Prefect API at {configured} (PREFECT_API_URL) does not answer, so no run is "
                    "scheduled now", EXIT_PREFECT)
        return ("schedule: no local Prefect server runs (`newsflow run` or `serve` starts one), so no run is "
                "scheduled now", 0)
    configure_prefect_environment()
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: url}):
        if (said := pause_a_schedule_no_service_serves(config, name)) is not None:
            return f"schedule: {said}", 0
        try:
            state = asyncio.run(asyncio.wait_for(schedule_state(name), ASK_WITHIN_S * 4))
        except Exception as exc:  # a 5xx, a key refused, a server gone since its health answered
            said = " ".join(str(exc).split())
            return f"schedule: the Prefect API at {url} did not say ({type(exc).__name__}: {said})", EXIT_PREFECT
        return f"schedule: ingest/{name} {state} (Prefect API at {url})", 0


async def schedule_state(name: str) -> str:
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    async with get_client() as client:
        try:
            deployment = await client.read_deployment_by_name(f"ingest/{name}")
        except ObjectNotFound:
            return "does not exist (`newsflow serve` creates it)"
    return "paused" if deployment.paused else "active"
