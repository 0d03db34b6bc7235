"""Whether a run's polls tell the machine's network down (a network outage), documented in docs/polling.md.

When nearly every feed of a run fails to resolve or connect (`is_network_outage`), the
machine is offline, not the feeds: the run records an outage and no feed is penalised. A connect
that got no answer within the deadline is a `connect_error` too (the fetcher tells it from a
server slow to answer, which stays `timeout` and does not count). A `timeout` on a connection
that sent back not one byte (`FetchResult.unanswered`: a network that accepts connections and
drops the rest, a hung proxy) counts as well, but only from feeds that were not failing already,
and only when such silences come from at least `OUTAGE_MIN_HOSTS` hosts: a slow server or two,
or one host holding many feeds, back off as before, and a server that hangs keeps backing off
once it has failed a poll that was not an outage.

An outage spares a feed for `OUTAGE_GRACE` at most (`outage_spares`), and a failure to reach counted while the
network is in doubt backs off briefly (`judge_run`, `doubt_caps`): red team 33, docs/polling.md, "An outage that
lasts".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newsflow.models import FeedState, FetchResult, Outcome
from newsflow.portals import landed_elsewhere, network_pages
from newsflow.urls import host_of, site_of

# A run is a network outage when at least this share of at least OUTAGE_MIN_FEEDS polled feeds
# could not resolve or connect.
OUTAGE_SHARE = 0.8
OUTAGE_MIN_FEEDS = 3
UNREACHABLE_OUTCOMES = frozenset({Outcome.DNS_ERROR, Outcome.CONNECT_ERROR})
# Unanswered connections count toward an outage only when they come from this many hosts at least.
OUTAGE_MIN_HOSTS = 3
# An outage spares a feed this long at most, from its first poll that failed to reach it: a night offline is
# spared, a site gone for weeks is not hidden by it (red team 33). Measured in time: runs may come every minute.
OUTAGE_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class PollReach:
    """What one poll of a run says about this machine's network."""

    outcome: Outcome
    host: str = ""
    unanswered: bool = False  # connected, and not one byte came back by the deadline
    was_failing: bool = False  # the feed's last counted poll had failed already
    site: str = ""  # the site of the URL polled
    # Where a failed poll was sent to on another site by a temporary redirect (`landed_elsewhere`),
    # else the page it was served instead of a feed (`page_digest`).
    landed: str = ""
    address: str = ""  # the address the answer came from (FetchResult.address)
    name_unknown: bool = False  # the DNS answered that the name does not exist (NXDOMAIN: a lapsed domain)
    # The feed was failing already, its last counted poll unreachable too (a site down, caught while something
    # else answered), not a failure its server answered (a 503): `is_network_outage`'s few-polls rule.
    was_unreachable: bool = False
    # An address of the site refused the connection, none answered, each a public one (FetchResult.site_refused).
    site_refused: bool = False


def turned_away(poll: PollReach) -> bool:
    """The network answered that the site is not there: its DNS said the name does not exist (NXDOMAIN), or its
    public address refused the connection. The network is up: that is the site's failure, unless such answers
    come from `OUTAGE_MIN_HOSTS` sites (a resolver answering NXDOMAIN for everything, a firewall refusing every
    connection) or beside polls that tell an outage on their own (`_down_beside_lapsed`)."""
    return poll.name_unknown or poll.site_refused


def reach_of(result: FetchResult, outcome: Outcome, was_failing: bool, served: str = "",
             was_unreachable: bool = False) -> PollReach:
    """The poll's `PollReach`, judged with `outcome` (the poll's: a parse may have failed an `ok` fetch).

    `served` is the `page_digest` of a body that was no feed: a captive portal that answers `200`
    with its own page at every URL, without redirecting, lands every feed on it so (red team 14)."""
    failed = outcome not in (Outcome.OK, Outcome.NOT_MODIFIED)
    return PollReach(outcome, host_of(result.final_url), result.unanswered, was_failing, site_of(host_of(result.url)),
                     (landed_elsewhere(result) or served) if failed else "", result.address,
                     result.name_unknown and outcome is Outcome.DNS_ERROR, was_failing and was_unreachable,
                     result.site_refused and outcome is Outcome.CONNECT_ERROR)


