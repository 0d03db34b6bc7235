"""The outage rule over days of runs (red team 33): offline spells of random lengths, a site that dies.

Pure: the policy's own functions (`outages.judge_run`, `outages.outage_spares`, `outages.doubt_caps`,
`polling.plan_next_poll`) driven by a simulated clock, one run every 15 minutes, as `newsflow serve` runs; the
feed's row is kept as the warehouse keeps it (tests/hostile/test_redteam33.py runs the same on real runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.models import FailureClass, Outcome
from newsflow.outages import (
    OUTAGE_GRACE,
    PollReach,
    RunVerdict,
    doubt_caps,
    judge_run,
    outage_holds_articles,
    outage_spares,
    site_turned_away,
)
from newsflow.polling import (
    BACKOFF_BASE_SECONDS,
    DOUBT_BACKOFF_CAP,
    JITTER,
    PollHistory,
    PollObservation,
    jitter_for,
    plan_next_poll,
)

START = datetime(2026, 12, 1, tzinfo=UTC)
RUN_EVERY = timedelta(minutes=15)
RUNS = 4 * 24 * 3  # three days
MAX_INTERVAL = 86400
# A healthy feed after a spell longer than the grace: its last back-off (jittered), then the next run.
RECOVERY_BOUND = timedelta(seconds=DOUBT_BACKOFF_CAP * (1 + JITTER)) + RUN_EVERY


@dataclass
class FeedRow:
    """A feed's row in `feeds`, as far as the outage rule reads and writes it."""

    failures: int = 0
    last_outcome: Outcome | None = None
    next_poll_at: datetime | None = None
    unreachable_since: datetime | None = None
    turned_away_since: datetime | None = None  # its first poll turned away, in a row (red team 35)
    last_through: datetime = START  # its last poll that came through (the world's start before any)
    counted_at: list[datetime] = field(default_factory=list)  # its counted failures
    intervals: list[float] = field(default_factory=list)  # the back-off planned after each
    # whether each was the site refusing at a public address, the failures in a row before it, whether the feed
    # had been turned away (else unreachable) for `OUTAGE_GRACE` by then, and whether another feed of the run was
    # answered
    turned_away: list[tuple[bool, int, bool, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class World:
    healthy: int  # feeds of sites that never fail
    dead_at: int | None  # the run from which the last feed's site is gone
    refuses_publicly: bool  # how it is gone: its public address refusing, or a name no DNS answers for
    offline: frozenset[int]  # the runs in which the machine is offline

    def reach(self, name: str, run: int, row: FeedRow) -> PollReach:
        failing = row.failures > 0
        unreachable = failing and row.last_outcome in (Outcome.DNS_ERROR, Outcome.CONNECT_ERROR)
        if run in self.offline:
            return PollReach(Outcome.DNS_ERROR, name, site=name, was_failing=failing, was_unreachable=unreachable)
        if name == "dead" and self.dead_at is not None and run >= self.dead_at:
            outcome = Outcome.CONNECT_ERROR if self.refuses_publicly else Outcome.DNS_ERROR
            return PollReach(outcome, name, site=name, was_failing=failing, was_unreachable=unreachable,
                             site_refused=self.refuses_publicly)
        return PollReach(Outcome.OK, name, site=name)


def run_world(world: World) -> dict[str, FeedRow]:
    names = [f"healthy{i}" for i in range(world.healthy)] + ["dead"]
    rows = {name: FeedRow() for name in names}
    for run in range(RUNS):
        now = START + run * RUN_EVERY
        due = [n for n in names if rows[n].next_poll_at is None or rows[n].next_poll_at <= now]  # type: ignore[operator]
        reaches = {n: world.reach(n, run, rows[n]) for n in due}
        verdict = judge_run(list(reaches.values()))
        answered = any(r.outcome is Outcome.OK for r in reaches.values())
        for name, reach in reaches.items():
            record_poll(rows[name], reach, verdict, now, name, answered)
        check_run(world, rows, run, now, due)
    return rows


def record_poll(row: FeedRow, reach: PollReach, verdict: object, now: datetime, name: str, answered: bool) -> None:
    if reach.outcome is Outcome.OK:
        row.failures, row.last_outcome, row.unreachable_since, row.next_poll_at = 0, Outcome.OK, None, now
        row.turned_away_since = None
        row.last_through = now
        return
    row.unreachable_since = row.unreachable_since or now
    row.turned_away_since = (row.turned_away_since or now) if reach.site_refused else None
    if outage_spares(verdict, reach, row.unreachable_since, now):  # type: ignore[arg-type]
        return  # the outage spares it: no failure counted, the old plan kept
    seen = PollObservation(now, FailureClass.TEMPORARY, jitter=jitter_for(name, row.failures),
                           network_doubt=doubt_caps(verdict, reach, row.turned_away_since, now))  # type: ignore[arg-type]
    plan = plan_next_poll(PollHistory(now - RUN_EVERY, None, row.failures), seen, 0, MAX_INTERVAL)
    row.counted_at.append(now)
    row.intervals.append(plan.interval)
    past_grace = now - (row.turned_away_since or row.unreachable_since) >= OUTAGE_GRACE
    row.turned_away.append((reach.site_refused, row.failures, past_grace, answered))
    row.failures, row.last_outcome, row.next_poll_at = row.failures + 1, reach.outcome, plan.next_poll_at


def check_run(world: World, rows: dict[str, FeedRow], run: int, now: datetime, due: list[str]) -> None:
    for name, row in rows.items():
        if name == "dead" and world.dead_at is not None and run >= world.dead_at:
            continue
        if row.counted_at and row.counted_at[-1] == now:  # a healthy feed counted: only after a day offline
            assert run in world.offline and now - row.last_through >= OUTAGE_GRACE, f"{name} counted too soon"
        if run not in world.offline and run - 1 in world.offline:  # back online: the spell just ended
            if row.failures == 0:  # not counted by this spell nor backing off from an earlier one of over a day
                assert name in due, f"{name} not polled on the first run after a night offline"
            else:  # a spell (or spells a back-off apart) of over a day: within its back-off's cap
                assert row.next_poll_at is not None and row.next_poll_at <= now + RECOVERY_BOUND, name


def check_dead(world: World, row: FeedRow) -> None:
    """A dead site is shown failing within a bounded time, and backed off."""
    if world.dead_at is None:
        return
    died = START + world.dead_at * RUN_EVERY
    if died + OUTAGE_GRACE + 2 * RUN_EVERY > START + RUNS * RUN_EVERY:
        return
    assert row.failures > 0, "a dead site never shown failing"
    if world.refuses_publicly:  # seen refusing at the first run after its death in which the machine is online
        seen = next((r for r in range(world.dead_at, RUNS) if r not in world.offline), RUNS)
        deadline = START + seen * RUN_EVERY
    else:
        deadline = died + OUTAGE_GRACE + RUN_EVERY
    assert row.counted_at[0] <= min(deadline, died + OUTAGE_GRACE + RUN_EVERY), "shown failing too late"
    assert all(i >= BACKOFF_BASE_SECONDS * (1 - JITTER) for i in row.intervals), "not backed off"
    for interval, (own, failures, past_grace, answered) in zip(row.intervals, row.turned_away, strict=True):
        full = min(BACKOFF_BASE_SECONDS * 2**failures, MAX_INTERVAL)
        if own and (past_grace or answered):  # the site's own failure (for a day, or beside a site answered): in full
            assert interval >= full * (1 - JITTER)
        elif own:  # refused alone for less than a day: maybe a local firewall's (red team 34), an hour at most
            assert min(full, DOUBT_BACKOFF_CAP) * (1 - JITTER) <= interval <= DOUBT_BACKOFF_CAP * (1 + JITTER)


SPELLS = st.lists(st.tuples(st.integers(0, RUNS - 1), st.integers(1, 140)), max_size=3)


@settings(max_examples=40, deadline=None)
@given(healthy=st.integers(0, 2), dead_at=st.one_of(st.none(), st.integers(0, RUNS - 1)),
       refuses_publicly=st.booleans(), spells=SPELLS)
def test_days_of_runs_with_offline_spells_and_a_dead_site(
        healthy: int, dead_at: int | None, refuses_publicly: bool, spells: list[tuple[int, int]]) -> None:
    """Invariants: a healthy feed is counted failing only a day or more into an offline spell, and is polled on
    the first run after a spell of a day or less (within the hour's back-off after a longer one); a dead site is
    shown failing at once when its public address refuses, within a day and a run when nothing tells it from the
    machine offline, and backs off."""
    offline = frozenset(run for start, length in spells for run in range(start, min(RUNS, start + length)))
    world = World(healthy, dead_at, refuses_publicly, offline)
    rows = run_world(world)
    check_dead(world, rows["dead"])


def test_a_lone_site_gone_behind_no_answer_is_shown_failing_a_day_on_and_backs_off_an_hour_at_most() -> None:
    """The shrunk case of the class: one feed, its site gone at the first run, nothing answering (no NXDOMAIN, no
    refusal): spared for a day (it may be the machine offline for a night), then counted, an hour at most apart."""
    row = run_world(World(0, 0, False, frozenset()))["dead"]
    assert timedelta(0) <= row.counted_at[0] - (START + OUTAGE_GRACE) <= RUN_EVERY
    assert max(row.intervals) <= DOUBT_BACKOFF_CAP * (1 + JITTER) < sum(row.intervals)


def test_a_failure_to_reach_while_the_network_is_in_doubt_backs_off_an_hour_at_most() -> None:
    """The back-off's cap: 9 failures in a row back off 300 s x 2^8 (21 hours); when nothing told
    the network up, about an hour, or `min_interval` when that is longer."""
    def interval(doubt: bool, min_interval: int = 0) -> int:
        seen = PollObservation(START, FailureClass.TEMPORARY, network_doubt=doubt)
        return plan_next_poll(PollHistory(START - RUN_EVERY, None, 8), seen, min_interval, MAX_INTERVAL).interval
    assert (interval(False), interval(True), interval(True, 7200)) == (300 * 2**8, DOUBT_BACKOFF_CAP, 7200)


def test_an_outage_is_always_a_network_in_doubt_so_its_overdue_feeds_back_off_an_hour_at_most() -> None:
    """An outage told with a failing feed's silence left out (3 names unresolved, a 4th feed, failing already,
    meeting silence) is no outage once that silence is judged too: the verdict was outage but not in doubt, so
    feeds past the grace backed off in full (21 hours after 9 failures) while the run itself said the network was
    down (review of red team 33)."""
    polls = [PollReach(Outcome.DNS_ERROR, s, site=s) for s in ("a.test", "b.test", "c.test")]
    polls.append(PollReach(Outcome.TIMEOUT, "d.test", unanswered=True, was_failing=True, site="d.test"))
    verdict = judge_run(polls)
    assert verdict.outage and doubt_caps(verdict, polls[0], START, START + OUTAGE_GRACE)


def test_refusals_and_nxdomains_that_make_the_outage_are_the_networks_not_the_sites() -> None:
    """Refusals at public addresses (or NXDOMAIN) from 3 sites or more are the network's (a firewall refusing every
    connection, a resolver answering "no such name" for everything): the run is an outage, so past the grace they
    back off an hour at most and are not reported as turned away by their sites. A lone site refusing is its own
    failure (review of red team 33)."""
    refused = [PollReach(Outcome.CONNECT_ERROR, s, site=s, site_refused=True) for s in ("a.test", "b.test", "c.test")]
    lapsed = [replace(p, outcome=Outcome.DNS_ERROR, site_refused=False, name_unknown=True) for p in refused]
    for polls in (refused, lapsed):
        verdict = judge_run(polls)
        assert verdict.outage and all(doubt_caps(verdict, p, START, START + OUTAGE_GRACE)
                                      and not site_turned_away(verdict, p) for p in polls)
    alone = judge_run(refused[:1])
    assert not alone.outage and site_turned_away(alone, refused[0])
    assert not doubt_caps(alone, refused[0], START, START + OUTAGE_GRACE)  # a day refused: the site's, in full


def test_a_lone_poll_is_in_doubt_when_it_failed_to_connect_not_when_its_server_hangs() -> None:
    """What docs/polling.md promises of a feed failing alone in its run: one that cannot be connected to backs off an
    hour at most (nothing told the network up); one whose server accepts and never answers backs off in full, as a
    failing feed's silence tells nothing about the network (review of red team 33)."""
    unconnected = PollReach(Outcome.CONNECT_ERROR, "a.test", was_failing=True, site="a.test", was_unreachable=True)
    hanging = PollReach(Outcome.TIMEOUT, "a.test", unanswered=True, was_failing=True, site="a.test")
    assert [judge_run([p]) for p in (unconnected, hanging)] == [RunVerdict(False, True), RunVerdict(False, False)]


def test_a_lone_site_turned_away_backs_off_an_hour_at_most_for_a_day_then_in_full() -> None:
    """A refusal at a public address (or NXDOMAIN) from one or two sites is counted at once, the site's failure, but
    a local firewall or a VPN's kill switch refusing every connection gives the same: for `OUTAGE_GRACE` from the
    feed's first unreachable poll it backs off an hour at most, then in full (red team 34)."""
    refused = PollReach(Outcome.CONNECT_ERROR, "a.test", site="a.test", site_refused=True)
    lapsed = replace(refused, outcome=Outcome.DNS_ERROR, site_refused=False, name_unknown=True)
    for poll in (refused, lapsed):
        verdict = judge_run([poll])
        assert not verdict.in_doubt and site_turned_away(verdict, poll)
        assert doubt_caps(verdict, poll, None, START) and doubt_caps(verdict, poll, START, START + timedelta(hours=23))
        assert not doubt_caps(verdict, poll, START, START + OUTAGE_GRACE)
    answered = PollReach(Outcome.CONNECT_ERROR, "a.test", site="a.test")  # a connect that failed, no refusal
    assert not doubt_caps(judge_run([answered, PollReach(Outcome.OK, "b.test", site="b.test")]), answered, None, START)


def test_a_site_turned_away_beside_one_that_answered_backs_off_in_full_at_once() -> None:
    """A firewall or a kill switch refuses every connection: when another site answered in the same run, the network
    reached it, and a refusal at a public address (or NXDOMAIN) is the site's own, backed off in full at once
    (review of red team 34: the hour's cap held for a day in every install, a site gone among 100 healthy ones
    polled every hour)."""
    refused = PollReach(Outcome.CONNECT_ERROR, "a.test", site="a.test", site_refused=True)
    lapsed = replace(refused, outcome=Outcome.DNS_ERROR, site_refused=False, name_unknown=True)
    for poll in (refused, lapsed):
        for outcome in (Outcome.OK, Outcome.HTTP_ERROR):
            other = PollReach(outcome, "b.test", site="b.test")
            verdict = judge_run([poll, other])
            assert site_turned_away(verdict, poll) and not doubt_caps(verdict, poll, None, START)
        alone = judge_run([poll, replace(poll, host="b.test", site="b.test")])  # both refused: may be a firewall
        assert doubt_caps(alone, poll, None, START)


def test_the_run_is_judged_once_and_holds_the_articles_as_outage_holds_articles_says() -> None:
    """`polls.poll_feeds` judged the outage twice (`judge_run`, then `outage_holds_articles`); the verdict now says
    whether the articles are held (red team 35). Cases: 3 names unresolved, one beside a failing feed's silence
    (an outage of 3 polls judged), 2 polls (spares the back-off only), a failing feed's silence making 3 polls of 2
    judged, and an answer among them."""
    a, b, c = (PollReach(Outcome.DNS_ERROR, s, site=s) for s in ("a.test", "b.test", "c.test"))
    hung = PollReach(Outcome.TIMEOUT, "d.test", unanswered=True, was_failing=True, site="d.test")
    fine = PollReach(Outcome.OK, "e.test", site="e.test")
    cases = [[a, b, c], [a, b, c, hung], [a, b], [a, b, hung], [a, b, c, fine], [a, fine]]
    assert [(judge_run(p).outage, judge_run(p).holds_articles) for p in cases] == [
        (True, True), (True, True), (True, False), (True, False), (False, False), (False, False)]
    assert all(judge_run(p).holds_articles == outage_holds_articles(p) for p in cases)
