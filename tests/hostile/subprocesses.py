"""Run `python -m newsflow` as a real child process: its config, its environment, its memory.

Whole-run tests (tests/hostile/test_whole_run.py, test_crash_safety.py, test_query_during_run.py)
need a separate process: to measure the peak memory of the run and of its extraction workers,
to SIGKILL it mid-run, and to query the warehouse from outside while it writes.

The child talks to the session's Prefect test API (the `prefect_harness` fixture) through
PREFECT_API_URL, so it does not start a temporary server of its own (10-24 s).
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from tests.conftest import write_config

REPO = Path(__file__).resolve().parents[2]
_MIB = 1024 * 1024
# A sampler gated on RSS (MemoryReport.pss_from_mib) reads PSS from this far under its bound, on top of
# the most the kernel's RSS counters can be behind the pages (rss_counter_lag_mib, added per process).
RSS_COUNTER_SLACK_MIB = 64.0
_VERSION = re.match(r"(\d+)\.(\d+)", platform.release())
_RELEASE = (int(_VERSION[1]), int(_VERSION[2])) if _VERSION else (0, 0)  # unknown: the oldest kernels' lag
_CPUS = os.cpu_count() or 1
_PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def rss_counter_lag_mib(threads: int, release: tuple[int, ...] = _RELEASE, cpus: int = _CPUS,
                        page_mib: float = _PAGE_MIB) -> float:
    """The most one process's VmRSS can be under the pages mapped (what smaps walks), on this kernel.

    From 6.16 /proc sums the per-CPU counters (82241a83cd15): no lag (6.12.y/6.15.y's backports are
    counted as lagging: more PSS reads, never fewer). From 6.2
    (f1a7941243c1) it reads the global part of three per-CPU counters (anon, file, shmem), each CPU holding back
    up to a batch of max(32, 2 x CPUs) pages: 0.75 MiB a process on 2 CPUs, 96 MiB on 64 (reported: tens of MB
    on 250 CPUs). Before 6.2 each thread caches its counts for up to 64 faults (+1), and one fault maps up to
    64 KiB of a file (fault-around): ~4 MiB a thread, 126 MiB for a world run's 31 threads."""
    if release >= (6, 16):
        return 0.0
    if release >= (6, 2):
        return 3 * cpus * max(32, 2 * cpus) * page_mib
    return threads * 65 * max(page_mib, 64 / 1024)


def prefect_api_url() -> str:
    """The API of the session's Prefect harness; call inside a test that uses `prefect_harness`."""
    import prefect.settings

    url = prefect.settings.PREFECT_API_URL.value()
    assert url, "the prefect_harness fixture is not active"
    return str(url)


