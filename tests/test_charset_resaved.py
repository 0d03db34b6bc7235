"""A page re-saved as UTF-8 that kept its old <meta charset>, or served under a legacy header, is read as UTF-8
(newsflow.charset)."""

from __future__ import annotations

from newsflow import charset
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


BIG_HEAD = "<script>" + "var x = 1;\n" * 7000 + "</script>"  # 77 KB of ASCII before the text
SMART_ENGLISH = "\u201cWe will appeal,\u201d the mayor\u2019s office said \u2013 the council\u2019s vote stands. " * 5


def test_a_meta_charset_late_in_a_large_head_is_read() -> None:
    # bench.served's legacy-meta-late: 12 of 101 pages differed from memory before
    page = f"<html><head>{BIG_HEAD}<meta charset=\"windows-1252\"></head><body><p>Gr\u00fc\u00dfe {SMART_ENGLISH}</p>"
    assert html_encoding(page.encode("cp1252"), None) == "cp1252"


def test_undeclared_legacy_text_after_64_kb_of_ascii_is_detected() -> None:
    # bench.served's legacy-undeclared: the first 64 KB were ASCII, so "strict UTF-8" won (Postillon 0.98 -> 0.85)
    page = f"<html><head>{BIG_HEAD}</head><body><p>Sch\u00f6ne Gr\u00fc\u00dfe aus M\u00fcnchen. {SMART_ENGLISH}</p>"
    assert decode_html(page.encode("cp1252"), "text/html") == page
    assert decode_html(page.encode("utf-8"), "text/html") == page


def test_english_with_typographic_quotes_is_windows_1252_not_cp850() -> None:
    # charset_normalizer guessed cp850 for salon-1's sample; cp850 reads the quote bytes as letters (\u00e6,
    # \u00f4), and when quotes counted as stray symbols windows-1252 lost the tie-break
    page = f"<html><body><p>{SMART_ENGLISH * 4}</p></body></html>"
    assert decode_html(page.encode("cp1252"), "text/html") == page
    sample = SMART_ENGLISH.encode("cp1252")
    assert charset._stray_symbols(sample, "cp1252") == 0 < charset._stray_symbols("Za\u017c\u00f3\u0142\u0107".encode(
        "cp1250"), "cp1252")
    assert charset._stray_symbols(sample, "cp1252") <= charset._stray_symbols(sample, "cp850")
