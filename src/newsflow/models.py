"""Plain data passed between stages: frozen dataclasses, UTC-aware datetimes.

No I/O here. Every stage is a function from these values to these values, so it can be
tested without a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum


class Outcome(StrEnum):
    """What happened to one HTTP attempt or one extraction; stored in `fetch_events.outcome`."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    HTTP_ERROR = "http_error"
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    CONNECT_ERROR = "connect_error"
    PROTOCOL_ERROR = "protocol_error"  # connected, then the server closed, reset or broke HTTP
    DNS_ERROR = "dns_error"
    TOO_LARGE = "too_large"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    REDIRECT_LOOP = "redirect_loop"
    BLOCKED = "blocked"
    INVALID_URL = "invalid_url"
    ROBOTS_DISALLOWED = "robots_disallowed"
    NOT_HTML = "not_html"
    PARSE_ERROR = "parse_error"
    EXTRACT_EMPTY = "extract_empty"
    EXTRACT_TIMEOUT = "extract_timeout"
    EXTRACT_ERROR = "extract_error"
    LEFT_BY_BUDGET = "left_by_budget"  # fetched whole, not extracted by the run's budget: no attempt, next run's
    LEFT_BY_CLUSTER = "left_by_cluster"  # its Dask batch never came back (a worker killed): no attempt, next run's
    KILLED_WORKER = "killed_worker"  # sent alone after such a loss, its Dask worker was killed again: counted
    FETCH_ERROR = "fetch_error"  # an unexpected exception inside the fetcher; the error names it
    FAILED = "failed"  # a bug escaped for this feed or entry: the error names the exception


LEFT_OUTCOMES = frozenset({Outcome.LEFT_BY_BUDGET, Outcome.LEFT_BY_CLUSTER})
"""An article the run left, saying nothing of its page: no failure, no attempt counted, deferred to the next run."""

TAKEN_WHOLE_OUTCOMES = frozenset({Outcome.OK, Outcome.EXTRACT_EMPTY, Outcome.EXTRACT_TIMEOUT, Outcome.EXTRACT_ERROR,
                                  Outcome.LEFT_BY_BUDGET, Outcome.FAILED})
"""The stored outcome of an article page the fetcher took whole (`FetchResult.ok`), answered 2xx: its extraction's,
or `failed` when building its row failed. A run's `articles_fetched` counts such pages; so does the sweep of an
abandoned run, from its fetch events (hunt 50). A fetcher's own `failed` has no status code, so 2xx tells it apart."""


class FailureClass(StrEnum):
    """How a failure should be treated on the next poll (see `errors.classify_outcome`)."""

    TEMPORARY = "temporary"
    SOFT = "soft"
    HARD = "hard"


class FetchKind(StrEnum):
    FEED = "feed"
    ARTICLE = "article"
    ROBOTS = "robots"


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    tags: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class FeedState:
    """What the warehouse remembers about a feed between runs."""

    feed_id: str
    etag: str | None = None
    last_modified: str | None = None
    consecutive_failures: int = 0
    last_polled_at: datetime | None = None
    poll_interval: int | None = None
    next_poll_at: datetime | None = None
    retired: bool = False
    has_entries: bool = False
    # The feed moved (newsflow.feedmoves): the URL polled instead of the config's, and the
    # permanent redirect being watched before it is adopted.
    adopted_url: str | None = None
    redirect_url: str | None = None
    redirect_polls: int = 0
    redirect_since: datetime | None = None
    # The outcome of the last counted poll (feeds.last_outcome): with `consecutive_failures`, whether the feed
    # was failing to be reached at all (polling.PollReach.was_unreachable) or its server answered a failure.
    last_outcome: str | None = None
    # When its polls began failing to reach it, in a row (feeds.unreachable_since): an outage spares it a day at
    # most (outages.outage_spares).
    unreachable_since: datetime | None = None
    # When its polls began being turned away, in a row (feeds.turned_away_since: NXDOMAIN, a public address
    # refusing): a lone site so backs off an hour at most for a day from then (outages.doubt_caps, red team 35).
    turned_away_since: datetime | None = None
    # The boot clock at its first poll that failed to reach it (newsflow.boottime): the grace measured on a clock
    # that no setting of the wall clock moves back (red team 35).
    unreachable_boot: str | None = None
    unreachable_uptime: float | None = None


