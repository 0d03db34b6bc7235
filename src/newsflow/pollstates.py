"""What a feed's poll records (`newsflow.polls`): the feed's row after it (its state, its next poll's plan, a move
of its URL, its validators kept or dropped) and its fetch event."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from newsflow import feedmoves
from newsflow import polling as polling_policy
from newsflow.config import PollingSettings
from newsflow.errors import classify_outcome
from newsflow.fetchrecord import believable_last_modified
from newsflow.models import FailureClass, FeedPollState, FeedState, FetchEvent, Outcome

if TYPE_CHECKING:  # polls imports this module
    from newsflow.polls import FeedPoll


def poll_event(poll: FeedPoll, run_id: str) -> FetchEvent:
    event = FetchEvent.from_result(poll.result, run_id, poll.feed.name)
    if poll.outcome is not poll.result.outcome:
        event = replace(event, outcome=poll.outcome, error=poll.error)
    return event


def poll_state(
    poll: FeedPoll, history: FeedState | None, entries_new: int, polling: PollingSettings, penalise: bool = True
) -> FeedPollState:
    """The feed's row after this poll. Unpenalised (an outage), the poll keeps the feed's old plan."""
    known = history or FeedState(poll.feed.name)
    failure = classify_outcome(poll.outcome, poll.result.status_code)
    ok = poll.outcome is Outcome.OK
    plan = plan_poll(poll, known, entries_new, failure, polling)
    if not penalise:
        plan = polling_policy.PollPlan(known.poll_interval or 0, known.next_poll_at or poll.result.at)
    policy = move_policy(polling) if poll.moved_onto is None else feedmoves.MovePolicy(0, 0)
    move = feedmoves.next_move(known, poll.feed.url, poll.result, poll.outcome, policy)
    last_modified = believable_last_modified(poll.result.headers.get("last-modified"), poll.result.at)
    return FeedPollState(
        feed_id=poll.feed.name,
        polled_at=poll.result.at,
        status=str(failure) if failure else str(poll.outcome),
        outcome=str(poll.outcome),
        failed=failure is not None,
        title=poll.parsed.title if poll.parsed else None,
        etag=poll.result.headers.get("etag") if ok else None,
        last_modified=last_modified if ok else None,
        error=poll.error,
        entries_seen=len(poll.parsed.entries) if poll.parsed else 0,
        entries_new=entries_new,
        possibly_missed=plan.possibly_missed,
        poll_interval=plan.interval,
        next_poll_at=plan.next_poll_at,
        retire=plan.retire,
        adopted_url=move.adopted_url,
        redirect_url=move.redirect_url,
        redirect_polls=move.redirect_polls,
        redirect_since=move.redirect_since,
        reset_validators=poll.result.url != feedmoves.polled_url(known, poll.feed.url)
        or validators_suspect(poll.outcome, failure, penalise),
        unreachable=poll.unreachable,
        turned_away=poll.turned_away,
        boot=poll.boot.boot if poll.boot else None,
        uptime=poll.boot.seconds if poll.boot else None,
    )


# Failed polls that can be the server choking on `If-None-Match` or `If-Modified-Since`: an error status, a stall,
# a broken exchange. Not a rate limit (429, or 503 with Retry-After: the server asked for time; or a poll never
# sent, its host paused), nor a body that does not parse or is over the cap (answered in full: no 304 was due).
_CHOKED = frozenset({Outcome.HTTP_ERROR, Outcome.TIMEOUT, Outcome.PROTOCOL_ERROR})


def validators_suspect(outcome: Outcome, failure: FailureClass | None, penalise: bool) -> bool:
    """Whether a failed poll drops the feed's validators, so that the next poll asks unconditionally: the
    server answered it with an error, held it unanswered or broke the exchange, and this is no outage (the
    network is not to blame). A server fine with a plain GET that stalls or errs on `If-None-Match` or
    `If-Modified-Since` (a CDN or WAF rule that chokes on them) failed every later poll, as they kept the
    validators (red team 29). The price: the poll after such a failure costs one whole body, where a 304 might
    have come; a feed rate limited paid it too, before its review (`_CHOKED`)."""
    return failure is not None and penalise and outcome in _CHOKED


def move_policy(polling: PollingSettings) -> feedmoves.MovePolicy:
    return feedmoves.MovePolicy(polling.adopt_redirect_after_polls, polling.adopt_redirect_after_seconds)


def plan_poll(
    poll: FeedPoll, history: FeedState, entries_new: int, failure: FailureClass | None, polling: PollingSettings
) -> polling_policy.PollPlan:
    parsed = poll.parsed
    seen = polling_policy.PollObservation(
        polled_at=poll.result.at,
        failure=failure,
        status_code=poll.result.status_code,
        entries_seen=len(parsed.entries) if parsed else 0,
        entries_new=entries_new,
        hint_seconds=polling_policy.publisher_hint_seconds(
            parsed.ttl_seconds if parsed else None, parsed.update_period_seconds if parsed else None,
            poll.result.headers),
        retry_after=poll.result.retry_after,
        jitter=polling_policy.jitter_for(poll.feed.name, history.consecutive_failures),
        network_doubt=poll.network_doubt,
    )
    known = polling_policy.PollHistory(
        history.last_polled_at, history.poll_interval, history.consecutive_failures, history.has_entries)
    return polling_policy.plan_next_poll(known, seen, polling.min_interval, polling.max_interval)
