"""The policy for feeds that move (newsflow.feedmoves): pure decisions, no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newsflow.feedmoves import FeedMove, MovePolicy, moved_home_failed, next_move, permanent_target
from newsflow.models import FeedState, FetchKind, FetchResult, Outcome

OLD, NEW, OTHER = "https://old.example/feed.xml", "https://new.example/feed.xml", "https://other.example/rss"
T0 = datetime(2026, 12, 1, tzinfo=UTC)
EVERY_POLL = MovePolicy(after_polls=3, after_seconds=0)


def polled(url: str, *redirects: tuple[int, str], at: datetime = T0) -> FetchResult:
    final = redirects[-1][1] if redirects else url
    return FetchResult(url, final, FetchKind.FEED, Outcome.OK, at, 200, redirects=redirects)


def watching(polls: int, since: datetime = T0, target: str = NEW, adopted: str | None = None) -> FeedState:
    return FeedState("f", adopted_url=adopted, redirect_url=target, redirect_polls=polls, redirect_since=since)


@pytest.mark.parametrize(("redirects", "target"), [
    (((301, NEW),), NEW),
    (((308, NEW),), NEW),
    (((301, OTHER), (308, NEW)), NEW),
    (((301, NEW + "#top"),), NEW),
    (((302, NEW),), None),
    (((307, NEW),), None),
    (((303, NEW),), None),
    (((301, OTHER), (302, NEW)), None),
    (((301, "http://new.example/feed.xml"),), None),  # https to http: a downgrade is never adopted
    (((301, "https://user:secret@new.example/feed.xml"),), None),  # credentials are never stored
    ((), None),
])
def test_only_a_chain_of_permanent_redirects_has_a_target(
    redirects: tuple[tuple[int, str], ...], target: str | None
) -> None:
    assert permanent_target(polled(OLD, *redirects)) == target


def test_the_target_is_adopted_after_the_polls_the_policy_asks_for() -> None:
    state = FeedState("f")
    for polls in (1, 2):
        move = next_move(state, OLD, polled(OLD, (301, NEW)), Outcome.OK, EVERY_POLL)
        assert move == FeedMove(None, NEW, polls, T0)
        state = watching(move.redirect_polls)
    assert next_move(state, OLD, polled(OLD, (301, NEW)), Outcome.NOT_MODIFIED, EVERY_POLL) == FeedMove(NEW)


def test_the_polls_must_also_span_the_time_the_policy_asks_for() -> None:
    policy = MovePolicy(after_polls=2, after_seconds=86400)
    soon = polled(OLD, (301, NEW), at=T0 + timedelta(hours=1))
    assert next_move(watching(1), OLD, soon, Outcome.OK, policy) == FeedMove(None, NEW, 2, T0)
    a_day_on = polled(OLD, (301, NEW), at=T0 + timedelta(days=1))
    assert next_move(watching(5), OLD, a_day_on, Outcome.OK, policy) == FeedMove(NEW)


def test_a_new_target_starts_the_count_again() -> None:
    later = T0 + timedelta(hours=2)
    move = next_move(watching(2), OLD, polled(OLD, (301, OTHER), at=later), Outcome.OK, EVERY_POLL)
    assert move == FeedMove(None, OTHER, 1, later)


def test_a_healthy_poll_without_the_redirect_starts_the_count_again() -> None:
    assert next_move(watching(2), OLD, polled(OLD), Outcome.OK, EVERY_POLL) == FeedMove()


@pytest.mark.parametrize("outcome", [Outcome.TIMEOUT, Outcome.PARSE_ERROR, Outcome.RATE_LIMITED])
def test_a_failed_poll_neither_counts_nor_resets(outcome: Outcome) -> None:
    assert next_move(watching(2), OLD, polled(OLD, (301, NEW)), outcome, EVERY_POLL) == FeedMove(None, NEW, 2, T0)


def test_zero_polls_never_adopts() -> None:
    policy = MovePolicy(after_polls=0, after_seconds=0)
    assert next_move(watching(99), OLD, polled(OLD, (301, NEW)), Outcome.OK, policy).adopted_url is None


def test_an_adopted_url_stays_adopted_and_can_move_again() -> None:
    assert next_move(FeedState("f", adopted_url=NEW), OLD, polled(NEW), Outcome.OK, EVERY_POLL) == FeedMove(NEW)
    state = watching(2, target=OTHER, adopted=NEW)
    assert next_move(state, OLD, polled(NEW, (301, OTHER)), Outcome.OK, EVERY_POLL) == FeedMove(OTHER)


def test_a_move_back_to_the_config_url_is_no_adopted_url() -> None:
    state = watching(2, target=OLD, adopted=NEW)
    assert next_move(state, OLD, polled(NEW, (301, OLD)), Outcome.OK, EVERY_POLL) == FeedMove()


def test_falling_back_to_the_config_url_drops_the_adopted_url_and_what_was_watched() -> None:
    state = watching(2, target=OTHER, adopted=NEW)
    assert next_move(state, OLD, polled(OLD), Outcome.TIMEOUT, EVERY_POLL) == FeedMove()


@pytest.mark.parametrize(("outcome", "status", "falls_back"), [
    (Outcome.OK, 200, False),
    (Outcome.NOT_MODIFIED, 304, False),
    (Outcome.RATE_LIMITED, 429, False),
    (Outcome.HTTP_ERROR, 404, True),
    (Outcome.HTTP_ERROR, 410, True),
    (Outcome.PARSE_ERROR, 200, True),
    (Outcome.DNS_ERROR, None, True),
])
def test_which_failures_of_an_adopted_url_send_the_feed_home(
    outcome: Outcome, status: int | None, falls_back: bool
) -> None:
    assert moved_home_failed(outcome, status) is falls_back
