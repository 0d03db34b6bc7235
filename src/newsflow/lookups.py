"""Host names resolved by the OS resolver, each lookup in a thread of its own (re-exported by netguard).

A name whose nameservers do not answer holds its lookup for the resolver's whole timeout (10-30 s, past
any fetch deadline). asyncio's `loop.getaddrinfo` runs in the default executor (`min(32, cores + 4)`
threads: 6 on 2 cores), where the run's feed parsing, poll commits, extraction and loads run too: a few
such names took every thread, and each run stalled as long as the dead names hung (red team 22). Here a
hung lookup holds only its own daemon thread, which nothing waits for (not the run's end, not the
interpreter's exit); a name asked again while its lookup hangs joins it, so there is one thread per name.
At most `MAX_LOOKUP_THREADS` run at once, process-wide: a resolver that never answers (a long `serve`, a
feed naming 10,000 dead hosts) then fails a name at once, as a name with no answer does, rather than start
threads without end (review of red team 22).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from typing import Any


class NameResolutionError(Exception):
    """The host name has no address (DNS failure). Passes through httpx unchanged.

    `no_such_name`: the DNS answered that the name does not exist or has no address (NXDOMAIN, NODATA), as it
    does for a lapsed domain; not a lookup that could not be made or was not answered (EAI_AGAIN: offline)."""

    def __init__(self, message: str, *, no_such_name: bool = False) -> None:
        super().__init__(message)
        self.no_such_name = no_such_name


# getaddrinfo's answers that the name has no address, from a DNS that answered (EAI_NODATA is glibc's)
_NO_SUCH_NAME = frozenset(code for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if code)
# Documentation addresses (RFC 5737 TEST-NET-3, RFC 3849): routed by a default route only, sent nothing.
_ROUTE_PROBES = ((socket.AF_INET, "203.0.113.1"), (socket.AF_INET6, "2001:db8::1"))


def has_default_route() -> bool:
    """Whether the machine has a route off its own networks: a UDP `connect` asks the routing table, sends nothing.

    macOS answers every lookup EAI_NONAME when it is offline (Wi-Fi off: "nodename nor servname provided"), as
    for a lapsed domain; with no route anywhere, no DNS could have answered that the name does not exist.
    Taken for NXDOMAIN, a Mac's one or two sites offline for a night backed off step by step (review of red
    team 31, whose outage rule counts NXDOMAIN only from 3 sites)."""
    for family, address in _ROUTE_PROBES:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((address, 53))
                return True
        except OSError:  # ENETUNREACH: no route; EAFNOSUPPORT: no IPv6
            continue
    return False


AddressInfo = list[tuple[Any, ...]]
# `fetch.concurrency` fetches (32) each giving up after `fetch.timeout` leave ~100 hung lookups (of 10-30 s)
# at most: the bound is only met by a resolver that never answers, where failing at once beats threads without end.
MAX_LOOKUP_THREADS = 1024
_threads = threading.BoundedSemaphore(MAX_LOOKUP_THREADS)
# Lookups in flight, by event loop, name and port: a name asked again while its lookup hangs joins it.
# An entry leaves when its lookup ends, whether or not its loop still runs (a run ended while it hung).
_lookups: dict[tuple[asyncio.AbstractEventLoop, str, int], asyncio.Future[AddressInfo]] = {}


def _getaddrinfo_in_own_thread(host: str, port: int) -> asyncio.Future[AddressInfo]:
    """getaddrinfo in a daemon thread of its own (the module's docstring says why), joined by any task
    asking for the same name and port while it runs."""
    loop = asyncio.get_running_loop()
    key = (loop, host, port)
    if (running := _lookups.get(key)) is not None and not running.done():
        return running
    threads = _threads  # the one this lookup holds, released by its thread
    if not threads.acquire(blocking=False):
        raise NameResolutionError(f"cannot resolve {host[:200]}: {MAX_LOOKUP_THREADS} lookups unanswered")
    future: asyncio.Future[AddressInfo] = loop.create_future()
    # every waiter may have given up (its deadline): the outcome is then nobody's, and not an error to log
    future.add_done_callback(lambda done: done.cancelled() or done.exception())
    _lookups[key] = future

    def settle(result: AddressInfo | None, exc: BaseException | None) -> None:
        if not future.done():
            future.set_exception(exc) if exc is not None else future.set_result(result or [])

    def look_up() -> None:
        try:
            result: AddressInfo | None = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            failure: BaseException | None = None
        except Exception as exc:  # handed to the awaiting task, which maps it
            result, failure = None, exc
        finally:
            threads.release()
        if _lookups.get(key) is future:
            _lookups.pop(key, None)
        with contextlib.suppress(RuntimeError):  # the loop closed while the name hung: nobody waits
            loop.call_soon_threadsafe(settle, result, failure)

    try:
        threading.Thread(target=look_up, name=f"newsflow-dns {host[:60]}", daemon=True).start()
    except RuntimeError as exc:  # no thread to be had: leave no entry that later asks would join for ever
        threads.release()
        _lookups.pop(key, None)
        raise NameResolutionError(f"cannot resolve {host[:200]}: no thread for its lookup ({exc})") from exc
    return future


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the OS resolver (getaddrinfo), off the event loop thread, in a thread of its own."""
    try:
        infos = await asyncio.shield(_getaddrinfo_in_own_thread(host, port))  # a deadline leaves it to others
    except socket.gaierror as exc:
        raise NameResolutionError(f"cannot resolve {host}: {exc.strerror}",
                                  no_such_name=exc.errno in _NO_SUCH_NAME and has_default_route()) from exc
    except (UnicodeError, ValueError) as exc:  # a label over 63 characters, an empty label: no query is sent
        raise NameResolutionError(f"cannot resolve {host[:200]}: not a valid host name ({exc})") from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise NameResolutionError(f"cannot resolve {host}: no addresses", no_such_name=True)
    return addresses
