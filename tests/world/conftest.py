"""The world tests' memory sampling: the tree's PSS read near the bound only (tests/world/runproc.py)."""

from __future__ import annotations

import pytest

from tests.world import runproc


@pytest.fixture(autouse=True)
def pss_read_near_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sample still checks the bound (PSS is never above RSS); PSS itself, the page walk that was
    95% of a sample's CPU, is read only from RSS_COUNTER_SLACK_MIB under it and in every 10th sample,
    for the figure each report prints (docs/performance.md, "CI time, session 41")."""
    monkeypatch.setattr(runproc, "PSS_EVERY", 10)
