"""The served deployment's name and host tag, and a read of it over plain HTTP: none of it imports Prefect.

`newsflow status` asks the local Prefect server an earlier command started (no credentials, loopback) what
state the schedule is in with one GET, so a status while the service serves, or with its schedule paused, costs
no Prefect import (~1.3 cpu-s here). What changes anything (the pause of a schedule no service serves,
flows/unserved.py) still goes through Prefect's client.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from flows.loopback import open_url
from newsflow.errors import ConfigError

SERVED_FROM = "newsflow-served-from:"  # a tag of the served deployment: the machine its service runs on
READ_BYTES = 1 << 20  # a deployment's JSON is a few KB; a server sending more is not read whole
_UNSAFE_IN_A_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def deployment_name(config_path: Path) -> str:
    """`serve-<stem>-<8 hex digits>`, from the config's absolute path: one deployment per config,
    the same one across restarts (a config moved or renamed gets a new one)."""
    stem = _UNSAFE_IN_A_NAME.sub("-", config_path.stem).strip("-")[:40] or "config"
    digest = hashlib.sha256(str(config_path).encode("utf-8", "surrogateescape")).hexdigest()[:8]
    return f"serve-{stem}-{digest}"


def this_host() -> str:
    return socket.gethostname()


def served_from_here() -> str:
    return f"{SERVED_FROM}{this_host()}"


@dataclass(frozen=True)
class DeploymentSeen:
    """What one GET of `ingest/<name>` said; `exists` False for a 404."""

    exists: bool
    paused: bool = False
    tags: tuple[str, ...] = ()

    @property
    def served_from(self) -> str | None:
        """The machine whose `newsflow serve` made it, or None (a newsflow before red team 40 tagged none)."""
        return next((tag.removeprefix(SERVED_FROM) for tag in self.tags if tag.startswith(SERVED_FROM)), None)


class DeploymentUnread(Exception):
    """The API answered the read with an error, or with what is no deployment, or stopped answering."""

    def __init__(self, said: str, server_error: bool = False) -> None:
        super().__init__(said)
        self.server_error = server_error  # a 5xx: a busy server (SQLite locked under it) may answer the next ask


def read_deployment(api_url: str, name: str, timeout_s: float, asks: int = 3) -> DeploymentSeen:
    """`GET <api>/deployments/name/ingest/<name>`; a 5xx is asked again, a second apart, `asks` times in all (as
    Prefect's client retries one)."""
    for _ in range(asks - 1):
        try:
            return _read_deployment(api_url, name, timeout_s)
        except DeploymentUnread as exc:
            if not exc.server_error:
                raise
        time.sleep(1.0)
    return _read_deployment(api_url, name, timeout_s)


def _read_deployment(api_url: str, name: str, timeout_s: float) -> DeploymentSeen:
    url = f"{api_url.rstrip('/')}/deployments/name/ingest/{urllib.parse.quote(name, safe='')}"
    try:
        with open_url(url, timeout_s) as response:  # the local server: never through a proxy
            found = json.loads(_read_within(response, time.monotonic() + timeout_s))
    except urllib.error.HTTPError as exc:
        with contextlib.closing(exc):
            if exc.code == 404:
                return DeploymentSeen(exists=False)
            raise DeploymentUnread(f"HTTP {exc.code} {exc.reason}", server_error=exc.code >= 500) from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise DeploymentUnread(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(found, dict) or not isinstance(found.get("paused"), bool):
        raise DeploymentUnread("its answer is no deployment")
    tags = found.get("tags")
    tags = tags if isinstance(tags, list) else []
    return DeploymentSeen(exists=True, paused=found["paused"], tags=tuple(str(tag) for tag in tags))


def _read_within(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The body, by what each receive brings: the socket's timeout bounds one receive only, and a server sending
    a byte a second would hold `status` for as long as it liked."""
    body = b""
    while chunk := response.read1(READ_BYTES - len(body)):
        body += chunk
        if time.monotonic() > deadline:
            raise DeploymentUnread("it answered too slowly")
        if len(body) >= READ_BYTES:
            break
    return body


# `newsflow run`'s advice in a config error, and a worker's run's (the longest first: the shorter are inside it, so
# replacing them first would leave its "of" or "to" after the worker's words)
CONFIG_PATH_WORDS = (("pass --config PATH of", "set the run's config_path parameter to the path of"),
                     ("pass --config PATH to", "set the run's config_path parameter to the path of"),
                     ("pass --config PATH", "set the run's config_path parameter to a config file's path"))


def config_error_of_the_run(error: ConfigError, served: bool, context: object) -> tuple[str, str]:
    """A run's config error (`context`: the run's FlowRunContext): its line for the run's logs, and its Failed
    state's message.

    A run a worker started (`prefect deployment run 'ingest/manual' -p config_path=…`) was told of a missing file
    in `newsflow run`'s words: "config error at --config: … does not exist; pass --config PATH; this run did nothing:
    fix the file, the next run reads it again" (Prefect 59): a flag it never passed, and a file to fix that is not
    there. Its path is the run's `config_path` parameter, read from the worker's working folder (the pull step's
    `set_working_directory`). A served run (`served`, its service watched; or its deployment tagged `SERVED_FROM`, as
    where no pidfd lets it be watched), or any other error, keeps its words: the next run reads the file again.
    """
    run = getattr(context, "flow_run", None)
    served = served or any(tag.startswith(SERVED_FROM) for tag in getattr(run, "tags", None) or ())
    by_a_worker = not served and getattr(run, "deployment_id", None) is not None
    if not (by_a_worker and error.key == "--config"):
        return f"{error}; this run did nothing: fix the file, the next run reads it again", str(error)
    message = error.message
    for said_to_newsflow_run, said_to_a_worker in CONFIG_PATH_WORDS:
        message = message.replace(said_to_newsflow_run, said_to_a_worker)
    said = ConfigError("config_path", f"{message} (a relative path is read from the worker's working folder, "
                                      f"{Path.cwd()})")
    return f"{said}; this run did nothing", str(said)
