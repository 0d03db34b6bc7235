"""A schedule a service left active when it ended without stopping is paused by the next `newsflow run`.

`newsflow serve` pauses its schedule as it stops (SIGTERM, Ctrl-C). Killed outright (SIGKILL: systemd's last
word, the OOM killer; a power cut), it leaves the schedule active with no runner: the Prefect server goes on
planning runs nobody takes, and they pile up Late until the next `newsflow serve`. Before red team 40 nothing
said so, and a run could not tell a dead service from a live one elsewhere (docs/security.md, red team 38b).

Now a command takes the warehouse's service lock without waiting (`newsflow.runlock.no_service_alive`): the
kernel drops a killed service's `flock`, so taking it means no service of this warehouse lives, on this
machine or any sharing the lock file; and while it is held no service can start (a starting `serve` waits
for it), so the pause cannot race a restarted service, which re-creates and resumes its deployment after.
The deployment must also say it was served from this machine (`SERVED_FROM` tag, set by `serve`): the same
config path on another machine, with a warehouse of its own, names the same deployment, and its live
service's schedule is not ours to pause. The pause deletes the runs Prefect planned ahead, and
`delete_stale_runs` those it left due (Late), as a starting service does.
"""

from __future__ import annotations

import asyncio
import logging

from prefect import get_client
from prefect.exceptions import ObjectNotFound

from flows.deployments import DeploymentSeen, served_from_here
from flows.staleruns import delete_stale_runs
from newsflow.config import Config
from newsflow.runlock import no_service_alive

CHECK_WITHIN_S = 20.0  # the API calls under the lock: a starting `serve` waits for them (runlock)
log = logging.getLogger(__name__)


async def deployment_seen(name: str) -> DeploymentSeen:
    """What Prefect's client reads of `ingest/<name>` (a configured API: its credentials are Prefect's settings)."""
    async with get_client() as client:
        try:
            deployment = await client.read_deployment_by_name(f"ingest/{name}")
        except ObjectNotFound:
            return DeploymentSeen(exists=False)
    return DeploymentSeen(exists=True, paused=bool(deployment.paused), tags=tuple(deployment.tags or ()))


async def pause_if_unserved(name: str) -> int | None:
    """Pause the deployment `ingest/<name>` if it is active and was served from this machine; how many runs it
    had left due went with the pause, or None when there was nothing to pause. Call it holding the lock."""
    async with get_client() as client:
        try:
            deployment = await client.read_deployment_by_name(f"ingest/{name}")
        except ObjectNotFound:
            return None
        if deployment.paused or served_from_here() not in (deployment.tags or []):
            return None
        await client.pause_deployment(deployment.id)  # deletes the runs planned ahead
        return await delete_stale_runs(client, deployment.id)  # and those the pause's race or the past left


def pause_a_schedule_no_service_serves(config: Config, name: str) -> str | None:
    """The one line saying a schedule left active by a service that did not stop was paused, or None. A failure
    (a lost API, a 5xx, a slow answer) costs the check only: the next command checks again."""
    with no_service_alive(config.warehouse_path) as none_alive:
        if not none_alive:
            return None
        try:
            left = asyncio.run(asyncio.wait_for(pause_if_unserved(name), CHECK_WITHIN_S))
        except Exception as exc:
            log.debug("could not check the schedule of ingest/%s: %s: %s", name, type(exc).__name__, exc)
            return None
    if left is None:
        return None
    return (f"the schedule of ingest/{name} was still active with no `newsflow serve` running (the service ended "
            f"without stopping: killed, or its machine went down); paused it and deleted {left} run(s) it had "
            "left due; start `newsflow serve` again to serve it")
