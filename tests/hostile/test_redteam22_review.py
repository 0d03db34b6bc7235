"""Review of red team 22 (docs/security.md, "Red team 22", review).

1. A cookie's `Domain` was honoured when it was within `urls.site_of(host)`, a stdlib guess at the
   registrable domain: on a hosting suffix it does not know (`alice.cloudfront.net`, a bucket of
   `s3.amazonaws.com`, `x.firebaseapp.com`) one customer's cookie reached another's site along a chain.
   Now the public-suffix list (the `tld` package's copy) bounds it too: never wider than either.
2. The h11 reader patch was taken at import: an h11 whose private readers are renamed (a new version)
   made every command fail at import. Now such an h11 is left strict, and the test here fails loudly.
3. Lookup threads had no bound (a resolver that never answers, under `serve`, or a feed of 10,000 dead
   hosts), and a thread that could not start left an entry every later ask of that name joined for ever.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from newsflow import lookups
from newsflow.fetch import guarded_transport
from newsflow.headerlines import tolerate_old_response_heads
from newsflow.hopcookies import HopCookies
from newsflow.models import Outcome
from tests.hostile.servers import LoopbackServer, fetch_article, running_server, settings, static_resolver
from tests.hostile.subprocesses import REPO
from tests.localserver import Handler, send_bytes

PAGE = (b"<html><body><article><p>" + b"A page of news to be read by its own site's readers. " * 20
        + b"</p></article></body></html>")


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    yield from running_server()


def hand_over(setter: str, domain: str, receiver: str, cookies_seen: list[str]) -> Handler:
    """`setter` sets a cookie for `domain` and sends the reader to `receiver`, which notes what it was sent."""
    def handle(handler: BaseHTTPRequestHandler) -> None:
        host, port = handler.headers.get("Host", "").rsplit(":", 1)
        if host == setter:
            send_bytes(handler, 302, b"", "text/html", {"Set-Cookie": f"visitor=alice; Path=/; Domain={domain}",
                                                         "Location": f"http://{receiver}:{port}/page"})
        else:
            cookies_seen.append(handler.headers.get("Cookie", ""))
            send_bytes(handler, 200, PAGE, "text/html")
    return handle


@pytest.mark.parametrize(("setter", "domain", "receiver"), [
    ("alice.cloudfront.net", "cloudfront.net", "bob.cloudfront.net"),
    ("alice.s3.amazonaws.com", "amazonaws.com", "bob.s3.amazonaws.com"),
    ("alice.firebaseapp.com", "firebaseapp.com", "bob.firebaseapp.com"),
    ("news.city.tokyo.jp", "tokyo.jp", "shop.town.tokyo.jp"),
])
def test_a_cookie_never_reaches_another_registrable_domain_along_a_chain(
    server: LoopbackServer, setter: str, domain: str, receiver: str
) -> None:
    """Before: `site_of` took each suffix for a site, and bob's site was sent alice's cookie."""
    seen: list[str] = []
    server.add("/page", hand_over(setter, domain, receiver, seen))
    # the cookies are tested, not the deadline: ci110 (load ~11) timed this two-hop chain out at 1 s
    fetch = settings(respect_robots=False, timeout=10.0)
    transport = guarded_transport(fetch, resolver=static_resolver("127.0.0.1"))
    result = fetch_article(fetch, f"http://{setter}:{server.port}/page", transport=transport)
    assert result.outcome is Outcome.OK, result.error
    assert seen == [""], f"{receiver} was sent {setter}'s cookie: {seen}"


@pytest.mark.parametrize(("setter", "domain", "receiver", "sent"), [
    ("consent.example.com", "example.com", "www.example.com", True),  # the consent page of a site: kept
    ("consent.bbc.co.uk", ".bbc.co.uk", "www.bbc.co.uk", True),
    ("a.news.example.com", "news.example.com", "b.news.example.com", True),
    ("consent.rt22.test", "rt22.test", "www.rt22.test", True),  # a name the list does not know: its last two labels
    ("alice.cloudfront.net", "cloudfront.net", "bob.cloudfront.net", False),
    ("alice.example.co.uk", "co.uk", "bob.co.uk", False),
    ("127.0.0.1", "127.0.0.1", "x.127.0.0.1", False),  # an address is its own site, with no names under it
])
def test_which_domain_a_cookie_may_name(setter: str, domain: str, receiver: str, sent: bool) -> None:
    jar = HopCookies()
    jar.take(setter, [f"visitor=alice; Domain={domain}"])
    assert ("Cookie" in jar.headers_for(receiver, {})) is sent
    assert jar.headers_for(setter, {}) == {"Cookie": "visitor=alice"}, "the host that set it always gets it"


def test_the_response_head_tolerance_is_in_place_with_the_h11_installed() -> None:
    """Fails loudly when h11 changes its private readers: the patch is then left out (strict reading)."""
    assert tolerate_old_response_heads() is True


def test_an_h11_with_other_private_readers_is_left_strict_and_breaks_no_command() -> None:
    """Before: `from newsflow.fetch import ...` raised AttributeError at import, so every command failed."""
    code = ("import h11._readers as r\n"
            "del r.maybe_read_from_SEND_RESPONSE_server\n"
            "import newsflow.fetch\n"
            "from newsflow.headerlines import tolerate_old_response_heads\n"
            "print(tolerate_old_response_heads())\n")
    child = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert child.returncode == 0 and child.stdout.strip() == "False", child.stderr


@pytest.fixture
def resolver_of_hanging_names(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """getaddrinfo blocks for `*.hang.test` until the test ends; `ok.test` is 127.0.0.1. Names asked listed."""
    release, asked = threading.Event(), []

    def getaddrinfo(host: str, port: int, *args: object, **kwargs: object) -> object:
        asked.append(host)
        if host.endswith(".hang.test"):
            release.wait(60)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked
    release.set()


def test_lookup_threads_are_bounded_and_past_the_bound_a_name_fails_at_once(
    resolver_of_hanging_names: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: one thread per hung name, without end (a resolver that never answers, under `serve`)."""
    monkeypatch.setattr(lookups, "MAX_LOOKUP_THREADS", 3)
    monkeypatch.setattr(lookups, "_threads", threading.BoundedSemaphore(3))

    async def ask(host: str) -> str:
        try:
            await asyncio.wait_for(lookups.system_resolver(host, 80), timeout=0.3)
        except TimeoutError:
            return "hung"
        except lookups.NameResolutionError as exc:
            return str(exc)
        return "resolved"

    async def go() -> list[str]:
        return list(await asyncio.gather(*(ask(f"site{n}.hang.test") for n in range(6))))

    answers = asyncio.run(go())
    assert answers.count("hung") == 3 and len(resolver_of_hanging_names) == 3, answers
    assert all("3 lookups unanswered" in a for a in answers if a != "hung"), answers


def test_a_lookup_whose_thread_cannot_start_fails_alone(
    resolver_of_hanging_names: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`can't start new thread` (a process at its thread limit): before, a RuntimeError out of the fetch, and
    the name's entry left behind, joined by every later ask of it in that run until its deadline."""
    start, failed = threading.Thread.start, []

    def start_once_refused(thread: threading.Thread) -> None:
        if not failed and thread.name.startswith("newsflow-dns"):
            failed.append(thread.name)
            raise RuntimeError("can't start new thread")
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", start_once_refused)

    async def go() -> list[str]:
        with pytest.raises(lookups.NameResolutionError, match="no thread for its lookup"):
            await lookups.system_resolver("ok.test", 80)
        return await asyncio.wait_for(lookups.system_resolver("ok.test", 80), timeout=5)

    assert asyncio.run(go()) == ["127.0.0.1"]