def is_network_outage(polls: Sequence[Outcome | PollReach]) -> bool:
    """Nearly every feed polled failed to resolve or connect, or connected to silence on several
    hosts, or was redirected to one page with feeds of several other sites (a captive portal): the
    machine's outage, not theirs.

    A feed already failing before this run that meets silence again tells nothing about the
    network (it may be a server that hangs): it is left out of the count, for and against.

    The share holds over the sites polled too: one site carrying most of the feeds that stops
    resolving (its domain lapsed) made every run an outage, and no other site's article was tried
    for as long as it stayed down (red team 14).

    A name the DNS answered does not exist (NXDOMAIN) counts only from `OUTAGE_MIN_HOSTS` sites: the
    DNS answered, so one site's lapsed domain is that site's, however many feeds it carries (red
    team 31: 3 feeds of one lapsed site were an outage every run, never backed off), or beside polls
    that tell an outage on their own (`_down_beside_lapsed`). So does a connection refused by every public
    address of a site (`turned_away`, red team 33: a one-feed install whose site was gone, its address
    refusing, was an outage every run for weeks).

    Fewer than `OUTAGE_MIN_FEEDS` polls (a small install, or a run in which one or two feeds are due)
    make an outage when every one failed so and one of them was not failing already: nothing answered
    and nothing said a name was gone. Before, one or two feeds of a laptop offline for a night backed
    off step by step, silent for hours once it was back (red team 31). A feed already failing, polled
    alone, backs off again: a site that is down is caught in a run where anything else answered. Only
    one whose last counted poll was unreachable too (`PollReach.was_unreachable`): "already failing" was
    any failure, so a lone feed whose server answered one 503 in the evening backed off step by step
    through the night offline after (review of red team 31)."""
    return _outage_of(judged_polls(polls))


def _outage_of(judged: Sequence[PollReach]) -> bool:
    """`is_network_outage` on the polls it judges."""
    offline = offline_polls(judged)
    sites, offline_sites = {p.site for p in judged}, {p.site for p in offline}
    if 0 < len(judged) < OUTAGE_MIN_FEEDS:
        return len(offline) == len(judged) and not all(p.was_unreachable for p in judged)
    return (len(judged) >= OUTAGE_MIN_FEEDS and len(offline) >= OUTAGE_SHARE * len(judged)
            and len(offline_sites) >= OUTAGE_SHARE * len(sites))


def judged_polls(polls: Sequence[Outcome | PollReach]) -> list[PollReach]:
    """The polls an outage is judged on: silence from a feed already failing tells nothing (`is_network_outage`)."""
    reaches = [p if isinstance(p, PollReach) else PollReach(p) for p in polls]
    return [p for p in reaches if not (p.unanswered and p.was_failing)]


def outage_holds_articles(polls: Sequence[Outcome | PollReach]) -> bool:
    """An outage told from `OUTAGE_MIN_FEEDS` polls judged or more: the run tries no article (`runner.ingest`).
    One told from fewer spares the feeds' back-off only. Counted as the outage is judged, not as polls made:
    3 polls, one a failing feed's silence, were an outage of one or two polls that the runner, counting 3,
    took for one that holds the articles back, and tried none (review of red team 31)."""
    return len(judged_polls(polls)) >= OUTAGE_MIN_FEEDS and is_network_outage(polls)


