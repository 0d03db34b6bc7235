"""A page re-saved as UTF-8 that kept its old <meta charset>, or served under a legacy header, is read as UTF-8
(newsflow.charset)."""

from __future__ import annotations

from newsflow.charset import decode_html, html_encoding

CHINESE = "腾讯科技讯 谷歌旗下人工智能公司DeepMind开发出一款能够用自己的记忆学习新知识的计算机。"


def test_meta_gb2312_on_multibyte_utf8_bytes_reads_as_utf8() -> None:
    body = ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>' + CHINESE).encode("utf-8")
    assert html_encoding(body, None) == "utf-8"
    assert CHINESE in decode_html(body, None)


def test_meta_gb2312_on_real_gb2312_bytes_is_still_obeyed() -> None:
    body = b'<meta charset="gb2312"><p>' + CHINESE.encode("gb18030")
    assert html_encoding(body, None) == "gb18030"
    assert CHINESE in decode_html(body, None)


def test_an_ascii_page_keeps_its_declared_charset() -> None:
    assert html_encoding(b'<meta charset="windows-1252"><p>plain ascii', None) == "cp1252"


def test_a_legacy_header_on_multibyte_utf8_bytes_reads_as_utf8() -> None:
    # a server's default "ISO-8859-1" (or a stale gb2312) in front of UTF-8 pages: the bytes say UTF-8
    # (bench.served's utf8-labelled-latin1 lost 0.16 F1 before; docs/extraction.md, "Eighth pass")
    body = ("<p>" + CHINESE + " Grüße, café").encode("utf-8")
    for label in ("gb2312", "iso-8859-1", "windows-1251"):
        content_type = f"text/html; charset={label}"
        assert html_encoding(body, content_type) == "utf-8"
        assert CHINESE in decode_html(body, content_type)


def test_the_http_header_still_wins_over_legacy_bytes() -> None:
    body = b'<meta charset="utf-8"><p>' + CHINESE.encode("gb18030")
    assert html_encoding(body, "text/html; charset=gb2312") == "gb18030"
    assert html_encoding("<p>Grüße".encode("cp1252"), "text/html; charset=iso-8859-1") == "cp1252"


def test_a_utf16_header_on_bytes_without_nul_is_no_label() -> None:
    body = b'<meta charset="windows-1252"><p>' + "Grüße".encode("cp1252")
    assert html_encoding(body, "text/html; charset=utf-16") == "cp1252"
    assert html_encoding("<p>x".encode("utf-16-le"), "text/html; charset=utf-16le") == "utf-16-le"
