"""`python -m bench.page_updates`: two real runs and a page changed under its URL (docs/search.md, "Analyst 58").

One loopback outlet, an Atom feed of five stories and a second feed; `run_ingest` in process, twice
(`execution.refetch_interval_seconds = 0`: run 2 follows run 1 at once). Between the runs every story's page gets a
new paragraph, and its feed entry changes one thing: its `updated` date moved on (to after run 1's fetch), its title,
its summary, its id with its title (a CMS that reissues the entry), or nothing. A sixth page is
listed by feed B first while it answers a PDF (`not_html`: parked at once), then by feed A once it answers. Printed:
per story, the requests its page got in run 2, the entries rows, and whether the stored text has the new paragraph;
and whether feed B's parked entry leads to the article feed A stored.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, Story

from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query

T0 = datetime(2026, 12, 1, 9, tzinfo=UTC)
CHANGES = ("updated", "title", "summary", "id_and_title", "nothing")
NEW_PARAGRAPH = "Correction appended: the ministry later said the figure was nine, not seven, as first reported."


def paragraphs(slug: str) -> tuple[str, ...]:
    return tuple(f"{slug.title()} story paragraph {n}: officials in the harbour town described the storm damage, "
                 f"the closed roads and the repairs planned for the coming weeks in some detail ({slug} {n})."
                 for n in range(5))


def entry_xml(slug: str, changed: str | None) -> str:
    """One Atom entry; `changed` is what the second day changed in it (None on day 1)."""
    title = f"Storm damage in {slug}" + (" (corrected)" if changed in ("title", "id_and_title") else "")
    summary = f"{slug} summary" + (" with the correction" if changed == "summary" else "")
    entry_id = f"urn:{slug}" + (":v2" if changed == "id_and_title" else "")
    updated = datetime.now(UTC).replace(microsecond=0) if changed == "updated" else T0  # after run 1's fetch
    return (f"<entry><title>{escape(title)}</title><link href=\"/news/{slug}\"/><id>{entry_id}</id>"
            f"<published>{T0.isoformat()}</published><updated>{updated.isoformat()}</updated>"
            f"<summary>{escape(summary)}</summary></entry>")


def atom(entries: list[str]) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            f"<id>urn:t</id><updated>{T0.isoformat()}</updated>{''.join(entries)}</feed>").encode()


def publish(server: LocalServer, day: int) -> None:
    site = Site("Harbour News")
    for slug in CHANGES:
        extra = (NEW_PARAGRAPH,) if day == 2 and slug != "nothing" else ()
        story = Story(slug, f"Storm damage in {slug}", paragraphs(slug) + extra, T0, "A Reporter")
        server.add(f"/news/{slug}", Page(site.article_page(story)))
    server.add("/a.xml", Page(atom([entry_xml(s, s if day == 2 else None) for s in CHANGES]
                                   + ([entry_xml("parked", None)] if day == 2 else [])), "application/atom+xml"))
    server.add("/b.xml", Page(atom([entry_xml("parked", None)]), "application/atom+xml"))
    parked = Story("parked", "Storm damage in parked", paragraphs("parked"), T0, "A Reporter")
    pdf = Page(b"%PDF-1.4 not yet", "application/pdf")
    server.add("/news/parked", Page(site.article_page(parked)) if day == 2 else pdf)


def main() -> None:
    server = LocalServer()
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = write_config(Path(folder), server.url(""), {"a": "/a.xml", "b": "/b.xml"})
            with path.open("a", encoding="utf-8") as file:  # run 2 follows run 1 at once ("Updates 58")
                file.write("\n[execution]\nrefetch_interval_seconds = 0\n")
            config = load_config(path)
            for day in (1, 2):
                publish(server, day)
                before = len(server.requests)
                asyncio.run(run_ingest(config, f"run-{day}"))
            second = server.requests[before:]
            store = Warehouse(config.warehouse_path)
            print("| entry change | requests for its page in run 2 | entries rows | stored text has the new one |")
            print("|---|---|---|---|")
            for slug in CHANGES:
                rows = run_read_query(store, "SELECT count(*) FROM entries WHERE url LIKE '%/news/' || $s",
                                      params={"s": slug}).rows
                text = run_read_query(store, "SELECT text FROM articles WHERE url LIKE '%/news/' || $s",
                                      params={"s": slug}).rows
                hits = sum(r.path == f"/news/{slug}" for r in second)
                print(f"| {slug} | {hits} | {rows[0][0]} | {bool(text) and NEW_PARAGRAPH[:30] in str(text[0][0])} |")
            linked = run_read_query(store, "SELECT feed_id, article_id IS NOT NULL, parked_at IS NOT NULL FROM entries "
                                           "WHERE url LIKE '%/news/parked' ORDER BY feed_id").rows
            print("parked page's entries (feed, linked to an article, parked):", linked)
    finally:
        server.close()


if __name__ == "__main__":
    main()
