"""Refetches of stored articles whose feed entry says they changed, and their versions (migration 0112, "Updates 58").

An entry seen again notes when its feed said it changed (`entries.changed_at`, `entries.note_changes`); a run then
refetches, after every pending page, at most `execution.max_refetches_per_run` of the articles such entries lead to,
none within `execution.refetch_interval_seconds` of its last fetch or try. A changed text becomes the article's row
(`update_extractions`, `reextract`'s write: one row per URL, its `story_id` kept), and every version is kept in
`article_versions`, the first copied from `articles` when the second comes. Each try is a row of
`article_refetches`: a failed one changes nothing else, so its entry stays changed and is tried again after the
interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb

from newsflow.models import Article
from newsflow.pages import StoredPage
from newsflow.warehouse.loads import insert_pages, update_extractions

# A refetch whose answer is the page: its text is compared with the stored one. Any other outcome says nothing of it.
ANSWERED = ("ok", "not_modified")


@dataclass(frozen=True)
class RefetchTarget:
    """A stored article to fetch again: what its row holds, and the validators its last answered refetch sent."""

    article_id: str
    url: str
    canonical_url: str
    feed_id: str
    title: str | None
    published_at: datetime | None
    published_date: date | None
    content_hash: str
    etag: str | None = None
    last_modified: str | None = None
    text: str = ""  # the stored text, language and words: what a refetch's page is judged against (refetchgate)
    language: str | None = None
    word_count: int = 0


@dataclass(frozen=True)
class Refetched:
    """One refetch's answer: its outcome and validators, and the article built from its page (None: nothing new)."""

    target: RefetchTarget
    at: datetime
    outcome: str
    status_code: int | None
    etag: str | None
    last_modified: str | None
    article: Article | None
    reason: str | None = None  # why a page answered was `rejected` (refetchgate.rejection): its fetch event's error


def refetch_targets(
    con: duckdb.DuckDBPyConnection, feed_ids: Sequence[str], limit: int, interval: timedelta, now: datetime,
) -> list[RefetchTarget]:
    """Up to `limit` stored articles an entry of `feed_ids` says changed after the article's last answered fetch
    (its first, or a refetch answered 200 or 304), none fetched or tried within `interval` of `now`; the ones
    changed longest ago first."""
    if limit <= 0:
        return []
    changed = con.execute(  # a scan of `changed_at`, NULL but for the few entries ever changed: then by their ids
        "SELECT article_id, max(changed_at) FROM entries WHERE changed_at IS NOT NULL AND article_id IS NOT NULL "
        "AND list_contains($feed_ids, feed_id) GROUP BY article_id", {"feed_ids": list(feed_ids)}).fetchall()
    if not changed:
        return []
    ids = [r[0] for r in changed]
    # The articles' rows by rowid: a filter on `article_id` alone reads one column, and the rows found are read by
    # rowid (1M articles: ~24 ms, where reading their columns beside the filter took ~100).
    rowids = [r[0] for r in con.execute("SELECT rowid FROM articles WHERE article_id IN (SELECT unnest($ids))",
                                        {"ids": ids}).fetchall()]
    rows = con.execute(
        """
        WITH changed AS (SELECT unnest($ids) AS article_id, unnest($changed_at) AS changed_at),
        tries AS (
            SELECT article_id, max("at") AS tried_at,
                   max("at") FILTER (WHERE list_contains($answered, outcome)) AS answered_at,
                   arg_max(etag, "at") FILTER (WHERE etag IS NOT NULL AND list_contains($answered, outcome)) AS etag,
                   arg_max(last_modified, "at") FILTER (WHERE last_modified IS NOT NULL
                                                        AND list_contains($answered, outcome)) AS last_modified
            FROM article_refetches WHERE article_id IN (SELECT unnest($ids)) GROUP BY article_id
        ), stored AS (
            SELECT article_id, url, canonical_url, feed_id, title, published_at, published_date, content_hash,
                   fetched_at, text, language, word_count FROM articles WHERE rowid IN (SELECT unnest($rowids))
        )
        SELECT a.article_id, a.url, a.canonical_url, a.feed_id, a.title, a.published_at, a.published_date,
               a.content_hash, t.etag, t.last_modified, coalesce(a.text, ''), a.language, coalesce(a.word_count, 0)
        FROM changed c JOIN stored a USING (article_id) LEFT JOIN tries t USING (article_id)
        WHERE c.changed_at > greatest(a.fetched_at, coalesce(t.answered_at, a.fetched_at))
          AND greatest(a.fetched_at, coalesce(t.tried_at, a.fetched_at)) <= $since
        ORDER BY c.changed_at, a.article_id
        LIMIT $limit
        """,
        {"ids": ids, "changed_at": [r[1] for r in changed], "rowids": rowids, "answered": list(ANSWERED),
         "since": now - interval, "limit": limit},
    ).fetchall()
    return [RefetchTarget(*row) for row in rows]