@dataclass(frozen=True)
class FetchResult:
    """One HTTP attempt, successful or not. Fetching never raises for network trouble.

    A feed keeps its `body` (content-decoded bytes, for feedparser); an article keeps only its
    `html`: decoded with the page's charset, then encoded as UTF-8. A batch holds hundreds of
    pages, and a str of a page with one character beyond Latin-1 takes 2 or 4 bytes a character.
    """

    url: str
    final_url: str
    kind: FetchKind
    outcome: Outcome
    at: datetime
    status_code: int | None = None
    error: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    html: bytes = b""
    bytes_read: int = 0
    elapsed_ms: int = 0
    retry_after: float | None = None
    # `blocked` because the host NAME resolved to a refused address, not because the URL named one:
    # a captive portal or a DNS hijack answers so for every name, so it is no verdict on the URL.
    answer_refused: bool = False
    # `timeout` on a connection that was made and sent back not one byte (a blackholing network
    # or a hung proxy looks so): evidence of a network outage when many hosts do it (newsflow.polling).
    unanswered: bool = False
    # `dns_error` because the DNS answered that the name does not exist (NXDOMAIN): the network is up and the
    # name is gone (a lapsed domain), unlike a lookup that was not answered (newsflow.intercepts).
    name_unknown: bool = False
    # `connect_error` because an address of the host refused the connection, none answered, and each is a public
    # one: the network carried the request there and back, so the site is gone, not the network
    # (netguard.RefusedAtAddresses).
    site_refused: bool = False
    # The redirects followed, in order: (status, absolute target). A feed adopts the target of a
    # chain of permanent ones (newsflow.feedmoves).
    redirects: tuple[tuple[int, str], ...] = ()
    # The address the last answer came from (netguard), "" when unknown: a page served at 3 sites'
    # URLs from one address is that host's (an "account suspended" page), from 3 a network's.
    address: str = ""
    # `robots_disallowed` because the URL's robots.txt was too costly to match against it (`robots.Unmatchable`): no
    # verdict, so not counted and never parked: tried again each run, its entry's last error saying why (red team 50).
    robots_unmatched: bool = False
    # Taken from the pages an earlier run's budget left (`leftpages`) without a request this run: its status is
    # that run's answer, no evidence that the network answers now (`intercepts.answered_any`).
    kept: bool = False

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def text(self) -> str | None:
        """An article's HTML as text; None for a feed or a failure."""
        return self.html.decode("utf-8") if self.html else None


@dataclass(frozen=True)
class FeedEntry:
    """One item of a parsed feed. `key` is the GUID, or the link when there is no GUID."""

    feed_id: str
    key: str
    url: str
    canonical_url: str
    title: str | None
    summary: str | None
    published_at: datetime | None
    published_date: date | None = None  # the feed date's day in the offset the feed gave (publisher's day)
    published_zone_given: str | None = None  # 'offset' | 'utc' | 'none' | 'unread': its date's zone (feeds)
    # The canonical URL the rule before Analyst 54 made of the link when it differs (an AMP copy's, an IPv6 host as
    # written): an entry stored by that rule is this one (`warehouse.insert_entries`).
    former_canonical_url: str | None = None
    # The feed's `updated` date of the entry (UTC; None when it gives none with a zone): an entry seen again whose
    # `updated` moved forward leads to a refetch of its stored article (`warehouse.insert_entries`, "Updates 58").
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: tuple[FeedEntry, ...]
    bozo: bool = False
    bozo_reason: str | None = None
    ttl_seconds: int | None = None
    update_period_seconds: int | None = None
    long_links: int = 0  # items dropped because their only link is over `urls.MAX_URL_CHARS`


@dataclass(frozen=True)
class ExtractedArticle:
    """What extraction found in one page; the text is already normalised."""

    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    sitename: str | None = None
    page_canonical_url: str | None = None
    language_source: str | None = None  # 'declared' | 'detected' | 'both' (newsflow.language)
    published_date: date | None = None  # the publication day in the publisher's own offset (newsflow.dates)
    published_ago: timedelta | None = None  # a page dated only "2 hours ago", or by a kicker beside it: that age
    publisher_zone: str | None = None  # the IANA zone the page's country or language names (newsflow.localtime)
    publisher_zone_guessed: bool = False  # that zone is only its language's or a several-zone country's (localtime)
    published_month_day: tuple[int, int] | None = None  # a page dated only "Mar 1": month, day (newsflow.yearless)
    published_by_image: bool = False  # only an image's or a loaded file's URL names that day: the feed's wins (dates)
    published_by_update: bool = False  # published_at is only the page's modification: the feed's date wins (dates)
    update_printed: bool = False  # that modification is an "Updated 12 March" the page prints, not only metadata
    published_offset_given: bool = False  # published_at was stated in an offset other than UTC's (articledates)
    published_order_open: bool = False  # its day rests only on a "12/02/2026" of either order (numericorder)


