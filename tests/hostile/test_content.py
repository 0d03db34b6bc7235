"""Articles must be HTML, declared or sniffed; text is decoded with the page's real charset."""

from __future__ import annotations

import gzip

import pytest

from newsflow.models import Outcome
from tests.hostile.servers import LoopbackServer, endless_body, fetch_article, fetch_feed, settings
from tests.localserver import Page

FAKE_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + b"\x00\x01stream" * 400_000
# cafe with an e-acute, an en dash, curly double and single quotes, an ellipsis and a euro sign:
# all but the e-acute sit in windows-1252's 0x80-0x9F, where latin-1 has only control codes.
SMART_TEXT = "caf\u00e9 \u2013 \u201cquotes\u201d and \u2018more\u2019 \u2026 \u20ac5"


def test_pdf_served_as_an_article_is_not_html_and_its_body_is_not_read(server: LoopbackServer) -> None:
    url = server.add("/paper.pdf", Page(FAKE_PDF, content_type="application/pdf"))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.NOT_HTML
    assert result.bytes_read == 0
    assert result.body == b""
    assert result.error == f"GET {url}: Content-Type application/pdf is not HTML; body not read"


def test_image_served_as_an_article_is_not_html(server: LoopbackServer) -> None:
    url = server.add("/photo", Page(b"\x89PNG\r\n\x1a\n" + b"\x00" * 5000, content_type="image/png"))
    assert fetch_article(settings(respect_robots=False), url).outcome is Outcome.NOT_HTML


def test_untyped_pdf_is_sniffed_and_reading_stops_early(server: LoopbackServer) -> None:
    url = server.add("/download", Page(FAKE_PDF, content_type=""))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.NOT_HTML
    assert result.bytes_read < 200_000 < len(FAKE_PDF)
    assert "first bytes are not HTML (b'%PDF-1.7')" in (result.error or "")


def test_untyped_endless_binary_stream_is_sniffed_and_dropped(server: LoopbackServer) -> None:
    url = server.add("/stream", endless_body(content_type=None, chunk=b"\x00\xff" * 32_768))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.NOT_HTML
    assert result.bytes_read <= 3 * 65_536


def test_untyped_html_is_sniffed_and_accepted(server: LoopbackServer) -> None:
    page = b"\n  <!DOCTYPE html><html><head><title>t</title></head><body><p>hello</p></body></html>"
    url = server.add("/untyped", Page(page, content_type=""))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.OK
    assert result.text == page.decode()
    assert "content-type" not in result.headers


def test_octet_stream_html_is_sniffed_and_accepted(server: LoopbackServer) -> None:
    url = server.add("/octet", Page(b"<html><p>mislabelled</p></html>", content_type="application/octet-stream"))
    assert fetch_article(settings(respect_robots=False), url).outcome is Outcome.OK


def test_feeds_are_not_type_checked(server: LoopbackServer) -> None:
    url = server.add("/feed", Page(b"<rss version='2.0'/>", content_type="application/octet-stream"))
    result = fetch_feed(settings(), url)
    assert result.outcome is Outcome.OK
    assert result.text is None  # feeds stay bytes for feedparser


@pytest.mark.parametrize(
    "head",
    [
        b'<meta charset="windows-1252">',
        b"<meta charset=iso-8859-1>",  # browsers read latin-1 labels as windows-1252
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
        b"<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=Windows-1252'>",
    ],
)
def test_windows_1252_page_declared_only_in_a_meta_tag_decodes(server: LoopbackServer, head: bytes) -> None:
    body = b"<html><head>" + head + b"<title>t</title></head><body><p>" + SMART_TEXT.encode("cp1252") + b"</p>"
    url = server.add("/cp1252", Page(body, content_type="text/html"))
    result = fetch_article(settings(respect_robots=False), url)
    assert result.outcome is Outcome.OK
    assert result.text is not None and SMART_TEXT in result.text
    assert result.body == b"", "an article keeps only its decoded text, to halve a batch's memory"


def test_header_charset_wins_over_meta(server: LoopbackServer) -> None:
    body = b'<html><head><meta charset="utf-8"></head><body>' + "Grüße".encode("iso-8859-15") + b"</body>"
    url = server.add("/header-wins", Page(body, content_type="text/html; charset=ISO-8859-15"))
    assert "Grüße" in (fetch_article(settings(respect_robots=False), url).text or "")


def test_undeclared_utf8_is_detected(server: LoopbackServer) -> None:
    body = "<html><body><p>Zürich, São Paulo, Kraków: 東京</p></body></html>".encode()
    url = server.add("/undeclared", Page(body, content_type="text/html"))
    assert "Kraków: 東京" in (fetch_article(settings(respect_robots=False), url).text or "")


def test_gzipped_windows_1252_page_is_decompressed_then_decoded(server: LoopbackServer) -> None:
    body = b'<html><head><meta charset="windows-1252"></head><body>' + SMART_TEXT.encode("cp1252") + b"</body>"
    page = Page(gzip.compress(body), content_type="text/html", headers={"Content-Encoding": "gzip"})
    result = fetch_article(settings(respect_robots=False), server.add("/gz", page))
    assert result.text is not None and result.text.startswith("<html><head>") and SMART_TEXT in result.text
