"""Synthetic warehouse contents, written with SQL through `Warehouse.writing()`'s connection.

Articles have short texts (about 300 bytes) so that a million of them fit in a few hundred MB;
each has its entry (already linked), its fetch event and its story-index rows, as a real run
would have left them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.sitefactory import generated_story

from bench import search as search_bench
from newsflow import dedup
from newsflow.extractpool import ExtractionResult
from newsflow.models import (
    Article,
    EntryAttempt,
    ExtractedArticle,
    FetchEvent,
    FetchKind,
    FetchResult,
    Outcome,
    PendingArticle,
)
from newsflow.text import content_hash, word_count
from newsflow.warehouse import Warehouse, transaction

SYNTHETIC_RUN = "synthetic-run"
ARTICLE_COLUMNS = ("(article_id, canonical_url, url, feed_id, title, author, published_at, language, sitename, "
                   "text, word_count, content_hash, story_id, fetched_at, run_id)")
ENTRY_COLUMNS = ("(feed_id, guid, url, canonical_url, title, summary, published_at, first_seen_at, run_id, "
                 "article_id, fetch_attempts, last_outcome)")
EVENT_COLUMNS = '(run_id, "at", kind, feed_id, url, status_code, outcome, failure_class, error, bytes, elapsed_ms)'
_TEXT = "'Synthetic story ' || i || '. ' || repeat('Officials said the ministry would report on the harvest. ', 5)"
_ROWS = f"""
    SELECT i, u, $prefix || (i % $feeds) AS feed, {_TEXT} AS txt, substr(sha256(u), 1, 16) AS id,
           TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_seconds(i) AS ts
    FROM (SELECT i, 'https://synthetic' || (i % 100) || '.example/news/' || i || '.html' AS u FROM range($n) t(i))
