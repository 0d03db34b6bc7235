"""The newsflow exception tree.

    NewsflowError
    ├── ConfigError             bad config: names the key at fault; raised before any I/O
    ├── InputError              bad input on the command line or in a file the user named (exit 2)
    │   └── QueryError              SQL DuckDB refuses, or a --param it cannot take
    │       └── ReadOnlyQueryError      `newsflow query` was given a statement that is not one read
    ├── OutputError             a file newsflow was asked to write cannot be written (exit 1)
    ├── WarehouseError          the warehouse cannot be opened, migrated or written
    │   └── WarehouseLockedError    another process holds DuckDB's file lock
    │       └── WarehouseHeldError      ... and it is not a newsflow run: a reader (DBeaver, a notebook)
    └── FeedParseError          bytes that are not a feed (HTML, empty, garbage)

Network failures and empty extractions are *outcomes*, not exceptions: the fetcher and the
extractor return a value carrying an `Outcome`, which the warehouse records in
`fetch_events`. `classify_outcome` sorts failing outcomes into temporary, soft and hard.
"""

from __future__ import annotations

from newsflow.models import LEFT_OUTCOMES, FailureClass, Outcome


class NewsflowError(Exception):
    """Base class for every error newsflow raises on purpose."""


class ConfigError(NewsflowError):
    def __init__(self, key: str, message: str) -> None:
        self.key = key
        self.message = message
        super().__init__(f"config error at {key}: {message}")


class InputError(NewsflowError):
    pass


class QueryError(InputError):
    pass


class ReadOnlyQueryError(QueryError):
    pass


class OutputError(NewsflowError):
    pass


class WarehouseError(NewsflowError):
    pass


# How a write failure's line ends (`Warehouse.writing`, `spool.spool_load`): true of a batch, not of the run's row,
# whose batches are stored already (`readersafe.said_of_the_row` words that one: hunt 49).
NOTHING_OF_THE_LOAD = "Nothing of this load was stored; what the run fetched stays pending for the next run"


class WarehouseLockedError(WarehouseError):
    pass


class NoWarehouseYet(WarehouseError):
    """A reader found no warehouse: no file, or one the first run did not finish making (empty, no tables)."""


class WarehouseHeldError(WarehouseLockedError):
    """The file is held open by a process that is not a newsflow run: a run spools instead (newsflow.spool)."""


class FeedParseError(NewsflowError):
    pass


# One DNS failure is temporary: it is as often the machine's network as the feed's domain.
_TEMPORARY = {
    Outcome.TIMEOUT,
    Outcome.RATE_LIMITED,
    Outcome.CONNECT_ERROR,
    Outcome.PROTOCOL_ERROR,
    Outcome.DNS_ERROR,
}
_HARD = {
    Outcome.BLOCKED,
    Outcome.INVALID_URL,
    Outcome.ROBOTS_DISALLOWED,
}


def classify_outcome(outcome: Outcome, status_code: int | None = None) -> FailureClass | None:
    """Temporary: retry soon. Soft: probably our problem or theirs for a while. Hard: give up.

    Returns None for outcomes that are not failures (`ok`, `not_modified`, `left_by_budget`, `left_by_cluster`).
    """
    if outcome in (Outcome.OK, Outcome.NOT_MODIFIED) or outcome in LEFT_OUTCOMES:  # the left: nothing said of the page
        return None
    if outcome is Outcome.HTTP_ERROR and status_code is not None:
        if status_code == 410:
            return FailureClass.HARD
        if status_code >= 500 or status_code == 429:
            return FailureClass.TEMPORARY
        return FailureClass.SOFT
    if outcome in _TEMPORARY:
        return FailureClass.TEMPORARY
    if outcome in _HARD:
        return FailureClass.HARD
    # Everything else is soft, `fetch_error` included: an unexpected exception inside the fetcher
    # (a bug or a library surprise on one URL). A soft feed backs off step by step; an article
    # with it counts an attempt, so it is retried a bounded number of times, then parked.
    return FailureClass.SOFT