def record_refetches(con: duckdb.DuckDBPyConnection, run_id: str, refetched: Sequence[Refetched]) -> dict[str, int]:
    """Write a run's refetches in the caller's transaction: each try's row, and for each page whose text is not the
    article's, its first version (copied from `articles` if not kept yet), the new one, and the article's row made
    the new text. Returns the version each article got (none for those whose text did not change)."""
    if not refetched:
        return {}
    new = _new_texts(con, refetched)
    versions = _add_versions(con, run_id, new)
    con.execute(
        'INSERT INTO article_refetches (article_id, run_id, "at", outcome, status_code, version, etag, last_modified) '
        "SELECT unnest($ids), $run, unnest($at), unnest($outcome), unnest($status), unnest($version), "
        "unnest($etag), unnest($last_modified)",
        {"ids": [r.target.article_id for r in refetched], "run": run_id, "at": [r.at for r in refetched],
         "outcome": [r.outcome for r in refetched], "status": [r.status_code for r in refetched],
         "version": [versions.get(r.target.article_id) for r in refetched],
         "etag": [r.etag for r in refetched], "last_modified": [r.last_modified for r in refetched]},
    )
    return versions


def _new_texts(con: duckdb.DuckDBPyConnection, refetched: Sequence[Refetched]) -> list[Refetched]:
    """The refetches whose page's text differs from the article's row as it stands (read in this transaction)."""
    built = {r.target.article_id: r for r in refetched if r.article is not None}
    if not built:
        return []
    rows = con.execute("SELECT article_id, content_hash FROM articles WHERE article_id IN (SELECT unnest($ids))",
                       {"ids": list(built)}).fetchall()
    changed = []
    for article_id, stored in rows:
        article = built[article_id].article
        if article is not None and article.content_hash != stored:
            changed.append(built[article_id])
    return changed


def _add_versions(con: duckdb.DuckDBPyConnection, run_id: str, new: Sequence[Refetched]) -> dict[str, int]:
    """Keep the first version of each article (as `articles` holds it) unless kept, add the new one, and write the new
    text into `articles`; returns each article's new version number."""
    ids = [r.target.article_id for r in new]
    if not ids:
        return {}
    con.execute(
        "INSERT INTO article_versions SELECT article_id, 1, fetched_at, title, text, content_hash, word_count, run_id "
        "FROM articles WHERE article_id IN (SELECT unnest($ids)) "
        "AND article_id NOT IN (SELECT article_id FROM article_versions WHERE article_id IN (SELECT unnest($ids)))",
        {"ids": ids})
    last = dict(con.execute("SELECT article_id, max(version) FROM article_versions "
                            "WHERE article_id IN (SELECT unnest($ids)) GROUP BY article_id", {"ids": ids}).fetchall())
    articles = [(r.target, r.article, r.at) for r in new if r.article is not None]
    numbers = {target.article_id: int(last[target.article_id]) + 1 for target, _, _ in articles}
    con.execute(
        "INSERT INTO article_versions SELECT unnest($ids), unnest($version), unnest($at), unnest($title), "
        "unnest($text), unnest($hash), unnest($words), $run",
        {"ids": list(numbers), "version": list(numbers.values()), "at": [at for _, _, at in articles],
         "title": [a.title for _, a, _ in articles], "text": [a.text for _, a, _ in articles],
         "hash": [a.content_hash for _, a, _ in articles], "words": [a.word_count for _, a, _ in articles],
         "run": run_id})
    update_extractions(con, [(t.article_id, a.title or t.title, a.author, t.published_at, a.language, a.sitename,
                              a.content_hash, a.text, a.word_count, a.language_source, t.published_date)
                             for t, a, _ in articles])  # the stored dates: an update does not move its day
    return numbers


def run_refetched_to_index(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """The articles a run's refetches gave a new version whose text the search index does not hold yet."""
    rows = con.execute(
        "SELECT a.article_id FROM articles a LEFT JOIN search_docs d USING (article_id) "
        "WHERE a.article_id IN (SELECT article_id FROM article_refetches WHERE run_id = $run AND version IS NOT NULL) "
        "AND (d.article_id IS NULL OR d.content_hash <> a.content_hash) ORDER BY 1",
        {"run": run_id}).fetchall()
    return [r[0] for r in rows]


def replace_pages(con: duckdb.DuckDBPyConnection, pages: Sequence[StoredPage], stale: Sequence[str] = ()) -> list[str]:
    """Make `pages` the kept HTML of their articles (a refetch's page replaces the one first kept), and forget the kept
    HTML of the `stale` articles (a new text whose page was not kept: `extract.keep_html` off, or the disk full), so
    that `newsflow reextract` never brings an old text back; returns the files the rows named before."""
    ids = [p.article_id for p in pages] + list(stale)
    if not ids:
        return []
    old = con.execute("DELETE FROM pages WHERE article_id IN (SELECT unnest($ids)) RETURNING file", {"ids": ids})
    files = [str(row[0]) for row in old.fetchall()]
    insert_pages(con, pages)
    return files