def child_env(api_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PREFECT_API_URL": api_url, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
    env.pop("NEWSFLOW_CONFIG", None)
    return env


def newsflow_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsflow", *args]


def run_newsflow(args: Sequence[str], api_url: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run one `newsflow` command to completion and capture its output."""
    return subprocess.run(
        newsflow_command(*args), cwd=REPO, env=child_env(api_url), capture_output=True, text=True, timeout=timeout
    )


def write_run_config(
    tmp_path: Path,
    feeds: dict[str, str],
    *,
    allowed_networks: Sequence[str] = ("127.0.0.0/8",),
    fetch: dict[str, Any] | None = None,
    extract: dict[str, Any] | None = None,
) -> Path:
    """A newsflow.toml with absolute feed URLs, chosen allowed networks and fast loopback settings."""
    return write_config(tmp_path, "", feeds, extract=extract, **{"allowed_networks": list(allowed_networks),
                                                                  **(fetch or {})})


# --- a run in the background ------------------------------------------------------------------


@dataclass
class MemoryReport:
    """Peak memory of a process tree, in MiB.

    `peak_hwm` is each process's own high-water mark (VmHWM), the largest of them; `sum_hwm`
    adds every process's high-water mark, an upper bound on the tree's peak because the
    processes need not peak together, and counts pages the workers share with the forkserver
    (the language model, the imports) once per process; `peak_sampled_sum` is the largest sum of
    resident sizes seen in one sample; `peak_sampled_pss` the largest sum of proportional set
    sizes (PSS: a shared page counted once across the tree), the tree's real footprint.
    """

    hwm_by_pid: dict[int, float] = field(default_factory=dict)
    peak_sampled_sum: float = 0.0
    peak_sampled_pss: float = 0.0
    samples: int = 0
    # With `pss_from_mib` set, a sample reads the tree's PSS only when its summed RSS (VmRSS, in the
    # status file read for VmHWM anyway) plus the counters' possible lag (rss_counter_lag_mib) reaches
    # `pss_from_mib`, and in every `pss_every`-th sample.
    # PSS (smaps_rollup: a walk of each process's page tables, ~1.4 ms for an 84 MiB process, 95%
    # of a sample) is never above RSS, so a bound on PSS at or above `pss_from_mib` is checked in
    # every sample as before; only `peak_sampled_pss`, the figure, comes from the sparser samples
    # (docs/performance.md, "CI time, session 41"). None: PSS in every sample (bench's figure).
    pss_from_mib: float | None = None
    pss_every: int = 1

    @property
    def peak_hwm(self) -> float:
        return max(self.hwm_by_pid.values(), default=0.0)

    @property
    def sum_hwm(self) -> float:
        return sum(self.hwm_by_pid.values())

    def sample(self, pid: int) -> None:
        """One sample of the tree under `pid`: its RSS and PSS summed, each process's VmHWM.

        A sample reads each process's /proc files only (its children, smaps_rollup, status). psutil's
        `children(recursive=True)` read every process's stat on the machine to find the tree, and
        `memory_info` and `memory_full_info` read statm and smaps_rollup apart: ~10 ms a sample at 20
        samples a second, a quarter of a world test's CPU (docs/performance.md, "CI time, session 35")."""
        tree = process_tree(pid)
        if not tree:  # the run has gone: no sample
            return
        if self.pss_from_mib is not None:
            self._sample_rss_first(tree)
            return
        total = pss = 0.0
        for member in tree:
            sizes = _rollup_mib(member)
            if sizes is None:  # gone between its parent's list and its own read
                continue
            total, pss = total + sizes[0], pss + sizes[1]
            hwm = _hwm_mib(member)
            if hwm is not None:
                self.hwm_by_pid[member] = max(hwm, self.hwm_by_pid.get(member, 0.0))
        self.peak_sampled_sum = max(self.peak_sampled_sum, total)
        self.peak_sampled_pss = max(self.peak_sampled_pss, pss)
        self.samples += 1

    def _sample_rss_first(self, tree: list[int]) -> None:
        """One sample reading each member's status (VmRSS, VmHWM), and its PSS only when it can matter."""
        sizes = {member: found for member in tree if (found := _status_mib(member)) is not None}
        if not sizes:  # every member gone between the walk and its read
            return
        total = sum(rss for rss, _, _ in sizes.values())
        for member, (_, hwm, _) in sizes.items():
            self.hwm_by_pid[member] = max(hwm, self.hwm_by_pid.get(member, 0.0))
        self.peak_sampled_sum = max(self.peak_sampled_sum, total)
        assert self.pss_from_mib is not None
        most = total + sum(rss_counter_lag_mib(threads) for _, _, threads in sizes.values())
        if most >= self.pss_from_mib or self.samples % self.pss_every == 0:
            read = [found[1] for member in sizes if (found := _rollup_mib(member)) is not None]
            self.peak_sampled_pss = max(self.peak_sampled_pss, sum(read))
        self.samples += 1

    def describe(self) -> str:
        return (f"peak RSS: largest process {self.peak_hwm:.0f} MiB, tree sampled {self.peak_sampled_sum:.0f} MiB, "
                f"tree sampled PSS {self.peak_sampled_pss:.0f} MiB, "
                f"sum of per-process peaks {self.sum_hwm:.0f} MiB over {len(self.hwm_by_pid)} processes "
                f"{sorted(round(v) for v in self.hwm_by_pid.values())[::-1]} ({self.samples} samples)")


# /proc/PID/task/TID/children needs a kernel built with CONFIG_PROC_CHILDREN; without it, psutil's scan.
_CHILDREN_FILES = os.path.exists(f"/proc/self/task/{os.getpid()}/children")
_ROLLUP_FILES = os.path.exists("/proc/self/smaps_rollup")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants, from each one's /proc/PID/task/TID/children (an empty list when `pid`
    is gone). A process born or gone during the walk may be left out of this sample, as between two."""
    if not _CHILDREN_FILES:
        try:
            root = psutil.Process(pid)
            return [pid, *(child.pid for child in root.children(recursive=True))]
        except psutil.Error:
            return []
    tree, todo = [], [pid]
    while todo:
        member = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{member}/task")
        except OSError:
            continue
        tree.append(member)
        for task in tasks:
            try:
                with open(f"/proc/{member}/task/{task}/children", encoding="ascii") as children:
                    todo.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return tree


def _rollup_mib(pid: int) -> tuple[float, float] | None:
    """(Rss, Pss) of `pid` in MiB, from one read of /proc/PID/smaps_rollup (what psutil reads for PSS);
    psutil's reading of smaps on a kernel without smaps_rollup (before 4.14)."""
    if not _ROLLUP_FILES:
        try:
            sizes = psutil.Process(pid).memory_full_info()
        except psutil.Error:
            return None
        return sizes.rss / _MIB, sizes.pss / _MIB
    rss = pss = None
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) / 1024
                    break
    except (OSError, ValueError):
        return None
    return None if rss is None or pss is None else (rss, pss)


