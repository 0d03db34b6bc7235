"""The robots.txt fetches the fetch log keeps (`fetch_events`, kind `robots`): each origin's latest, for
`newsflow.robotholds`, which remembers from them the origins whose robots.txt could not be read."""

from __future__ import annotations

from datetime import datetime

import duckdb


def latest_robots_reads(
    con: duckdb.DuckDBPyConnection, since: datetime
) -> list[tuple[str, str, int | None, datetime]]:
    """(robots.txt URL, outcome, status code, when) of each robots.txt's latest fetch at or after `since`.
    No index: rows are appended in time order, so DuckDB's min-max per row group skips all but the last days'
    (EXPLAIN ANALYZE, 3M events over 6 months: 7 of 25 row groups scanned, 22 ms)."""
    rows = con.execute(
        """
        SELECT url, arg_max(outcome, "at"), arg_max(status_code, "at"), max("at") FROM fetch_events
        WHERE kind = 'robots' AND "at" >= $since GROUP BY url ORDER BY url
        """,
        {"since": since},
    ).fetchall()
    return [(str(url), str(outcome), None if status is None else int(status), at) for url, outcome, status, at in rows]