def offline_polls(judged: Sequence[PollReach]) -> list[PollReach]:
    """The polls of `judged` that tell the machine's network down, judged together (`is_network_outage`)."""
    silent_hosts = {p.host for p in judged if p.unanswered}
    silence_counts = len(silent_hosts) >= OUTAGE_MIN_HOSTS
    lapsed_counts = len({p.site for p in judged if turned_away(p)}) >= OUTAGE_MIN_HOSTS or _down_beside_lapsed(judged)
    portal_pages = network_pages((p.site, p.landed, p.address) for p in judged if p.landed)
    return [p for p in judged
            if (p.outcome in UNREACHABLE_OUTCOMES and (lapsed_counts or not turned_away(p)))
            or (p.unanswered and silence_counts) or p.landed in portal_pages]


def _down_beside_lapsed(judged: Sequence[PollReach]) -> bool:
    """The polls other than NXDOMAIN ones, `OUTAGE_MIN_FEEDS` or more, tell an outage on their own: then a DNS
    answering "no such name" is the outage's (a captive portal's, a resolver cut off), not the name's authority.
    Counted only from 3 sites, a portal answering 2 sites of 3 with its own address and the third "no such name"
    was no outage, and every feed was penalised behind it (CI's soak world, seed 2036, after red team 31)."""
    others = [p for p in judged if not turned_away(p)]
    return OUTAGE_MIN_FEEDS <= len(others) < len(judged) and _outage_of(others)


@dataclass(frozen=True)
class RunVerdict:
    """What a run's polls told about the machine's network."""

    outage: bool  # `is_network_outage`: runs.network_outage
    # Nothing told the network up: the polls would be an outage were no feed failing already (a site gone, a
    # server hanging, or the machine offline for longer than `OUTAGE_GRACE`): a failure to reach may be the
    # network's, so its back-off is kept short (`polling.DOUBT_BACKOFF_CAP`).
    in_doubt: bool
    # A server answered a poll of the run over HTTP, on its own page (`ANSWERED_OUTCOMES`): the network reached it,
    # so no firewall or kill switch refuses every connection (`doubt_caps`).
    answered: bool = False
    # An outage told from `OUTAGE_MIN_FEEDS` polls judged or more: the run tries no article (`outage_holds_articles`).
    holds_articles: bool = False


# Outcomes only a server reached over the network gives (not a refusal, a timeout, nor netguard's block).
ANSWERED_OUTCOMES = frozenset({Outcome.OK, Outcome.NOT_MODIFIED, Outcome.HTTP_ERROR, Outcome.RATE_LIMITED,
                               Outcome.TOO_LARGE, Outcome.TOO_MANY_REDIRECTS, Outcome.REDIRECT_LOOP})


def judge_run(polls: Sequence[PollReach], seen_up: bool = False) -> RunVerdict:
    """The run's verdict on its polls (`is_network_outage`, whether the network is in doubt, whether the outage
    holds the articles back), judged once (`polls.poll_feeds` judged the outage twice before red team 35).

    `seen_up`: earlier runs showed the network up within the hour, nothing failing to reach since
    (`network_seen_up`): a failing feed's lone poll that fails to connect is then no doubt (red team 35). Not one
    that fails to resolve: a network that dropped since the last run (a laptop's lid closed, no Wi-Fi yet) shows in
    no earlier run, and its first sign is a name that no longer resolves; a name that resolved, the resolver
    answering, tells the network up (review of red team 35)."""
    fresh = [replace(p, was_failing=False, was_unreachable=False) for p in polls]
    judged = judged_polls(polls)
    outage = _outage_of(judged)
    # An outage is in doubt by itself: judged fresh, a failing feed's silence counts against it and may undo it
    # (3 names unresolved beside one hanging server), and its overdue feeds then backed off in full (review).
    answered = any(p.outcome in ANSWERED_OUTCOMES and not p.landed for p in polls)
    vouched = seen_up and not any(p.outcome is Outcome.DNS_ERROR for p in polls)
    in_doubt = outage or (not vouched and _outage_of(judged_polls(fresh)))
    return RunVerdict(outage, in_doubt, answered, outage and len(judged) >= OUTAGE_MIN_FEEDS)


# Earlier runs vouch for the network this long after a poll they got an answer to (`network_seen_up`).
SEEN_UP_WITHIN = timedelta(hours=1)


