"""`charset.html_as_utf8`, what the fetcher keeps of a page, is exactly `decode_html` encoded as
UTF-8, whatever the bytes and the declared charset; a UTF-8 page comes back as the same object."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsflow.charset import decode_html, html_as_utf8

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
CONTENT_TYPES = (None, "text/html", "text/html; charset=utf-8", "text/html; charset=UTF8",
                 "text/html; charset=iso-8859-1", "text/html; charset=gb2312", "text/html; charset=utf-16",
                 "text/html; charset=x-no-such-codec", "text/html; charset=utf-7")
PREFIXES = (b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b'<meta charset="utf-8">',
            b'<meta charset="windows-1251">',
            b'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">')


def reference(body: bytes, content_type: str | None) -> bytes:
    return decode_html(body, content_type).encode("utf-8", errors="replace")


@given(st.sampled_from(PREFIXES), st.binary(max_size=300) | st.text(max_size=200).map(str.encode),
       st.sampled_from(CONTENT_TYPES))
def test_kept_bytes_are_the_decoded_page_encoded_as_utf8(prefix: bytes, rest: bytes, content_type: str | None) -> None:
    body = prefix + rest
    assert html_as_utf8(body, content_type) == reference(body, content_type)


@pytest.mark.parametrize("body", [
    "<p>café \u2013 naïve 北京 🙂</p>".encode(),
    b"<p>plain ascii</p>",
    codecs.BOM_UTF8 + "<p>café</p>".encode(),
    b"<p>caf\xe9</p>",  # Latin-1 bytes, undeclared
    "<p>café</p>".encode() + b"\xff",  # UTF-8 with one stray byte
    b"<p>\xed\xa0\x80 surrogate</p>",  # a UTF-8-encoded surrogate is not UTF-8
])
def test_edge_pages_match_the_decoded_page(body: bytes) -> None:
    assert html_as_utf8(body, "text/html") == reference(body, "text/html")


def test_a_utf8_page_is_kept_as_received_without_a_copy() -> None:
    body = "<meta charset=utf-8><p>café 北京</p>".encode() * 1000
    assert html_as_utf8(body, "text/html") is body


def test_every_real_corpus_page_is_kept_as_it_was_decoded() -> None:
    paths = sorted(CORPORA.glob("**/*.htm*.gz"))
    if not paths:
        pytest.skip(f"real corpora not found at {CORPORA}")
    for path in paths:
        body = gzip.decompress(path.read_bytes())
        for content_type in ("text/html", None):
            assert html_as_utf8(body, content_type) == reference(body, content_type), path
