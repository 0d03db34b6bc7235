"""Concurrency limits and the delay between request starts, measured on the server side."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from newsflow.models import Outcome
from tests.hostile.servers import InFlightRecorder, LoopbackServer, fetch_articles, running_server, settings

HOLD = 0.15


@pytest.fixture
def other_host() -> Iterator[LoopbackServer]:
    yield from running_server("127.0.0.2")


def _serve(server: LoopbackServer, recorder: InFlightRecorder, count: int, prefix: str = "/a") -> list[str]:
    return [server.add(f"{prefix}/{index}", recorder) for index in range(count)]


def test_per_host_concurrency_caps_requests_in_flight_to_one_host(server: LoopbackServer) -> None:
    recorder = InFlightRecorder(hold=HOLD)
    urls = _serve(server, recorder, 8)
    results = fetch_articles(settings(per_host_concurrency=2, concurrency=10, respect_robots=False), urls)
    assert {r.outcome for r in results} == {Outcome.OK}
    assert recorder.peak == 2


def test_global_concurrency_caps_requests_across_hosts(server: LoopbackServer, other_host: LoopbackServer) -> None:
    recorder = InFlightRecorder(hold=HOLD)
    urls = _serve(server, recorder, 3) + _serve(other_host, recorder, 3)
    results = fetch_articles(settings(per_host_concurrency=3, concurrency=2, respect_robots=False), urls)
    assert {r.outcome for r in results} == {Outcome.OK}
    assert recorder.peak == 2


def test_per_host_delay_spaces_request_starts(server: LoopbackServer) -> None:
    recorder = InFlightRecorder(hold=0.0)
    urls = _serve(server, recorder, 5)
    fetch_articles(settings(per_host_delay=0.2, per_host_concurrency=5, respect_robots=False), urls)
    starts = sorted(recorder.starts)
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 4
    # We space the starts on our side; the server may see a gap up to ~20 ms shorter after the
    # run's first request, whose new connection takes longer to arrive than later ones.
    assert min(gaps) >= 0.15, f"gaps between starts: {[round(g, 3) for g in gaps]}"
    assert sorted(gaps)[1] >= 0.19
    assert max(gaps) < 0.5  # spaced, not serialised behind something else


def test_delay_on_one_host_does_not_hold_up_another(server: LoopbackServer, other_host: LoopbackServer) -> None:
    slow, fast = InFlightRecorder(hold=0.0), InFlightRecorder(hold=0.0)
    urls = _serve(server, slow, 3) + _serve(other_host, fast, 1)
    fetch_articles(settings(per_host_delay=0.4, respect_robots=False), urls)
    assert fast.starts[0] - min(slow.starts) < 0.2
    assert max(slow.starts) - min(slow.starts) >= 0.75
