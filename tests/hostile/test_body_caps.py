"""The decoded body is capped while streaming: bombs and endless bodies cost about max_bytes."""

from __future__ import annotations

import tracemalloc
import zlib

from newsflow.models import Outcome
from tests.hostile.servers import (
    encoded_body,
    endless_body,
    fetch_article,
    fetch_feed,
    gzip_bomb,
    settings,
)
from tests.localserver import LocalServer, Page

CAP = 1_000_000
BOMB_DECODED = 200_000_000  # 200 MB of zeros in about 200 KB of gzip


def test_gzip_bomb_is_stopped_at_the_cap_with_bounded_memory(server: LocalServer) -> None:
    bomb = gzip_bomb(BOMB_DECODED)
    url = server.add("/bomb", encoded_body(bomb, "gzip"))
    fetch_feed(settings(), server.add("/warm-up", Page(b"<rss/>")))  # one-time imports and set-up
    tracemalloc.start()
    try:
        result = fetch_feed(settings(max_bytes=CAP), url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome is Outcome.TOO_LARGE
    assert result.body == b""
    assert result.bytes_read < len(bomb) // 2, "should stop reading long before the end of the bomb"
    # zlib's output buffer plus the bytes it becomes: about 2 x the cap, against 200 x for the whole bomb
    assert peak < 3 * CAP, f"peak traced memory {peak / 1e6:.1f} MB for a {BOMB_DECODED / 1e6:.0f} MB bomb"
    assert result.error == (f"GET {url}: body passed the cap of {CAP} bytes (fetch.max_bytes); stopped reading: "
                            "to read it, raise fetch.max_bytes in the config")


def test_deflate_bomb_is_stopped_at_the_cap(server: LocalServer) -> None:
    bomb = zlib.compress(bytes(50_000_000), 9)
    url = server.add("/deflate-bomb", encoded_body(bomb, "deflate"))
    result = fetch_article(settings(max_bytes=CAP, respect_robots=False), url)
    assert result.outcome is Outcome.TOO_LARGE


def test_gzip_body_under_the_cap_is_decoded(server: LocalServer) -> None:
    page = b"<html><body>" + b"<p>news</p>" * 10_000 + b"</body></html>"
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    url = server.add("/small.gz", encoded_body(packer.compress(page) + packer.flush(), "gzip"))
    result = fetch_article(settings(max_bytes=CAP, respect_robots=False), url)
    assert result.outcome is Outcome.OK
    assert result.text == page.decode()
    assert result.bytes_read < len(page) // 10  # bytes_read counts the compressed wire bytes


def test_endless_body_is_cut_at_the_cap(server: LocalServer) -> None:
    endless = endless_body()
    url = server.add("/endless", endless)
    result = fetch_article(settings(max_bytes=CAP, respect_robots=False), url)
    assert result.outcome is Outcome.TOO_LARGE
    assert CAP < result.bytes_read <= CAP + 2 * 65_536 + 1024


def test_declared_oversize_body_is_refused_before_reading(server: LocalServer) -> None:
    url = server.add("/big", Page(b"x" * (CAP + 1), content_type="application/rss+xml"))
    result = fetch_feed(settings(max_bytes=CAP), url)
    assert result.outcome is Outcome.TOO_LARGE
    assert result.bytes_read == 0


def test_body_exactly_at_the_cap_is_accepted(server: LocalServer) -> None:
    url = server.add("/exact", Page(b"x" * CAP, content_type="application/rss+xml"))
    result = fetch_feed(settings(max_bytes=CAP), url)
    assert result.outcome is Outcome.OK
    assert len(result.body) == CAP


def test_unknown_content_encoding_is_a_parse_error_not_garbage(server: LocalServer) -> None:
    url = server.add("/br", encoded_body(b"\x1b\x00\x00garbage", "br"))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.PARSE_ERROR
    assert "'br'" in (result.error or "")


def test_corrupt_gzip_is_a_parse_error(server: LocalServer) -> None:
    url = server.add("/corrupt.gz", encoded_body(b"\x1f\x8b\x08\x00not really gzip at all", "gzip"))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.PARSE_ERROR
    assert result.error is not None and "not valid gzip" in result.error
