"""The text stored through the whole pipeline against extraction in memory, on the same bytes.

`python -m bench.served [--every 3] [--variants utf8,gzip,...] [--workdir DIR]`

Real corpus pages (bench/corpora.py: every Nth page of the three sets with ground truth) are served
from a loopback server the ways real servers send them: each *variant* below turns the page into
the bytes and headers a server sends, and knows the text those bytes really are. One feed per
variant lists its pages; `run_ingest` (no Prefect) polls, fetches, decodes, extracts and stores
them. Each stored text is compared with `extract_article` run in memory on the text the served
bytes really are, under the same URL: any difference is a loss in fetching, charset decoding,
storing or loading, not in extraction. Both are also scored against the page's reference.

The stored text is read through `entries` (the entry's URL -> its article), so an entry that was
merged into another article (a wrong canonical URL) shows the other article's text.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import re
import statistics
import sys
import tempfile
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests.sitefactory import rss_feed

from bench.corpora import CorpusPage, all_pages, text_score
from bench.runs import write_config
from newsflow.config import load_config
from newsflow.extract import extract_article, prepare_extractor
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query


@dataclass(frozen=True)
class Served:
    body: bytes
    headers: dict[str, str]
    text: str  # what the bytes are, decoded with the encoding they were made with


Variant = Callable[[str, str], Served]  # (page as text, its URL on the server) -> what is served
_CHARSET_META = re.compile(r"<meta\b[^>]*charset\s*=[^>]*>", re.IGNORECASE)  # <meta charset>, http-equiv
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
PADDING = "<!-- " + "padding " * 700 + "-->\n"  # 5.6 KB: pushes a meta charset past any prescan


def legacy_encoding(text: str) -> str:
    """The legacy charset a site in this page's script would have used (decided from the page's letters)."""
    counts: dict[str, int] = {}
    for char in text:
        if ord(char) > 127 and char.isalpha():
            name = unicodedata.name(char, "")
            script = name.split(" ")[0]
            if script == "LATIN":
                script = "LATIN-CE" if char in "łŁřŘěĚśŚźŹżŻńŃčČšŠžŽůŮőŐűŰ" else (
                    "LATIN-TR" if char in "ğĞşŞıİ" else "LATIN")
            counts[script] = counts.get(script, 0) + 1
    main = max(counts, key=lambda script: counts[script]) if counts else "LATIN"
    if main in ("HIRAGANA", "KATAKANA") or (main == "CJK" and counts.get("HIRAGANA", 0) + counts.get("KATAKANA", 0)):
        return "shift_jis"
    return {"CJK": "gb18030", "HANGUL": "euc-kr", "CYRILLIC": "windows-1251", "GREEK": "iso-8859-7",
            "ARABIC": "windows-1256", "THAI": "tis-620", "HEBREW": "windows-1255", "LATIN-CE": "windows-1250",
            "LATIN-TR": "windows-1254"}.get(main, "windows-1252")


def _encode(text: str, encoding: str) -> Served:
    body = text.encode(encoding, errors="xmlcharrefreplace")
    return Served(body, {}, body.decode(encoding))


def _with_meta(text: str, meta: str, padding: str = "") -> str:
    """The page with its charset declarations replaced by `meta`, right after `<head>` (after `padding`)."""
    text = _CHARSET_META.sub("", text)
    head = _HEAD.search(text)
    at = head.end() if head else 0
    return text[:at] + padding + meta + text[at:]


def utf8_declared(text: str, url: str) -> Served:
    return Served(text.encode(), {"Content-Type": "text/html; charset=utf-8"}, text)


def legacy_meta_early(text: str, url: str) -> Served:
    encoding = legacy_encoding(text)
    served = _encode(_with_meta(text, f'<meta charset="{encoding}">'), encoding)
    return Served(served.body, {"Content-Type": "text/html"}, served.text)


def legacy_meta_late(text: str, url: str) -> Served:
    encoding = legacy_encoding(text)
    served = _encode(_with_meta(text, f'<meta charset="{encoding}">', PADDING), encoding)
    return Served(served.body, {"Content-Type": "text/html"}, served.text)


def legacy_header_only(text: str, url: str) -> Served:
    encoding = legacy_encoding(text)
    served = _encode(_CHARSET_META.sub("", text), encoding)
    return Served(served.body, {"Content-Type": f"text/html; charset={encoding}"}, served.text)


def legacy_undeclared(text: str, url: str) -> Served:
    encoding = legacy_encoding(text)
    served = _encode(_CHARSET_META.sub("", text), encoding)
    return Served(served.body, {"Content-Type": "text/html"}, served.text)


def utf8_labelled_latin1(text: str, url: str) -> Served:
    """A server whose default header says ISO-8859-1 in front of a UTF-8 page (its meta says UTF-8)."""
    page = _with_meta(text, '<meta charset="utf-8">')
    return Served(page.encode(), {"Content-Type": "text/html; charset=iso-8859-1"}, page)


def cp1252_labelled_latin1(text: str, url: str) -> Served:
    served = _encode(_with_meta(text, '<meta charset="iso-8859-1">'), "cp1252")
    return Served(served.body, {"Content-Type": "text/html; charset=ISO-8859-1"}, served.text)


def gzipped(text: str, url: str) -> Served:
    return Served(gzip.compress(text.encode()), {"Content-Type": "text/html; charset=utf-8",
                                                 "Content-Encoding": "gzip"}, text)


def utf8_bom(text: str, url: str) -> Served:
    return Served(b"\xef\xbb\xbf" + text.encode(), {"Content-Type": "text/html"}, text)


def utf16(text: str, url: str) -> Served:
    return Served(text.encode("utf-16"), {"Content-Type": "text/html"}, text)


def base_href(text: str, url: str) -> Served:
    """A `<base href>` naming the site's root, as many CMS templates have."""
    parts = urlsplit(url)
    page = _with_meta(text, f'<meta charset="utf-8"><base href="{parts.scheme}://{parts.netloc}/">')
    return Served(page.encode(), {"Content-Type": "text/html; charset=utf-8"}, page)


