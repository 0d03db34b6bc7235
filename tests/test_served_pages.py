"""Pages served the ways real servers send them store the text extraction finds in memory.

Through the whole pipeline (`run_ingest`: a real loopback server, the fetcher, charset decoding,
the extraction pool, a real DuckDB file). Each case is a bug class `python -m bench.served` found
(docs/extraction.md, "Eighth pass"): a server's default `charset=iso-8859-1` header in front of
UTF-8 pages stored mojibake, and a template's `<base href>` naming the site's root was taken for
each article's canonical URL, so a site's articles were stored as one.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from newsflow.config import load_config
from newsflow.extract import extract_article
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import rss_feed

STORIES = {
    "/2026/05/01/harbour-ferry": "Die Fähre über den Hafen fährt ab Montag wieder, teilte die Stadtverwaltung "
                                 "am Freitag mit; Pendler müssen sich auf geänderte Abfahrtszeiten einstellen.",
    "/2026/05/01/school-roof": "Das Dach der Grundschule am Marktplatz wird über die Sommerferien für 1,2 Millionen "
                               "Euro erneuert, wie der Gemeinderat am Donnerstagabend beschlossen hat.",
}


def page(story: str, head: str = "") -> bytes:
    paragraphs = "".join(f"<p>{story} Absatz {n} beschreibt die Einzelheiten für die Anwohner.</p>" for n in range(4))
    return (f'<html lang="de"><head><meta charset="utf-8"><title>{story[:30]}</title>{head}</head>'
            f"<body><article><h1>{story[:30]}</h1>{paragraphs}</article></body></html>").encode()


def stored(tmp_path: Path, server: LocalServer, pages: dict[str, Page]) -> dict[str, str | None]:
    for path, served in pages.items():
        server.add(path, served)
    server.add("/feed.xml", Page(rss_feed("Stadtanzeiger", [(path, path, None) for path in pages]),
                                 "application/rss+xml"))
    config = load_config(write_config(tmp_path, server.base_url, {"stadt": "/feed.xml"}))
    asyncio.run(run_ingest(config, "run-1"))
    rows = run_read_query(Warehouse(config.warehouse_path),
                          "SELECT e.url, a.text FROM entries e LEFT JOIN articles a USING (article_id)").rows
    return {str(url).removeprefix(server.base_url): (str(text) if text is not None else None) for url, text in rows}


def test_utf8_pages_under_a_latin1_header_store_the_text_read_in_memory(tmp_path: Path, server: LocalServer) -> None:
    pages = {path: Page(page(story), "text/html; charset=ISO-8859-1") for path, story in STORIES.items()}
    texts = stored(tmp_path, server, pages)
    for path, story in STORIES.items():
        memory = extract_article(page(story).decode(), server.url(path))
        assert memory is not None and texts[path] == memory.text
        assert "Fähre" in (texts[path] or "") or "Grundschule" in (texts[path] or "")


def test_a_base_href_naming_the_site_root_keeps_each_article_apart(tmp_path: Path, server: LocalServer) -> None:
    head = f'<base href="{server.base_url}/">'
    texts = stored(tmp_path, server, {path: Page(page(story, head)) for path, story in STORIES.items()})
    assert texts["/2026/05/01/harbour-ferry"] is not None and "Fähre" in texts["/2026/05/01/harbour-ferry"]
    assert texts["/2026/05/01/school-roof"] is not None and "Grundschule" in texts["/2026/05/01/school-roof"]
    count = run_read_query(Warehouse(load_config(tmp_path / "newsflow.toml").warehouse_path),
                           "SELECT count(*) FROM articles").rows
    assert count == [(2,)]