def _status_mib(pid: int) -> tuple[float, float, int] | None:
    """(VmRSS, VmHWM in MiB, threads) of `pid`, from one read of /proc/PID/status. VmRSS is the kernel's
    RSS counters, not smaps' walk: behind it by up to rss_counter_lag_mib(threads)."""
    rss = hwm = threads = None
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
                elif line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
                elif line.startswith("Threads:"):
                    threads = int(line.split()[1])
                    break
    except (OSError, ValueError):
        return None
    return None if rss is None or hwm is None or threads is None else (rss, hwm, threads)


def _hwm_mib(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class BackgroundRun:
    """`newsflow run` in its own session (process group), with its tree's memory sampled.

    Use as a context manager; leaving it kills whatever of the tree is still alive.
    """

    SAMPLE_SECONDS = 0.05
    PSS_EVERY = 10  # the PSS figure `describe` prints: every 10th sample (MemoryReport.pss_from_mib)

    def __init__(self, config_path: Path, api_url: str, *extra: str, pss_bound_mib: float | None = None) -> None:
        """`pss_bound_mib`: the bound a test checks `memory.peak_sampled_pss` against; PSS is then read in every
        sample from RSS_COUNTER_SLACK_MIB under it. Without one, nothing checks the PSS, which is read in
        every PSS_EVERY-th sample only (RSS and each process's VmHWM in every one)."""
        self.args = ["run", "--config", str(config_path), *extra]
        self.api_url = api_url
        gate = math.inf if pss_bound_mib is None else pss_bound_mib - RSS_COUNTER_SLACK_MIB
        self.memory = MemoryReport(pss_from_mib=gate, pss_every=self.PSS_EVERY)
        self._stop = threading.Event()
        self.proc: subprocess.Popen[str] | None = None
        self.started = 0.0
        self.elapsed = 0.0

    def __enter__(self) -> BackgroundRun:
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            newsflow_command(*self.args), cwd=REPO, env=child_env(self.api_url), stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True,
        )
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        self._stop.set()
        self._sampler.join()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def wait(self, timeout: float) -> tuple[int, str, str]:
        """Exit code, stdout and stderr of the run."""
        assert self.proc is not None
        out, err = self.proc.communicate(timeout=timeout)
        self.elapsed = time.monotonic() - self.started
        self._stop.set()
        self._sampler.join()
        return self.proc.returncode, out, err

    def kill(self) -> None:
        """SIGKILL the whole tree (the run, its forkserver and extraction workers) at once."""
        assert self.proc is not None
        with contextlib.suppress(ProcessLookupError):  # it died by itself
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.communicate(timeout=30)

    def has_open(self, path: Path) -> bool:
        """Whether the run process has `path` open right now (DuckDB holds its file only while writing)."""
        target = str(path)
        try:
            fds = os.listdir(f"/proc/{self.pid}/fd")
        except OSError:
            return False
        for fd in fds:
            try:
                if os.readlink(f"/proc/{self.pid}/fd/{fd}") == target:
                    return True
            except OSError:
                continue
        return False

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._sample_once()
            self._stop.wait(self.SAMPLE_SECONDS)

    def _sample_once(self) -> None:
        self.memory.sample(self.pid)


def serve_behind(api_port: int, config_path: Path, log_path: Path) -> subprocess.Popen[str]:
    """`newsflow serve` against the Prefect API (a proxy, say) on `api_port`, its stderr in `log_path`."""
    with log_path.open("w") as log:
        return subprocess.Popen(newsflow_command("serve", "--config", str(config_path)), cwd=REPO,
                                env=child_env(f"http://127.0.0.1:{api_port}/api"), stdout=subprocess.DEVNULL,
                                stderr=log, text=True)


def newsflow_lines(err: str) -> list[str]:
    """Each `newsflow: ...` line of `err`, from where it starts: Prefect's log worker can leave "All
    connection attempts failed" without its newline as its API dies, and the next line then follows it."""
    return [line[line.index("newsflow: "):] for line in err.splitlines() if "newsflow: " in line]