def amp_linked(text: str, url: str) -> Served:
    path = urlsplit(url).path
    page = _with_meta(text, f'<meta charset="utf-8"><link rel="amphtml" href="/amp{path}">'
                            f'<link rel="alternate" media="print" href="{path}?print=1">')
    return Served(page.encode(), {"Content-Type": "text/html; charset=utf-8"}, page)


VARIANTS: dict[str, Variant] = {
    "utf8": utf8_declared, "legacy-meta-early": legacy_meta_early, "legacy-meta-late": legacy_meta_late,
    "legacy-header-only": legacy_header_only, "legacy-undeclared": legacy_undeclared,
    "utf8-labelled-latin1": utf8_labelled_latin1, "cp1252-labelled-latin1": cp1252_labelled_latin1,
    "gzip": gzipped, "bom": utf8_bom, "utf16": utf16, "base-href": base_href, "amp-linked": amp_linked,
}


class _Routes(dict[str, tuple[bytes, dict[str, str]]]):
    pass


def _handler(routes: _Routes) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body, headers = routes.get(self.path, (b"not found", {"Content-Type": "text/plain"}))
            self.send_response(200 if self.path in routes else 404)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving(routes: _Routes) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Row:
    variant: str
    page: CorpusPage
    url: str
    memory: str
    stored: str | None = None


def _path_of(page: CorpusPage, number: int) -> str:
    original = urlsplit(page.url).path.strip("/") or "page"
    return f"/{number}/{re.sub(r'[^A-Za-z0-9/._-]', '-', original)[-150:]}"


def build_site(pages: Sequence[CorpusPage], variants: Sequence[str], base: str,
               routes: _Routes) -> tuple[list[Row], dict[str, str]]:
    rows, feeds = [], {}
    for variant in variants:
        items = []
        for number, page in enumerate(pages):
            path = f"/{variant}{_path_of(page, number)}"
            served = VARIANTS[variant](page.html, base + path)
            routes[path] = (served.body, served.headers)
            memory = extract_article(served.text, base + path)
            rows.append(Row(variant, page, base + path, memory.text if memory else ""))
            items.append((f"{variant} {number}", path, None))
        routes[f"/{variant}/feed.xml"] = (rss_feed(variant, items), {"Content-Type": "application/rss+xml"})
        feeds[variant] = f"{base}/{variant}/feed.xml"
    routes["/robots.txt"] = (b"User-agent: *\nAllow: /\n", {"Content-Type": "text/plain"})
    return rows, feeds


def stored_texts(folder: Path, feeds: dict[str, str], articles: int) -> dict[str, str | None]:
    config_path = write_config(folder, feeds, batch_size=50, workers=2, max_articles=articles + 10)
    text = config_path.read_text().replace("[polling]", "[polling]\nmax_entries_per_feed = 1000")
    config_path.write_text(text)
    config = load_config(config_path)
    asyncio.run(run_ingest(config, str(uuid.uuid4())))
    rows = run_read_query(Warehouse(config.warehouse_path),
                          "SELECT e.url, a.text FROM entries e LEFT JOIN articles a USING (article_id)").rows
    return {str(url): (str(text) if text is not None else None) for url, text in rows}


def report(rows: Sequence[Row]) -> list[str]:
    lines = [f"{'variant':24} {'pages':>5} {'stored':>6} {'same text':>9} {'F1 memory':>9} {'F1 stored':>9} "
             f"{'gap':>7}"]
    for variant in dict.fromkeys(row.variant for row in rows):
        chosen = [row for row in rows if row.variant == variant]
        memory = statistics.mean(text_score(row.page, row.memory) for row in chosen)
        stored = statistics.mean(text_score(row.page, row.stored or "") for row in chosen)
        kept = sum(row.stored is not None for row in chosen)
        same = sum((row.stored or "") == row.memory for row in chosen)
        lines.append(f"{variant:24} {len(chosen):5} {kept:6} {same:9} {memory:9.4f} {stored:9.4f} "
                     f"{stored - memory:+7.4f}")
    differing = [row for row in rows if (row.stored or "") != row.memory]
    for row in differing[:15]:
        lines.append(f"  differs: {row.variant} {row.page.set_name}/{row.page.key}: memory "
                     f"{text_score(row.page, row.memory):.3f}, stored {text_score(row.page, row.stored or ''):.3f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.served", description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=3, help="every Nth corpus page (default 3)")
    parser.add_argument("--variants", help=f"comma-separated subset of {','.join(VARIANTS)}")
    parser.add_argument("--workdir", type=Path, help="where the warehouse goes (default: a temporary folder)")
    args = parser.parse_args(argv)
    variants = args.variants.split(",") if args.variants else list(VARIANTS)
    pages = all_pages()[:: args.every]
    prepare_extractor()
    routes = _Routes()
    with serving(routes) as base, tempfile.TemporaryDirectory(prefix="newsflow-served-") as scratch:
        rows, feeds = build_site(pages, variants, base, routes)
        stored = stored_texts(args.workdir or Path(scratch), feeds, len(rows))
    for row in rows:
        row.stored = stored.get(row.url)
    print("\n".join(report(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