@dataclass(frozen=True)
class Article:
    """One row of the `articles` table."""

    article_id: str
    canonical_url: str
    url: str
    feed_id: str
    title: str | None
    author: str | None
    published_at: datetime | None
    language: str | None
    sitename: str | None
    text: str
    word_count: int
    content_hash: str
    story_id: str
    fetched_at: datetime
    run_id: str
    language_source: str | None = None  # 'declared' | 'detected' | 'both'; None with no language
    published_date: date | None = None  # the publisher's local day of published_at (migration 0014)


@dataclass(frozen=True)
class FetchEvent:
    """One row of the `fetch_events` table."""

    run_id: str
    at: datetime
    kind: FetchKind
    feed_id: str | None
    url: str
    status_code: int | None
    outcome: Outcome
    error: str | None
    bytes_read: int
    elapsed_ms: int

    @classmethod
    def from_result(cls, result: FetchResult, run_id: str, feed_id: str | None) -> FetchEvent:
        return cls(
            run_id=run_id,
            at=result.at,
            kind=result.kind,
            feed_id=feed_id,
            url=result.url,
            status_code=result.status_code,
            outcome=result.outcome,
            error=result.error,
            bytes_read=result.bytes_read,
            elapsed_ms=result.elapsed_ms,
        )


@dataclass(frozen=True)
class HostPause:
    """A host's Retry-After pause, kept across runs (`host_pauses`, migration 0100): nothing is sent to
    `host` before `until_at`. `status` and `url` say which answer asked for it."""

    host: str
    until_at: datetime
    asked_at: datetime
    status: int | None = None
    url: str | None = None

    def as_of(self, now: datetime) -> HostPause:
        """This pause, moved back to start `now` when it was asked after `now`: the clock has been set back
        since, and a pause measured from a time to come would hold its host until the clock got there."""
        ahead = self.asked_at - now
        return replace(self, until_at=self.until_at - ahead, asked_at=now) if ahead > timedelta(0) else self


def latest_pauses(pauses: Iterable[HostPause], now: datetime) -> dict[str, HostPause]:
    """Per host, the pause that ends last (each as of `now`: `HostPause.as_of`), leaving out those passed at `now`:
    what a run holds (`hostholds.in_force`) and what the warehouse keeps (`warehouse.write_host_pauses`)."""
    latest: dict[str, HostPause] = {}
    for pause in (kept.as_of(now) for kept in pauses):
        if pause.until_at > now and (pause.host not in latest or pause.until_at > latest[pause.host].until_at):
            latest[pause.host] = pause
    return latest


@dataclass(frozen=True)
class FeedPollState:
    """What one poll leaves in the `feeds` row, written in the same transaction as its entries."""

    feed_id: str
    polled_at: datetime
    status: str
    outcome: str
    failed: bool
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    entries_seen: int = 0
    entries_new: int = 0
    possibly_missed: bool = False
    poll_interval: int = 0
    next_poll_at: datetime | None = None
    retire: bool = False
    adopted_url: str | None = None  # what the feed's next poll fetches instead of its config URL
    redirect_url: str | None = None
    redirect_polls: int = 0
    redirect_since: datetime | None = None
    reset_validators: bool = False  # the poll fell back to the config URL: the old validators were another server's
    unreachable: bool = False  # the poll failed to reach the feed (feeds.unreachable_since)
    turned_away: bool = False  # ... the network turning it away (feeds.turned_away_since)
    boot: str | None = None  # the boot clock at the poll (feeds.unreachable_boot, unreachable_uptime)
    uptime: float | None = None


@dataclass(frozen=True)
class PendingArticle:
    """An entry whose article is not stored yet: the work list of the fetch stage."""

    canonical_url: str
    url: str
    feed_id: str
    title: str | None
    published_at: datetime | None
    published_date: date | None = None  # the feed date's day in the offset the feed gave (entries.published_date)
    published_zone_given: str | None = None  # 'offset' | 'utc' | 'none' | 'unread' (entries.published_zone_given)
    lost_with_batch: bool = False  # its last attempt was lost with its Dask batch: sent alone (leftbatches)


@dataclass(frozen=True)
class EntryAttempt:
    """The result of trying to fetch one pending article, recorded on its entries."""

    entry_canonical_url: str
    outcome: str
    article_id: str | None
    error: str | None = None
    counts: bool = True  # False for outcomes that say nothing about the entry (rate_limited)
    at: datetime | None = None  # when it was fetched (a replayed load keeps it); None: the load's time
    terminal: bool | None = None  # another try would not change it; None: decided by its outcome
