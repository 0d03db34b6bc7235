"""The persistent story index (migrations 0002, 0006, 0056): band keys, signatures, short lines per site
and merges.

A batch looks up only its own keys, with one join, so its cost follows the new articles.
See docs/stories.md for the clustering itself (newsflow.stories).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import duckdb

from newsflow.warehouse.loads import insert_columns

StoredMatch = tuple[int, int, str, str, bytes | None, datetime | None]
StoredLine = tuple[str, int, str, str]
LineStories = tuple[str, int, tuple[tuple[str, int], ...]]
StoryLines = tuple[str, str, tuple[int, ...]]


def lookup_story_keys(
    con: duckdb.DuckDBPyConnection, keys: Sequence[tuple[int, int]], since: datetime
) -> list[StoredMatch]:
    """Articles indexed since `since` under any of `keys`: (band, band_hash, article_id, story_id,
    signature, story_started_at)."""
    if not keys:
        return []
    rows: list[StoredMatch] = con.execute(
        """
        WITH new_keys AS (SELECT unnest($bands)::SMALLINT AS band, unnest($hashes)::UBIGINT AS band_hash)
        SELECT b.band, b.band_hash, s.article_id, s.story_id, s.signature,
               coalesce(first.published_at, first.fetched_at) AS story_started_at
        FROM new_keys k
        JOIN story_bands b ON b.band = k.band AND b.band_hash = k.band_hash AND b.indexed_at >= $since
        JOIN story_signatures s ON s.article_id = b.article_id AND s.indexed_at >= $since
        LEFT JOIN articles first ON first.article_id = s.story_id
        """,
        {"bands": [k[0] for k in keys], "hashes": [k[1] for k in keys], "since": since},
    ).fetchall()
    return rows


def lookup_story_lines(
    con: duckdb.DuckDBPyConnection, keys: Sequence[tuple[str, int]], since: datetime, batch_ids: Sequence[str],
    cap: int,
) -> tuple[list[LineStories], list[StoryLines]]:
    """For each of `keys`, (site, line_hash), the stories of the articles indexed since `since` that
    carry it, leaving out `batch_ids` (being placed again): (site, line_hash, ((story_id, articles),
    ...)) for up to `cap` (at most 3) stories; and for the keys fewer than `cap` stories carry, every line
    hash those stories' articles carry on the site: (site, story_id, line hashes).

    Counted here, not in Python: a furniture line is carried by every article of its site (200
    sites x 3,000 articles x 10 lines is 6M rows), and the caller only needs to know whether
    `cap` stories carry it (bench/bench_story_lines.py)."""
    if not keys:
        return [], []
    if cap > 3:
        raise ValueError(f"lookup_story_lines counts up to 3 stories per line, not {cap}")
    params = {"sites": [k[0] for k in keys], "hashes": [k[1] for k in keys], "since": since,
              "batch": list(batch_ids)}
    # Aggregates of constant size per line (min, max, count), in two passes, never a group per
    # (line, story): the lowest and highest story, then the lowest between them, tell 1, 2 or 3+.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE story_line_counts AS
        WITH wanted AS (SELECT unnest($sites) AS site, unnest($hashes)::UBIGINT AS line_hash)
        SELECT l.site, l.line_hash, min(l.story_id) AS lo, max(l.story_id) AS hi, count(*) AS articles
        FROM wanted w
        JOIN story_lines l ON l.site = w.site AND l.line_hash = w.line_hash AND l.indexed_at >= $since
        WHERE l.article_id NOT IN (SELECT unnest($batch::VARCHAR[]))
        GROUP BY l.site, l.line_hash
        """,
        params,
    )
    counts = con.execute(
        """
        SELECT c.site, c.line_hash, c.lo, c.hi, c.articles,
               min(l.story_id) FILTER (WHERE l.story_id > c.lo AND l.story_id < c.hi) AS mid,
               count(*) FILTER (WHERE l.story_id = c.lo) AS lo_articles
        FROM story_line_counts c
        JOIN story_lines l ON l.site = c.site AND l.line_hash = c.line_hash AND l.indexed_at >= $since
        WHERE l.article_id NOT IN (SELECT unnest($batch::VARCHAR[]))
        GROUP BY ALL
        """,
        {"since": since, "batch": list(batch_ids)},
    ).fetchall()
    found = [(site, key, stories[:cap]) for site, key, stories in (_carriers(*row) for row in counts)]
    few = sorted({(site, story) for site, _, stories in found if len(stories) < cap for story, _ in stories})
    lines = con.execute(
        """
        WITH few AS (SELECT unnest($sites) AS site, unnest($stories) AS story_id)
        SELECT f.site, f.story_id, list(DISTINCT l.line_hash)
        FROM few f
        JOIN story_lines l ON l.story_id = f.story_id AND l.site = f.site AND l.indexed_at >= $since
        WHERE l.article_id NOT IN (SELECT unnest($batch::VARCHAR[]))
        GROUP BY f.site, f.story_id
        """,
        {"sites": [f[0] for f in few], "stories": [f[1] for f in few], "since": since, "batch": list(batch_ids)},
    ).fetchall() if few else []
    con.execute("DROP TABLE story_line_counts")
    return found, [(site, story, tuple(hashes)) for site, story, hashes in lines]


