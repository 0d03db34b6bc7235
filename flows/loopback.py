"""A Prefect API on this machine's loopback is reached directly, never through the environment's proxy.

An `HTTP_PROXY` set for the machine (a corporate proxy, set in /etc/environment or the unit's `Environment=`)
with no `NO_PROXY` sent every request to 127.0.0.1 to the proxy, whose own loopback is not ours: newsflow's
health probes said no local server answered (`status`: "no local Prefect server runs"; `run` and `serve` started
a second one beside it, or gave up), and Prefect's client (httpx, which honours the variables and exempts no
host by itself) could not reach the server either. So the probes here open loopback URLs with no proxy, and
`reach_directly` adds the loopback host to `NO_PROXY` for Prefect's client and every process started after it
(the served runs). A proxy for anything else is left as it is. This module imports no Prefect.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import threading
import urllib.parse
import urllib.request
from typing import cast

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy")
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")  # urllib reads the lower-case one first, httpx both
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def is_loopback(api_url: str) -> bool:
    """Whether the API is on this machine's loopback, as the local server newsflow starts is (127.0.0.1)."""
    host = urllib.parse.urlsplit(api_url).hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def open_url(request: str | urllib.request.Request, timeout_s: float) -> http.client.HTTPResponse:
    """`urllib.request.urlopen`, with no proxy for a loopback URL."""
    url = request.full_url if isinstance(request, urllib.request.Request) else request
    if is_loopback(url):
        return cast(http.client.HTTPResponse, _DIRECT.open(request, timeout=timeout_s))
    return cast(http.client.HTTPResponse, urllib.request.urlopen(request, timeout=timeout_s))


def answer_within(request: str | urllib.request.Request, timeout_s: float, limit: int) -> bytes:
    """`open_url(request)`'s answer (its first `limit` bytes), the whole call within `timeout_s`, or TimeoutError.

    urllib's timeout bounds each socket read, not the call: an API answering a byte a second held a call 40 s and
    more with a 2 s timeout (Prefect 57's review, F4). The call runs in a daemon thread; past the deadline it is
    left to end on its own (its reads still time out) and the caller goes on. What the call raised is raised here."""
    outcome: list[bytes | BaseException] = []

    def call() -> None:
        try:
            with open_url(request, timeout_s) as response:
                outcome.append(response.read(limit))
        except BaseException as error:  # handed to the caller, raised there
            outcome.append(error)

    thread = threading.Thread(target=call, name="newsflow-api-call", daemon=True)
    thread.start()
    thread.join(timeout_s)
    if not outcome:
        raise TimeoutError(f"no whole answer within {timeout_s:g} s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def proxy_configured() -> bool:
    return any(os.environ.get(name) or os.environ.get(name.upper()) for name in PROXY_VARIABLES)


def reach_directly(api_url: str) -> None:
    """Add a loopback API's host to NO_PROXY (both spellings, one list), when a proxy is configured: Prefect's
    client and the processes started from here then reach it directly. Nothing changes otherwise."""
    host = urllib.parse.urlsplit(api_url).hostname
    if not host or not is_loopback(api_url) or not proxy_configured():
        return
    exempt = [entry.strip() for name in NO_PROXY_VARIABLES for entry in os.environ.get(name, "").split(",")]
    if "*" in exempt:  # no proxy for any host; urllib honours `*` only as the whole value, so it is kept so
        return
    merged = ",".join(dict.fromkeys(entry for entry in [*exempt, host] if entry))
    for name in NO_PROXY_VARIABLES:
        os.environ[name] = merged