"""


def populate(path: Path, articles: int, feed_prefix: str, feeds: int, search_draws: int = 30,
             merge_cost: list[Any] | None = None) -> float:
    """Fill a new warehouse with `articles` stored articles, their entries and events; seconds."""
    started = time.perf_counter()
    params = {"n": articles, "prefix": feed_prefix, "feeds": feeds}
    with Warehouse(path).writing() as con, transaction(con):
        con.execute("SET enable_progress_bar = false")
        con.execute(f"""INSERT INTO articles {ARTICLE_COLUMNS}
            SELECT id, u, u, feed, 'Synthetic headline ' || i, 'Synthetic Author', ts, 'en', 'Synthetic', txt, 45,
                   sha256(txt), id, ts, '{SYNTHETIC_RUN}' FROM ({_ROWS})""", params)
        con.execute(f"""INSERT INTO entries {ENTRY_COLUMNS}
            SELECT feed, u, u, u, 'Synthetic headline ' || i, NULL, ts, ts, '{SYNTHETIC_RUN}', id, 1, 'ok'
            FROM ({_ROWS})""", params)
        con.execute(f"""INSERT INTO fetch_events {EVENT_COLUMNS}
            SELECT '{SYNTHETIC_RUN}', ts, 'article', feed, u, 200, 'ok', NULL, NULL, 50000, 20
            FROM ({_ROWS})""", params)
        # The story index as a real run leaves it: 42 band keys and a signature row per article,
        # indexed over the last two years in order (a real warehouse of this size took that long).
        con.execute("""INSERT INTO story_bands (band, band_hash, article_id, indexed_at)
            SELECT (k % 42)::SMALLINT, hash(k), substr(sha256('https://synthetic' || ((k // 42) % 100)
                   || '.example/news/' || (k // 42) || '.html'), 1, 16),
                   now() - to_seconds(($n - k // 42) * (730 * 86400 // $n))
            FROM range($n * 42) t(k)""", {"n": articles})
        con.execute("""INSERT INTO story_signatures (article_id, story_id, signature, indexed_at)
            SELECT id, id, NULL, now() - to_seconds(($n - i) * (730 * 86400 // $n))
            FROM (SELECT i, substr(sha256(u), 1, 16) AS id FROM (SELECT i, 'https://synthetic' || (i % 100)
                  || '.example/news/' || i || '.html' AS u FROM range($n) t(i)))""", {"n": articles})
        con.execute("INSERT INTO runs (run_id, started_at, finished_at, status, run_seq) "
                    f"VALUES ('{SYNTHETIC_RUN}', now(), now(), 'completed', 1)")
    with Warehouse(path).writing() as con:
        merges = search_bench.fill_index(con, articles, search_draws)  # the index as runs leave it (bench/search.py)
    if merge_cost is not None:
        merge_cost.append(merges)
    return time.perf_counter() - started


def store_urls(path: Path, canonical_urls: Sequence[str], feed_id: str) -> None:
    """Store an article under each canonical URL, so entries that link there need no fetch."""
    with Warehouse(path).writing() as con, transaction(con):
        con.execute(f"""INSERT INTO articles {ARTICLE_COLUMNS}
            SELECT substr(sha256(u), 1, 16), u, u, $feed, 'Stored', NULL, NULL, 'en', NULL,
                   'Stored text ' || u, 3, sha256('Stored text ' || u), substr(sha256(u), 1, 16), now(),
                   '{SYNTHETIC_RUN}'
            FROM (SELECT unnest($urls) AS u)""", {"urls": list(canonical_urls), "feed": feed_id})


def article_batch(
    count: int, run_id: str, feed_id: str = "load", site: str = "https://load.example/news/", first_seed: int = 300_000
) -> tuple[list[Article], list[EntryAttempt], list[FetchEvent]]:
    """`count` Article rows of about 3.4 KB of distinct text each, with their entry attempts and events.

    Texts come from stories `first_seed`...; batches with different seeds have different texts."""
    now = datetime.now(UTC)
    articles, attempts, events = [], [], []
    for n in range(count):
        url = f"{site}{n}.html"
        text = "\n".join(generated_story(first_seed + n, paragraphs=8, words=70).paragraphs)  # distinct, ~3.4 KB
        article_id = dedup.article_id_for(url)
        articles.append(Article(article_id, url, url, feed_id, f"Headline {n}", "Author", now - timedelta(hours=n),
                                "en", "Load Site", text, word_count(text), content_hash(text), article_id, now, run_id))
        attempts.append(EntryAttempt(url, str(Outcome.OK), article_id))
        events.append(FetchEvent(run_id, now, FetchKind.ARTICLE, feed_id, url, 200, Outcome.OK, None, 60_000, 30))
    return articles, attempts, events


def insert_entries_for(con: Any, articles: Sequence[Article], run_id: str) -> None:
    """The pending entries a batch of articles resolves (untimed set-up of the load benchmark)."""
    con.execute(f"""INSERT INTO entries (feed_id, guid, url, canonical_url, title, first_seen_at, run_id)
        SELECT $feed, u, u, u, 'entry', now(), '{run_id}' FROM (SELECT unnest($urls) AS u)""",
                {"feed": articles[0].feed_id, "urls": [a.canonical_url for a in articles]})


def stage_inputs(articles: Sequence[Article]) -> tuple[list[PendingArticle], list[FetchResult],
                                                       list[ExtractionResult | None]]:
    """What `pipeline.load_batch` receives for these articles: pending entries, fetches, extractions."""
    now = datetime.now(UTC)
    batch = [PendingArticle(a.canonical_url, a.url, a.feed_id, a.title, a.published_at) for a in articles]
    results = [FetchResult(a.url, a.url, FetchKind.ARTICLE, Outcome.OK, now, 200, bytes_read=60_000)
               for a in articles]
    extractions: list[ExtractionResult | None] = [
        ExtractionResult(str(i), Outcome.OK, ExtractedArticle(a.text, a.title, a.author, a.published_at, a.language,
                                                             a.sitename), None, 20)
        for i, a in enumerate(articles)]
    return batch, results, extractions
