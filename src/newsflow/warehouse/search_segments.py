"""The postings' segments: sorted runs of `search_postings`, merged as they fill (docs/search.md, "Segments").

Each index update appends its postings sorted by (term_id, doc_id) as one *segment*: the doc_id
range of the articles it added (migration 0016, `search_segments`). A query reads, in each
segment, only the row groups whose term_id min/max can hold its words, so its cost follows the
number of segments, not the postings. Segments are merged as an LSM tree's tiers are:

- a segment's tier is floor(log_FANOUT(postings / UNIT)) (0 below UNIT * FANOUT);
- when the FANOUT newest segments share a tier they are rewritten as one, sorted, a tier up;
- a newest segment of a higher tier than the one before it absorbs that one.

So tiers never rise from the oldest segment to the newest, each tier holds at most FANOUT - 1
segments, and a posting is rewritten about once per tier it climbs: log_FANOUT(all / a run's),
amortised over the runs. A merge rewrites a doc_id range: its postings are appended again sorted
and the old copies deleted (DuckDB drops the emptied row groups at its next checkpoint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from newsflow.errors import WarehouseError
from newsflow.warehouse.loads import transaction

FANOUT = 16
"""Segments of one tier merged together; also the size ratio between tiers."""
UNIT = 1 << 14
"""Tier 0 is the segments below UNIT * FANOUT postings (262,144: a run of ~1,000 articles is tier 1)."""


@dataclass(frozen=True)
class Segment:
    doc_lo: int
    doc_hi: int
    postings: int


def tier(postings: int) -> int:
    """floor(log_FANOUT(postings / UNIT)), 0 below UNIT * FANOUT; integers only."""
    level, bound = 0, UNIT * FANOUT
    while postings >= bound:
        level, bound = level + 1, bound * FANOUT
    return level


def next_merge(segments: Sequence[Segment]) -> tuple[int, int] | None:
    """The slice [start, end) of `segments` (oldest first) to merge next, or None when none is due."""
    tiers = [tier(s.postings) for s in segments]
    if len(tiers) >= 2 and tiers[-1] > tiers[-2]:
        return len(tiers) - 2, len(tiers)
    if len(tiers) >= FANOUT and len(set(tiers[-FANOUT:])) == 1:
        return len(tiers) - FANOUT, len(tiers)
    return None


def read_segments(con: duckdb.DuckDBPyConnection) -> list[Segment]:
    rows = con.execute("SELECT doc_lo, doc_hi, postings FROM search_segments ORDER BY doc_lo").fetchall()
    return [Segment(*row) for row in rows]


def add_segment(con: duckdb.DuckDBPyConnection, doc_lo: int, doc_hi: int, postings: int) -> None:
    con.execute("INSERT INTO search_segments VALUES ($lo, $hi, $n)", {"lo": doc_lo, "hi": doc_hi, "n": postings})


def merge_due(con: duckdb.DuckDBPyConnection) -> int:
    """Merge segments while the policy asks for it; returns the postings rewritten.

    The caller holds the transaction (a merge is all or nothing with its bookkeeping).
    """
    rewritten = 0
    segments = read_segments(con)
    while (due := next_merge(segments)) is not None:
        start, end = due
        merged = merge_range(con, segments[start].doc_lo, segments[end - 1].doc_hi)
        segments[start:end] = [merged]
        rewritten += merged.postings
    return rewritten


MERGE_SLICE = 1 << 22
"""Postings sorted per statement in a merge (4M): a larger range is sorted in term_id slices, so a
merge's sort fits the writer's memory whatever the tier (one sort of 252M postings needed 2 GB)."""


def merge_range(con: duckdb.DuckDBPyConnection, doc_lo: int, doc_hi: int) -> Segment:
    """Rewrite the postings of doc_ids `doc_lo`..`doc_hi` as one segment sorted by (term_id, doc_id).

    The copy is appended first, a term_id slice at a time, in order; then the rows that were
    there before it (rowid at most the table's highest before the copy) are deleted: no
    temporary table, and the segments on either side are not read (their row groups' doc_id
    min/max lie outside the range).
    """
    bounds = {"lo": doc_lo, "hi": doc_hi}
    row = con.execute("SELECT max(rowid) FROM search_postings").fetchone()
    top = row[0] if row and row[0] is not None else -1
    for first, last in _term_slices(con, doc_lo, doc_hi):
        con.execute("INSERT INTO search_postings SELECT * FROM search_postings WHERE doc_id BETWEEN $lo AND $hi "
                    "AND term_id BETWEEN $first AND $last ORDER BY term_id, doc_id",
                    {**bounds, "first": first, "last": last})
    deleted = con.execute("DELETE FROM search_postings WHERE doc_id BETWEEN $lo AND $hi AND rowid <= $top",
                          {**bounds, "top": top}).fetchone()
    con.execute("DELETE FROM search_segments WHERE doc_lo BETWEEN $lo AND $hi", bounds)
    merged = Segment(doc_lo, doc_hi, int(deleted[0]) if deleted else 0)
    add_segment(con, merged.doc_lo, merged.doc_hi, merged.postings)
    return merged


def _term_slices(con: duckdb.DuckDBPyConnection, doc_lo: int, doc_hi: int) -> list[tuple[int, int]]:
    """Consecutive term_id ranges covering every term, each holding about MERGE_SLICE of the range's postings."""
    row = con.execute("SELECT sum(postings) FROM search_segments WHERE doc_lo BETWEEN $lo AND $hi",
                      {"lo": doc_lo, "hi": doc_hi}).fetchone()
    slices = -(-int(row[0] or 0) // MERGE_SLICE) if row else 1
    if slices <= 1:
        return [(-(2**31), 2**31 - 1)]
    row = con.execute("SELECT approx_quantile(term_id, $q::FLOAT[]) FROM search_postings "
                      "WHERE doc_id BETWEEN $lo AND $hi",
                      {"lo": doc_lo, "hi": doc_hi, "q": [i / slices for i in range(1, slices)]}).fetchone()
    cuts = sorted({int(c) for c in (row[0] if row and row[0] else [])})
    starts = [-(2**31), *(c + 1 for c in cuts)]
    ends = [*cuts, 2**31 - 1]
    return list(zip(starts, ends, strict=True))


def merge_all(con: duckdb.DuckDBPyConnection) -> int:
    """One segment of every posting (`newsflow search --compact`); returns the postings."""
    row = con.execute("SELECT min(doc_lo), max(doc_hi) FROM search_segments").fetchone()
    if row is None or row[0] is None:
        return 0
    return merge_range(con, int(row[0]), int(row[1])).postings


COMPACT_MEMORY_LIMIT = "2GB"
"""DuckDB's memory for `newsflow search --compact`'s sort (it spills beyond)."""


def compact_postings(con: duckdb.DuckDBPyConnection) -> int:
    """Merge every segment into one, sorted by (term_id, doc_id); returns its postings.

    Runs merge segments as they fill (search_segments), so this is never needed; it leaves the
    fewest row groups to read, at the price of a sort of the whole table.
    """
    try:  # a warehouse without the index: one clear error
        con.execute("SELECT count(*) FROM search_segments")
    except duckdb.CatalogException as exc:
        from newsflow.warehouse.search_index import NO_INDEX  # search_index imports this module

        raise WarehouseError(NO_INDEX) from exc
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.execute(f"SET memory_limit = '{COMPACT_MEMORY_LIMIT}'")  # one segment of everything: a larger sort per slice
    try:
        with transaction(con):
            merge_all(con)
        con.execute("CHECKPOINT")
    finally:
        if limit is not None:
            con.execute(f"SET memory_limit = '{limit[0]}'")
    row = con.execute("SELECT count(*) FROM search_postings").fetchone()
    return int(row[0]) if row else 0


def merge_segments(con: duckdb.DuckDBPyConnection) -> int:
    """Merge the segments due (search_segments), in one transaction; returns the postings rewritten.

    A failure (out of memory, disk full) rolls the merges back and is one WarehouseError: the
    segments stay as they were, readable, and the next run tries again."""
    try:
        with transaction(con):
            return merge_due(con)
    except duckdb.Error as exc:
        raise WarehouseError(f"search index: merging segments failed, the next run tries again: {exc}") from exc


def merges_due(con: duckdb.DuckDBPyConnection) -> bool:
    return next_merge(read_segments(con)) is not None
