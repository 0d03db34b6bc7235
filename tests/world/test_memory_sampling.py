"""A world run's memory sampler reads PSS only where the bound could be passed, and still checks it every sample."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile import subprocesses
from tests.hostile.subprocesses import MemoryReport
from tests.world import runproc

HELD_MIB = 48


@pytest.fixture(scope="module")
def holder() -> Iterator[int]:
    """A process holding HELD_MIB of its own written pages (no import of the stack: ~0.05 cpu-s)."""
    code = f"import sys, time\nb = b'x' * ({HELD_MIB} << 20)\nprint('ready', flush=True)\ntime.sleep(120)"
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        yield child.pid
    finally:
        child.kill()
        child.wait()


@pytest.fixture
def pss_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    reads: list[int] = []
    real = subprocesses._rollup_mib

    def counted(pid: int) -> tuple[float, float] | None:
        reads.append(pid)
        return real(pid)

    monkeypatch.setattr(subprocesses, "_rollup_mib", counted)
    return reads


def test_a_tree_over_the_bound_has_its_pss_read_in_every_sample(holder: int, pss_reads: list[int]) -> None:
    exact = MemoryReport()
    exact.sample(holder)
    assert exact.peak_sampled_pss > HELD_MIB
    bound = exact.peak_sampled_pss - 1  # the tree is over it
    gated = MemoryReport(pss_from_mib=bound - runproc.RSS_COUNTER_SLACK_MIB, pss_every=1000)
    pss_reads.clear()
    for _ in range(5):
        gated.sample(holder)
    assert pss_reads == [holder] * 5
    assert gated.peak_sampled_pss > bound


def test_a_tree_far_under_the_bound_has_its_pss_read_every_nth_sample_and_its_rss_in_every_one(
        holder: int, pss_reads: list[int]) -> None:
    gated = MemoryReport(pss_from_mib=10_000.0, pss_every=3)
    for _ in range(5):
        gated.sample(holder)
    assert pss_reads == [holder] * 2  # samples 0 and 3
    assert gated.samples == 5
    assert HELD_MIB < gated.peak_sampled_pss <= gated.peak_sampled_sum  # PSS is never above RSS
    assert gated.hwm_by_pid[holder] >= gated.peak_sampled_sum


def test_the_world_tests_sample_near_their_bound_and_bench_in_every_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    report = runproc.memory_report(600.0)  # under tests/world/conftest.py
    assert (report.pss_from_mib, report.pss_every) == (600.0 - runproc.RSS_COUNTER_SLACK_MIB, 10)
    monkeypatch.setattr(runproc, "PSS_EVERY", 1)  # the module's own default: bench's soak
    assert runproc.memory_report(600.0).pss_from_mib is None


def test_a_background_run_reads_pss_near_the_bound_its_test_gives_or_every_tenth_sample() -> None:
    bounded = subprocesses.BackgroundRun(Path("newsflow.toml"), "http://127.0.0.1:9/api", pss_bound_mib=500.0)
    assert (bounded.memory.pss_from_mib, bounded.memory.pss_every) == (500.0 - subprocesses.RSS_COUNTER_SLACK_MIB, 10)
    unbounded = subprocesses.BackgroundRun(Path("newsflow.toml"), "http://127.0.0.1:9/api")
    assert unbounded.memory.pss_from_mib == math.inf  # no test checks its PSS


def test_a_tree_whose_rss_counters_may_lag_past_the_gate_has_its_pss_read(
        holder: int, pss_reads: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """VmRSS 50 MiB under the gate: on a kernel whose counters can lag by more (6.2-6.15 on 64 CPUs: 96 MiB a
    process), the pages could be over it, so PSS is read in every sample; with exact counters, only the nth."""
    rss = subprocesses._status_mib(holder)
    assert rss is not None
    real = subprocesses.rss_counter_lag_mib
    monkeypatch.setattr(subprocesses, "rss_counter_lag_mib", lambda threads: real(threads, (6, 8), 64))
    lagging = MemoryReport(pss_from_mib=rss[0] + 50, pss_every=1000)
    for _ in range(3):
        lagging.sample(holder)
    assert pss_reads == [holder] * 3
    monkeypatch.setattr(subprocesses, "rss_counter_lag_mib", lambda threads: real(threads, (6, 18), 64))
    exact = MemoryReport(pss_from_mib=rss[0] + 50, pss_every=1000)
    pss_reads.clear()
    for _ in range(3):
        exact.sample(holder)
    assert pss_reads == [holder]  # sample 0 only


def test_the_rss_counters_lag_by_kernel_cpus_and_threads() -> None:
    lag = subprocesses.rss_counter_lag_mib
    assert lag(31, (6, 18), 64) == 0.0  # /proc sums the per-CPU counters
    assert lag(31, (6, 8), 2, 4 / 1024) == 0.75  # 3 counters x 2 CPUs x 32 pages
    assert lag(31, (6, 8), 64, 4 / 1024) == 96.0  # batch 128 pages: past RSS_COUNTER_SLACK_MIB alone
    assert lag(31, (5, 15), 2, 4 / 1024) > subprocesses.RSS_COUNTER_SLACK_MIB  # ~4 MiB a thread before 6.2