def network_seen_up(states: Iterable[FeedState], at: datetime) -> bool:
    """Earlier runs showed the network up: a feed's last poll was answered within `SEEN_UP_WITHIN` before `at`, and
    no feed has begun failing to reach its site since (`FeedState.unreachable_since`). Then a site that cannot be
    connected to, polled alone in its run, is the site's failure: it backed off an hour at most, every time no
    other feed happened to be due, in an install whose other feeds answered a run earlier (red team 35). Not the
    refusals of `doubt_caps`: a kill switch may have come up since (the network then "up" to a refusing address)."""
    answered = {outcome.value for outcome in ANSWERED_OUTCOMES}
    up = max((s.last_polled_at for s in states if s.last_polled_at is not None and s.consecutive_failures == 0
              and s.last_outcome in answered), default=None)
    if up is None or not timedelta(0) <= at - up <= SEEN_UP_WITHIN:
        return False
    return all(s.unreachable_since is None or s.unreachable_since < up for s in states)


def outage_spares(verdict: RunVerdict, poll: PollReach, unreachable_since: datetime | None, at: datetime,
                  by_boot: timedelta | None = None) -> bool:
    """Whether the run's outage spares the feed this poll failed to reach: no failure counted, its plan kept.

    Not once its polls have failed to reach it for `OUTAGE_GRACE` (`unreachable_since`, this poll's time when it
    is the first): an outage that lasts a day or more (a site gone while it was polled alone, or the machine
    offline for days) hid the feed's failure for good, polled every run, `newsflow feeds` showing 0 failures
    (red team 33).

    `by_boot`: the time passed since that first poll by the boot clock (`newsflow.boottime`), when it was read in
    this boot. The longer of the two counts: a wall clock set back at every run of an outage restarted the grace each
    time (`unreachable_since` is taken back to a poll earlier than it), and a site that died offline was never
    counted (red team 35)."""
    return verdict.outage and max(at - (unreachable_since or at), by_boot or timedelta(0)) < OUTAGE_GRACE


def doubt_caps(verdict: RunVerdict, poll: PollReach, turned_away_since: datetime | None, at: datetime) -> bool:
    """Whether a failure to reach counted in this run backs off briefly (`polling.DOUBT_BACKOFF_CAP`): nothing told
    the network up. That holds for polls the network turned away too (`turned_away`): in a run in doubt they were
    judged the network's, from 3 sites or beside an outage the others tell (a firewall refusing every connection,
    a resolver answering "no such name" for everything), never a lone site's (review of red team 33).

    A lone site turned away is counted at once, but backs off briefly too until the feed has been turned away for
    `OUTAGE_GRACE` (`turned_away_since`; this poll's time `at` when it is the first): one or two sites cannot tell
    their sites gone from a local firewall or a VPN's kill switch refusing every connection, which backed the feeds
    off in full, 85 minutes after 5 refusals, 21 hours after 9, silent that long once it was lifted (red team 34).
    A site gone is shown failing at once, polled about hourly for a day, then backed off in full. Not when another
    poll of the run was answered (`RunVerdict.answered`): the network reached that server, so the refusal is the
    site's and backs off in full at once (review of red team 34: a site gone among 100 healthy ones was polled
    hourly for a day). Measured from the first refusal, not from the first failure to reach (red team 35): the
    grace spent offline for a weekend left a kill switch's refusals after it backing off in full at once."""
    if verdict.in_doubt:
        return True
    return turned_away(poll) and not verdict.answered and at - (turned_away_since or at) < OUTAGE_GRACE


def site_turned_away(verdict: RunVerdict, poll: PollReach) -> bool:
    """The network turned the poll's site away (`turned_away`), and the run took that for the site's failure, not
    the network's: reported so (runs.feeds_turned_away), backed off in full unless `doubt_caps` keeps it short."""
    return turned_away(poll) and not verdict.in_doubt