def _carriers(site: str, key: int, lo: str, hi: str, articles: int, mid: str | None, lo_articles: int) -> LineStories:
    """(story, articles) of the stories carrying a line: all of them when one or two, else three
    (their article counts then do not matter: three stories make the line furniture)."""
    if lo == hi:
        return site, key, ((lo, articles),)
    if mid is None:
        return site, key, ((lo, lo_articles), (hi, articles - lo_articles))
    return site, key, ((lo, 1), (mid, 1), (hi, 1))


def insert_story_lines(con: duckdb.DuckDBPyConnection, rows: Sequence[StoredLine]) -> None:
    """Record new articles' lines: `rows` are (site, line_hash, article_id, story_id)."""
    if rows:
        con.execute(
            "INSERT INTO story_lines (site, line_hash, article_id, story_id, indexed_at) "
            "SELECT unnest($site), unnest($hash)::UBIGINT, unnest($article), unnest($story), now()",
            {"site": [r[0] for r in rows], "hash": [r[1] for r in rows], "article": [r[2] for r in rows],
             "story": [r[3] for r in rows]},
        )


def insert_story_index(
    con: duckdb.DuckDBPyConnection, entries: Sequence[tuple[str, str, bytes | None, Sequence[tuple[int, int]]]]
) -> None:
    """Index new articles: `entries` are (article_id, story_id, signature, band_keys)."""
    if not entries:
        return
    bands = [(band, band_hash, article_id) for article_id, _, _, keys in entries for band, band_hash in keys]
    con.execute(
        "INSERT INTO story_bands (band, band_hash, article_id, indexed_at) "
        "SELECT unnest($band)::SMALLINT, unnest($hash)::UBIGINT, unnest($article), now()",
        {"band": [b[0] for b in bands], "hash": [b[1] for b in bands], "article": [b[2] for b in bands]},
    )
    insert_columns(con, "story_signatures", {
        "article_id": [e[0] for e in entries],
        "story_id": [e[1] for e in entries],
        "signature": [e[2] for e in entries],
        "indexed_at": [datetime.now(UTC)] * len(entries),
    }, unless_stored="article_id")


def apply_story_merges(con: duckdb.DuckDBPyConnection, merges: Sequence[tuple[str, str, str]], run_id: str) -> None:
    """Fold each retired story (story_id, merged_into, bridging_article_id) into its survivor."""
    for old, new, bridge in merges:
        params: dict[str, Any] = {"old": old, "new": new}
        con.execute("UPDATE articles SET story_id = $new WHERE story_id = $old", params)
        con.execute("UPDATE story_signatures SET story_id = $new WHERE story_id = $old", params)
        con.execute("UPDATE story_lines SET story_id = $new WHERE story_id = $old", params)
        con.execute("UPDATE story_merges SET merged_into = $new WHERE merged_into = $old", params)
        con.execute(
            "INSERT INTO story_merges VALUES ($old, $new, $bridge, now(), $run_id) ON CONFLICT DO NOTHING",
            {**params, "bridge": bridge, "run_id": run_id},
        )
